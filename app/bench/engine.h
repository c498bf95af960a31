// The load engine: drives a workload against a network and records every
// transaction's timeline.
//
// Modes:
//   end-to-end    endorse at one peer of each endorsing org (in parallel),
//                 assemble, broadcast (a Broadcast stream per client thread),
//                 and see the commit on `watch_peer`'s DeliverFiltered stream
//                 (one stream for the whole run).
//   endorse-only  proposals only: done when every endorser answered.
//   order-only    envelopes signed before the run (endorsed once, a template
//                 endorsement reused, so peers later find them invalid), sent
//                 straight to the orderer; done when the orderer's Deliver
//                 stream shows the block that holds them.
// Loops:
//   open          the rate profile's schedule of intended send times; a free
//                 client thread takes the next slot and sleeps until it is
//                 due. A slot taken more than `late_threshold` after its time
//                 is LATE: counted, never skipped, and its latency measured
//                 from the intended time (coordinated omission avoided).
//   closed        `in_flight` transactions outstanding (until their commit,
//                 failure or timeout), for `duration`.
// Outcomes are counted apart: committed VALID, committed invalid (by code:
// MVCC_READ_CONFLICT, PHANTOM_READ_CONFLICT, ...), endorsement failures,
// broadcast refusals, timeouts.
//
// Run blocks the caller; `on_progress` is called about 5 times a second
// from the calling thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/bench/rate_profile.h"
#include "app/bench/workload.h"
#include "core/client/network_client.h"
#include "core/config/scenario.h"
#include "core/protocol/signer.h"
#include "core/util/status.h"

namespace loom::bench {

enum class Mode { kEndToEnd, kEndorseOnly, kOrderOnly, kValidateOnly };
std::string_view ToString(Mode mode);  // "end-to-end", "endorse-only", "order-only", "validate-only"

enum class Outcome {
  kValid,             // committed VALID (end-to-end); endorsed (endorse-only); in a block (order-only)
  kInvalid,           // committed with another validation code
  kEndorseFailed,     // a peer refused, did not answer, or the endorsements disagreed
  kBroadcastRefused,  // the orderer answered other than SUCCESS, or did not answer
  kTimedOut,          // sent, never seen committed within the timeout
  kClientError,       // the workload could not build the request (e.g. no coin left)
};
std::string_view ToString(Outcome outcome);

// Offsets from the run's start; negative: the phase was not reached.
struct TxRecord {
  uint64_t seq = 0;
  int client = 0;
  std::string tx_id;
  Nanos intended{-1}, sent{-1}, endorsed{-1}, ordered{-1}, committed{-1};
  Outcome outcome = Outcome::kTimedOut;
  int code = -1;  // protos::TxValidationCode when committed
  int64_t block = -1;
  std::string error;
  bool late = false;
};

struct EndorserTarget {
  std::string name, mspid;
  client::Endpoint endpoint;
};

struct BenchTarget {
  std::string channel, chaincode;
  std::vector<EndorserTarget> endorsers;  // asked for every transaction
  EndorserTarget watch_peer;              // whose DeliverFiltered stream says "committed"
  std::string orderer_name;
  client::Endpoint orderer;
  std::vector<client::Endpoint> other_orderers;  // the channel's other orderers: broadcast fail-over
  std::shared_ptr<protocol::Signer> signer;      // the submitting client
};

struct EngineOptions {
  Mode mode = Mode::kEndToEnd;
  config::LoadMode loop = config::LoadMode::kOpen;
  RateProfile profile = RateProfile::Fixed(100);
  uint32_t in_flight = 16;
  Nanos duration = std::chrono::seconds(10);
  uint32_t clients = 8;
  config::KeySpace keys;
  uint64_t seed = 1;
  Nanos late_threshold = std::chrono::milliseconds(2);
  std::chrono::milliseconds call_timeout{10000};  // each endorse / broadcast
  std::chrono::milliseconds tx_timeout{30000};    // from send to commit seen
  // When set (e.g. by Ctrl-C): no new sends; what was sent is drained and
  // reported, with a warning naming the sends not made.
  const std::atomic<bool>* stop = nullptr;
};

struct Progress {
  double elapsed_s = 0, duration_s = 0;
  uint64_t scheduled = 0;  // open loop: slots due so far
  uint64_t sent = 0, done = 0, valid = 0, invalid = 0, failed = 0, late = 0;
  bool draining = false;
};

struct RunResult {
  std::vector<TxRecord> records;  // in seq order
  std::chrono::system_clock::time_point started_at;
  Nanos measured{0};  // from start to the last send slot (open) / the duration (closed)
  Nanos drained{0};   // from start to the end of the drain
  uint64_t setup_txs = 0, setup_failed = 0;
  double generator_cpu_s = 0;  // user + system of this process during the run
  unsigned cores = 1;
  uint64_t blocks_seen = 0;
  std::vector<std::string> warnings;
};

class Engine {
 public:
  Engine(BenchTarget target, EngineOptions options);
  ~Engine();

  // Set-up phases of the workload first (committed end-to-end whatever the
  // mode, not measured), then the measured run.
  Result<RunResult> Run(Workload& workload, const std::function<void(const Progress&)>& on_progress = {});

 private:
  struct State;
  BenchTarget target_;
  EngineOptions options_;
};

// How many transactions a run sends at most (open: the schedule's length;
// closed: an estimate for sizing set-up such as Fabcoin's coins).
uint64_t ExpectedTxs(const EngineOptions& options);

}  // namespace loom::bench
