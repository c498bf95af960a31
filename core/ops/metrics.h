// A small Prometheus metrics registry: counters, gauges and histograms with
// label sets, rendered in the text exposition format 0.0.4 for /metrics.
//
// Names follow Prometheus/Fabric: namespace_subsystem_name (empty parts are
// skipped), so Fabric's metric definitions map one to one (fabric_metrics.h).
//
// Hot path: look a label set up once with With(...) — a map lookup under a
// lock — and keep the returned reference; updating it is one atomic operation.
// References stay valid for the registry's lifetime. Everything here is
// thread-safe.
//
// Exposition is stable: families sorted by name, children by label values;
// a family with labels appears once it has a child, one without labels always
// (at 0), as Prometheus's Go client does.
#pragma once

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/status.h"

namespace loom::ops {

struct MetricOpts {
  std::string namespace_name;  // "broadcast"
  std::string subsystem;       // "etcdraft", or empty
  std::string name;            // "processed_count"
  std::string help;
  std::vector<std::string> label_names;

  std::string FullName() const;  // "broadcast_processed_count"
};

struct HistogramOpts : MetricOpts {
  std::vector<double> buckets;  // upper bounds, increasing; empty: DefaultBuckets()
};

// Prometheus's default buckets, which Fabric uses when a histogram names none:
// .005 .01 .025 .05 .1 .25 .5 1 2.5 5 10 (seconds).
const std::vector<double>& DefaultBuckets();

// The "text/plain; version=0.0.4; charset=utf-8" content type of Exposition().
inline constexpr std::string_view kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

class Counter {
 public:
  void Inc() { Add(1); }
  void Add(double delta);  // negative deltas are ignored: counters only go up
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  void Sub(double delta) { Add(-delta); }
  void Inc() { Add(1); }
  void Dec() { Add(-1); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  explicit Histogram(const std::vector<double>* upper_bounds);

  void Observe(double value);

  struct Snapshot {
    std::vector<uint64_t> cumulative_counts;  // one per upper bound, then +Inf
    uint64_t count = 0;                       // == cumulative_counts.back()
    double sum = 0;
  };
  // Counts and sum; a concurrent Observe may be reflected in the counts but
  // not yet in the sum.
  Snapshot Read() const;
  const std::vector<double>& upper_bounds() const { return *upper_bounds_; }

 private:
  const std::vector<double>* upper_bounds_;                 // owned by the family
  std::unique_ptr<std::atomic<uint64_t>[]> bucket_counts_;  // per bucket, not cumulative; last is +Inf
  std::atomic<double> sum_{0};
};

class MetricsRegistry;

// Every labelled child of one metric name.
template <typename Metric>
class MetricFamily {
 public:
  // The child for these label values, in the order of the label names.
  // Values are padded with "" or cut to the number of label names (a
  // programming error; asserted in debug builds).
  Metric& With(std::span<const std::string_view> label_values);
  Metric& With(std::initializer_list<std::string_view> label_values) {
    return With(std::span<const std::string_view>(label_values.begin(), label_values.size()));
  }
  // The child of a family without labels.
  Metric& Get() { return With(std::span<const std::string_view>()); }

  const std::string& name() const { return name_; }
  const std::vector<std::string>& label_names() const { return label_names_; }

 private:
  friend class MetricsRegistry;
  MetricFamily(std::string name, std::string help, std::vector<std::string> label_names,
               std::vector<double> buckets);
  void Render(std::string_view type, std::string* out) const;
  static void RenderChild(const std::string& name, const std::vector<std::string>& label_names,
                          const std::vector<std::string>& label_values, const Metric& metric,
                          std::string* out);

  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  const std::vector<double> buckets_;  // histograms only
  mutable std::shared_mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<Metric>> children_;  // guarded by mu_
};

using CounterFamily = MetricFamily<Counter>;
using GaugeFamily = MetricFamily<Gauge>;
using HistogramFamily = MetricFamily<Histogram>;

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Registers a family. Registering the same name again with the same type,
  // label names (and buckets) returns the existing family, so components may
  // each ask for the metrics they use. InvalidArgument for a bad metric or
  // label name or bad buckets; AlreadyExists when the name is taken by a
  // different definition.
  Result<CounterFamily*> NewCounter(const MetricOpts& opts);
  Result<GaugeFamily*> NewGauge(const MetricOpts& opts);
  Result<HistogramFamily*> NewHistogram(const HistogramOpts& opts);

  // The text exposition format 0.0.4.
  std::string Exposition() const;

 private:
  struct Entry;
  Result<const Entry*> Register(const MetricOpts& opts, std::string_view type,
                                const std::vector<double>* buckets);

  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Entry>> families_;  // guarded by mu_
};

// Formats a sample value as Prometheus's Go client does (Go's %g with the
// shortest representation: "0.005", "1.5e+06", "+Inf", "NaN").
std::string FormatMetricValue(double value);

// Escaping of the exposition format: label values escape \ " and newline;
// HELP text escapes \ and newline.
std::string EscapeLabelValue(std::string_view value);
std::string EscapeHelp(std::string_view help);

}  // namespace loom::ops
