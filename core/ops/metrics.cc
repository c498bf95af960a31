#include "core/ops/metrics.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <type_traits>

namespace loom::ops {

std::string MetricOpts::FullName() const {
  std::string full;
  for (const std::string* part : {&namespace_name, &subsystem, &name}) {
    if (part->empty()) continue;
    if (!full.empty()) full += '_';
    full += *part;
  }
  return full;
}

const std::vector<double>& DefaultBuckets() {
  static const std::vector<double> buckets = {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10};
  return buckets;
}

// --- values ---

void Counter::Add(double delta) {
  assert(delta >= 0 && "counters only go up");
  if (!(delta > 0)) return;
  value_.fetch_add(delta, std::memory_order_relaxed);
}

Histogram::Histogram(const std::vector<double>* upper_bounds)
    : upper_bounds_(upper_bounds),
      bucket_counts_(std::make_unique<std::atomic<uint64_t>[]>(upper_bounds->size() + 1)) {}

void Histogram::Observe(double value) {
  // The first bucket whose upper bound is >= value ("le"); NaN lands in +Inf.
  size_t index =
      std::lower_bound(upper_bounds_->begin(), upper_bounds_->end(), value) - upper_bounds_->begin();
  bucket_counts_[index].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot snapshot;
  snapshot.cumulative_counts.resize(upper_bounds_->size() + 1);
  uint64_t running = 0;
  for (size_t i = 0; i <= upper_bounds_->size(); ++i) {
    running += bucket_counts_[i].load(std::memory_order_relaxed);
    snapshot.cumulative_counts[i] = running;
  }
  snapshot.count = running;
  snapshot.sum = sum_.load(std::memory_order_relaxed);
  return snapshot;
}

// --- text format ---

std::string FormatMetricValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == 0) return std::signbit(value) ? "-0" : "0";
  // Go's %g with the shortest digits: exponent form when the decimal
  // exponent is < -4 or >= 6 (the precision Go uses for this choice when
  // formatting the shortest representation). Exponents have 2+ digits.
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::scientific);
  std::string_view scientific(buffer, static_cast<size_t>(end - buffer));
  size_t e = scientific.find('e');
  int exponent = 0;
  std::from_chars(scientific.data() + e + (scientific[e + 1] == '+' ? 2 : 1),
                  scientific.data() + scientific.size(), exponent);
  if (exponent < -4 || exponent >= 6) {
    std::string out(scientific.substr(0, e));
    out += exponent < 0 ? "e-" : "e+";
    int magnitude = exponent < 0 ? -exponent : exponent;
    if (magnitude < 10) out += '0';
    out += std::to_string(magnitude);
    return out;
  }
  auto [fixed_end, fixed_ec] =
      std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::fixed);
  return std::string(buffer, fixed_end);
}

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  return out;
}

std::string EscapeHelp(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

// name{label="value",...} with `extra` (the histogram's le) appended.
void AppendSeries(std::string_view name, const std::vector<std::string>& label_names,
                  const std::vector<std::string>& label_values, std::string_view extra_label,
                  std::string_view extra_value, std::string* out) {
  *out += name;
  if (label_names.empty() && extra_label.empty()) return;
  *out += '{';
  bool first = true;
  auto append = [&](std::string_view label, std::string_view value) {
    if (!first) *out += ',';
    first = false;
    *out += label;
    *out += "=\"";
    *out += EscapeLabelValue(value);
    *out += '"';
  };
  for (size_t i = 0; i < label_names.size(); ++i) append(label_names[i], label_values[i]);
  if (!extra_label.empty()) append(extra_label, extra_value);
  *out += '}';
}

void AppendSample(std::string_view name, const std::vector<std::string>& label_names,
                  const std::vector<std::string>& label_values, double value, std::string* out) {
  AppendSeries(name, label_names, label_values, {}, {}, out);
  *out += ' ';
  *out += FormatMetricValue(value);
  *out += '\n';
}

bool IsMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool IsLabelName(std::string_view name) {
  if (name.empty() || name.starts_with("__")) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

}  // namespace

// --- families ---

template <typename Metric>
MetricFamily<Metric>::MetricFamily(std::string name, std::string help, std::vector<std::string> label_names,
                                   std::vector<double> buckets)
    : name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      buckets_(std::move(buckets)) {}

template <typename Metric>
Metric& MetricFamily<Metric>::With(std::span<const std::string_view> label_values) {
  assert(label_values.size() == label_names_.size() && "one value per label name");
  std::vector<std::string> key(label_names_.size());
  for (size_t i = 0; i < key.size() && i < label_values.size(); ++i) key[i] = std::string(label_values[i]);
  {
    std::shared_lock lock(mu_);
    auto it = children_.find(key);
    if (it != children_.end()) return *it->second;
  }
  std::unique_lock lock(mu_);
  std::unique_ptr<Metric>& child = children_[std::move(key)];
  if (!child) {
    if constexpr (std::is_same_v<Metric, Histogram>) {
      child = std::make_unique<Histogram>(&buckets_);
    } else {
      child = std::make_unique<Metric>();
    }
  }
  return *child;
}

template <typename Metric>
void MetricFamily<Metric>::Render(std::string_view type, std::string* out) const {
  std::shared_lock lock(mu_);
  if (children_.empty()) return;
  *out += "# HELP ";
  *out += name_;
  *out += ' ';
  *out += EscapeHelp(help_);
  *out += "\n# TYPE ";
  *out += name_;
  *out += ' ';
  *out += type;
  *out += '\n';
  for (const auto& [label_values, metric] : children_)
    RenderChild(name_, label_names_, label_values, *metric, out);
}

template <typename Metric>
void MetricFamily<Metric>::RenderChild(const std::string& name, const std::vector<std::string>& label_names,
                                       const std::vector<std::string>& label_values, const Metric& metric,
                                       std::string* out) {
  if constexpr (std::is_same_v<Metric, Histogram>) {
    Histogram::Snapshot snapshot = metric.Read();
    const std::vector<double>& bounds = metric.upper_bounds();
    const std::string bucket_name = name + "_bucket";
    for (size_t i = 0; i <= bounds.size(); ++i) {
      std::string le = i < bounds.size() ? FormatMetricValue(bounds[i]) : "+Inf";
      AppendSeries(bucket_name, label_names, label_values, "le", le, out);
      *out += ' ';
      *out += std::to_string(snapshot.cumulative_counts[i]);
      *out += '\n';
    }
    AppendSample(name + "_sum", label_names, label_values, snapshot.sum, out);
    AppendSeries(name + "_count", label_names, label_values, {}, {}, out);
    *out += ' ';
    *out += std::to_string(snapshot.count);
    *out += '\n';
  } else {
    AppendSample(name, label_names, label_values, metric.Value(), out);
  }
}

template class MetricFamily<Counter>;
template class MetricFamily<Gauge>;
template class MetricFamily<Histogram>;

// --- registry ---

struct MetricsRegistry::Entry {
  std::string type;  // "counter", "gauge", "histogram"
  std::vector<std::string> label_names;
  std::vector<double> buckets;
  std::unique_ptr<CounterFamily> counter;
  std::unique_ptr<GaugeFamily> gauge;
  std::unique_ptr<HistogramFamily> histogram;

  void Render(std::string* out) const {
    if (counter) counter->Render(type, out);
    if (gauge) gauge->Render(type, out);
    if (histogram) histogram->Render(type, out);
  }
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

Result<const MetricsRegistry::Entry*> MetricsRegistry::Register(const MetricOpts& opts, std::string_view type,
                                                                const std::vector<double>* buckets) {
  const std::string name = opts.FullName();
  if (!IsMetricName(name)) {
    return Status::InvalidArgument("metric name \"" + name +
                                   "\": use letters, digits, '_' and ':', not a digit first");
  }
  for (size_t i = 0; i < opts.label_names.size(); ++i) {
    const std::string& label = opts.label_names[i];
    if (!IsLabelName(label)) {
      return Status::InvalidArgument("metric " + name + ": label name \"" + label +
                                     "\": use letters, digits and '_', not a digit or \"__\" first");
    }
    if (type == "histogram" && label == "le") {
      return Status::InvalidArgument("metric " + name + ": \"le\" is reserved for histogram buckets");
    }
    if (std::find(opts.label_names.begin(), opts.label_names.begin() + i, label) !=
        opts.label_names.begin() + i) {
      return Status::InvalidArgument("metric " + name + ": label \"" + label + "\" appears twice");
    }
  }
  std::vector<double> bucket_bounds;
  if (buckets != nullptr) {
    bucket_bounds = buckets->empty() ? DefaultBuckets() : *buckets;
    if (!bucket_bounds.empty() && std::isinf(bucket_bounds.back()) && bucket_bounds.back() > 0) {
      bucket_bounds.pop_back();  // +Inf is always there
    }
    for (size_t i = 0; i < bucket_bounds.size(); ++i) {
      if (!std::isfinite(bucket_bounds[i]) || (i > 0 && !(bucket_bounds[i] > bucket_bounds[i - 1]))) {
        return Status::InvalidArgument("metric " + name +
                                       ": buckets must be finite and strictly increasing (bucket " +
                                       std::to_string(i) + ")");
      }
    }
  }

  std::lock_guard lock(mu_);
  auto it = families_.find(name);
  if (it != families_.end()) {
    const Entry& existing = *it->second;
    if (existing.type != type || existing.label_names != opts.label_names ||
        existing.buckets != bucket_bounds) {
      return Status::AlreadyExists("metric " + name + " is already registered as a " + existing.type +
                                   " with other labels or buckets");
    }
    return it->second.get();
  }
  auto entry = std::make_unique<Entry>();
  entry->type = std::string(type);
  entry->label_names = opts.label_names;
  entry->buckets = bucket_bounds;
  if (type == "counter") {
    entry->counter.reset(new CounterFamily(name, opts.help, opts.label_names, {}));
    if (opts.label_names.empty()) entry->counter->Get();
  } else if (type == "gauge") {
    entry->gauge.reset(new GaugeFamily(name, opts.help, opts.label_names, {}));
    if (opts.label_names.empty()) entry->gauge->Get();
  } else {
    entry->histogram.reset(new HistogramFamily(name, opts.help, opts.label_names, bucket_bounds));
    if (opts.label_names.empty()) entry->histogram->Get();
  }
  const Entry* registered = entry.get();
  families_.emplace(name, std::move(entry));
  return registered;
}

Result<CounterFamily*> MetricsRegistry::NewCounter(const MetricOpts& opts) {
  LOOM_ASSIGN_OR_RETURN(const Entry* entry, Register(opts, "counter", nullptr));
  return entry->counter.get();
}

Result<GaugeFamily*> MetricsRegistry::NewGauge(const MetricOpts& opts) {
  LOOM_ASSIGN_OR_RETURN(const Entry* entry, Register(opts, "gauge", nullptr));
  return entry->gauge.get();
}

Result<HistogramFamily*> MetricsRegistry::NewHistogram(const HistogramOpts& opts) {
  LOOM_ASSIGN_OR_RETURN(const Entry* entry, Register(opts, "histogram", &opts.buckets));
  return entry->histogram.get();
}

std::string MetricsRegistry::Exposition() const {
  std::string out;
  std::lock_guard lock(mu_);
  for (const auto& [name, entry] : families_) entry->Render(&out);
  return out;
}

}  // namespace loom::ops
