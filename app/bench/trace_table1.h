// The paper's Table 1 from the lab's trace library: while a run goes, a
// TraceCollector (app/lab/trace_collector.h) follows every node's
// loom.Observer stream; afterwards the run's own client phases are added as
// client spans (endorse, broadcast, commit-seen), the collector is given a
// moment to receive the last commits, and lab::ComputeBreakdown measures
// each transaction (endorsement, ordering, VSCC, R/W check, ledger,
// validation, end-to-end). Thread-compatible.
#pragma once

#include <chrono>
#include <memory>

#include "app/bench/engine.h"
#include "app/bench/report.h"
#include "app/lab/trace_collector.h"

namespace loom::bench {

// Adds the client phases of every record that got that far.
void AddClientSpans(lab::TraceCollector& collector, const RunResult& result, const std::string& channel);

// Waits (until `deadline`) for the timelines of the last committed
// transactions to be complete, then computes Table 1 over the run's
// transactions on `channel`. Source "trace".
Table1 TraceTable1(const lab::TraceCollector& collector, const RunResult& result, const std::string& channel,
                   std::chrono::steady_clock::time_point deadline);

}  // namespace loom::bench
