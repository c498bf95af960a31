// ChaincodeRuntime: the ChaincodeExecutor for user chaincodes, each in its
// own process (or a chaincode server the peer dials), over ChaincodeSupport's
// streams.
//
// Execute(invocation):
//  1. finds the chaincode's registered handler; when there is none (never
//     started, exited, stream broken), asks the LaunchSpecSource how to start
//     it, launches it (launcher.h) and waits up to `registration_timeout` for
//     its REGISTER — Unavailable otherwise, naming the chaincode, its log
//     file and the log's last lines (or how its process ended);
//  2. runs the transaction (transaction_runner.h) until COMPLETED or ERROR;
//  3. at invocation.deadline, kills the chaincode (SIGKILL to its process
//     group, reaped; a dialled chaincode's stream is closed) and returns
//     DeadlineExceeded "chaincode <name> did not complete tx <id> within
//     <N> s; killed it" — the next invocation relaunches it;
//  4. a chaincode that broke a limit (handler.h) fails the transaction with
//     status 500 and a message saying which limit; a stream that ends
//     mid-transaction is Unavailable, and the chaincode is relaunched on
//     next use.
// NotFound from the LaunchSpecSource passes through (no such chaincode).
// INVOKE_CHAINCODE goes to the invoker given with SetInvoker (the peer's
// ExecutorRouter, so the callee may be a system chaincode), or to this
// runtime when none is set.
//
// Wiring in a peer:
//   ChaincodeSupport support;            // MakeService() on the chaincode listen address
//   Launcher launcher({chaincode_address, msp_id, log_dir}, &support);
//   ChaincodeRuntime runtime(&support, &launcher, installed_packages);
//   router.SetFallback(&runtime);        // user chaincodes; system ones Register()ed by name
//   runtime.SetInvoker(&router);
//
// Thread-safe: Execute blocks the calling thread (the endorser's worker)
// and many may run at once; launches of one chaincode are serialised. The
// destructor kills every process it started. `support` and `launcher` must
// outlive the runtime.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/chaincode/chaincode_support.h"
#include "core/chaincode/invocation.h"
#include "core/chaincode/launcher.h"
#include "core/chaincode/transaction_runner.h"

namespace loom::chaincode {

struct RuntimeOptions {
  std::chrono::milliseconds registration_timeout{10000};
  ServeOptions serve;
};

class ChaincodeRuntime : public ChaincodeExecutor {
 public:
  ChaincodeRuntime(ChaincodeSupport* support, Launcher* launcher, LaunchSpecSource specs,
                   RuntimeOptions options = {});
  ~ChaincodeRuntime() override;
  ChaincodeRuntime(const ChaincodeRuntime&) = delete;
  ChaincodeRuntime& operator=(const ChaincodeRuntime&) = delete;

  // Where INVOKE_CHAINCODE goes; must outlive the runtime. Set before use.
  void SetInvoker(ChaincodeExecutor* invoker) { invoker_ = invoker; }

  Result<InvocationResult> Execute(const Invocation& invocation) override;

  // The process running `chaincode_name`, when this runtime started one.
  std::optional<pid_t> ProcessId(const std::string& chaincode_name) const;
  // Ends `chaincode_name`: closes its stream and kills its process.
  void Stop(const std::string& chaincode_name);
  // Ends every chaincode this runtime knows (the peer shutting down).
  void StopAll();

 private:
  struct Running {
    std::mutex mutex;  // one launch or stop at a time
    std::shared_ptr<Handler> handler;
    std::unique_ptr<ChaincodeProcess> process;
  };

  Running& EntryFor(const std::string& chaincode_name);
  Result<std::shared_ptr<Handler>> EnsureRunning(const std::string& chaincode_name);
  Result<std::shared_ptr<Handler>> Launch(const std::string& chaincode_name, Running& entry);
  // Stops the chaincode if `handler` is still the one serving it.
  void StopIfCurrent(const std::string& chaincode_name, const std::shared_ptr<Handler>& handler,
                     const std::string& reason);
  static void StopLocked(Running& entry, const std::string& reason);

  ChaincodeSupport* const support_;
  Launcher* const launcher_;
  const LaunchSpecSource specs_;
  const RuntimeOptions options_;
  ChaincodeExecutor* invoker_ = nullptr;

  mutable std::mutex mutex_;  // guards the map, not the entries
  std::map<std::string, std::unique_ptr<Running>> running_;
};

}  // namespace loom::chaincode
