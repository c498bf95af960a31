// The workloads loom-bench drives, by name:
//   assets-create      CreateAsset of a fresh asset per transaction (no conflicts)
//   assets-transfer    TransferAsset of asset-<k>, k from the key generator (hot keys conflict: MVCC)
//   assets-read        ReadAsset of asset-<k> (a read-only transaction, submitted and committed)
//   counter-increment  Increment(key-<k>) of the counter chaincode (the hot-key workload)
//   fabcoin-mint       MINT of one coin, signed by the bench's central bank
//   fabcoin-spend      SPEND of a coin minted during set-up (one input, one output), signed by its owner
// Set-up transactions (the assets to transfer or read, Fabcoin's INIT and the
// coins to spend) are committed in phases before the measured run starts.
//
// Next() is called from many client threads at once: implementations are
// thread-safe; the key generator passed in belongs to the calling thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "app/bench/key_generator.h"
#include "core/config/scenario.h"
#include "core/util/status.h"

namespace loom::bench {

struct TxRequest {
  std::vector<std::string> args;  // args[0] is the function
  // When set, the last argument is made from the proposal's tx id (Fabcoin
  // requests are signed over it) and the proposal is re-signed.
  std::function<Result<std::string>(const std::string& tx_id)> last_arg_from_tx_id;
  // A set-up transaction whose endorsement may be refused because its effect
  // already exists (an asset or the central bank from an earlier run).
  bool may_already_exist = false;
};

class Workload {
 public:
  virtual ~Workload() = default;
  virtual std::string_view name() const = 0;
  virtual std::string_view chaincode() const = 0;
  // Phases of set-up transactions, each committed before the next;
  // `expected_txs` is how many transactions the run will send (at most).
  virtual Result<std::vector<std::vector<TxRequest>>> Setup(uint64_t expected_txs) {
    (void)expected_txs;
    return std::vector<std::vector<TxRequest>>{};
  }
  // The request of transaction `seq` of the run.
  virtual Result<TxRequest> Next(uint64_t seq, KeyGenerator& keys) = 0;
};

struct WorkloadOptions {
  std::string run_id;  // distinguishes this run's fresh keys from earlier runs'
  uint64_t key_count = 1000;
  std::string state_dir;  // where the Fabcoin central bank's key is kept between runs
};

// A scenario's own workload block for any chaincode (e.g. nondet's Random,
// spin's Spin): args[0] = spec.function, then spec.args with the templates
// {key} (one key of the generator per transaction, "key-<k>"), {seq} (the
// transaction's number) and {client} (the client thread) filled in. Named
// "<chaincode>:<function>"; no set-up.
Result<std::unique_ptr<Workload>> MakeTemplateWorkload(const config::Workload& spec);

// The workload called `name`; InvalidArgument listing the known names.
Result<std::unique_ptr<Workload>> MakeWorkload(std::string_view name, const WorkloadOptions& options);
std::vector<std::string> WorkloadNames();
// The chaincode a workload needs, "" for an unknown name.
std::string ChaincodeOf(std::string_view workload);

}  // namespace loom::bench
