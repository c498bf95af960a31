// The seam between the endorser and whatever runs a chaincode: a user
// chaincode in its own process (the chaincode runtime), or a system
// chaincode inside the peer (qscc, _lifecycle). The endorser builds one
// Invocation per proposal and hands it to a ChaincodeExecutor; the
// chaincode's state accesses go through the invocation's TxSimulator, in
// the namespace `chaincode_name` (Fabric's TransactionParams).
//
// Result contract: the chaincode's own answer — success or a business error
// such as "asset x does not exist" — is an OK Result whose response.status
// says which (200 OK, >= 400 error, Fabric's shim.OK / shim.ERROR). A
// Status error means the chaincode could not run at all: NotFound (no such
// chaincode), Unavailable (not running, crashed, could not be started),
// DeadlineExceeded (it did not answer before the deadline), and the message
// says which chaincode and why.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/util/status.h"
#include "peer/chaincode.pb.h"
#include "peer/chaincode_event.pb.h"
#include "peer/proposal.pb.h"
#include "peer/proposal_response.pb.h"

namespace loom::ledger {
class TxSimulator;
}  // namespace loom::ledger

namespace loom::chaincode {

struct Invocation {
  std::string channel_id;  // empty for a channel-less invocation
  std::string tx_id;
  std::string chaincode_name;     // the namespace its state lives in
  std::string chaincode_version;  // from the definition in force ("" when none applies)
  protos::ChaincodeInput input;   // args[0] is the function name; is_init set for Init
  // The proposal being endorsed (the shim's GetSignedProposal, GetCreator,
  // GetTransient, GetBinding, GetTxTimestamp read these). Null only in tests
  // and in-peer invocations without a proposal; must outlive Execute.
  const protos::SignedProposal* signed_proposal = nullptr;
  const protos::Proposal* proposal = nullptr;
  std::string creator;  // serialized msp.SerializedIdentity of the proposal's creator
  // All state reads and writes of the invocation (and of chaincodes it calls
  // on the same channel) go through this simulator. Null for a channel-less
  // invocation. Must outlive Execute.
  ledger::TxSimulator* simulator = nullptr;
  // When the peer gives up on the chaincode (config: chaincode execute
  // timeout, default 30 s).
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  // 0 for the proposal's own chaincode; +1 per INVOKE_CHAINCODE hop.
  int call_depth = 0;
};

struct InvocationResult {
  protos::Response response;                    // status, message, payload
  std::optional<protos::ChaincodeEvent> event;  // what the chaincode set with SetEvent, if anything
};

inline constexpr int32_t kStatusOk = 200;
inline constexpr int32_t kStatusErrorThreshold = 400;  // Fabric's shim.ERRORTHRESHOLD
inline constexpr int32_t kStatusError = 500;           // Fabric's shim.ERROR

class ChaincodeExecutor {
 public:
  virtual ~ChaincodeExecutor() = default;
  // Runs the invocation; see the result contract above. Thread-safe: the
  // endorser calls it for many proposals at once.
  virtual Result<InvocationResult> Execute(const Invocation& invocation) = 0;
};

// Routes an invocation by chaincode name: system chaincodes registered by
// name, every other name to the fallback (the chaincode runtime). NotFound
// when nothing takes the name. Thread-safe.
class ExecutorRouter : public ChaincodeExecutor {
 public:
  // `executor` must outlive the router. Replaces an earlier registration.
  void Register(const std::string& chaincode_name, ChaincodeExecutor* executor);
  void SetFallback(ChaincodeExecutor* executor);
  // The executor `chaincode_name` goes to, or nullptr.
  ChaincodeExecutor* Find(const std::string& chaincode_name) const;
  bool IsRegistered(const std::string& chaincode_name) const;

  Result<InvocationResult> Execute(const Invocation& invocation) override;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, ChaincodeExecutor*, std::less<>> by_name_;
  ChaincodeExecutor* fallback_ = nullptr;
};

}  // namespace loom::chaincode
