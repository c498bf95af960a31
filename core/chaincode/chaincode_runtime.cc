#include "core/chaincode/chaincode_runtime.h"

#include <cmath>
#include <cstdio>

namespace loom::chaincode {
namespace {

using Clock = std::chrono::steady_clock;

// "30", "0.5": seconds to a tenth, for messages.
std::string Seconds(Clock::duration duration) {
  char text[32];
  std::snprintf(text, sizeof text, "%g",
                std::round(std::chrono::duration<double>(duration).count() * 10) / 10);
  return text;
}

}  // namespace

ChaincodeRuntime::ChaincodeRuntime(ChaincodeSupport* support, Launcher* launcher, LaunchSpecSource specs,
                                   RuntimeOptions options)
    : support_(support), launcher_(launcher), specs_(std::move(specs)), options_(options) {}

ChaincodeRuntime::~ChaincodeRuntime() {
  StopAll();
}

void ChaincodeRuntime::StopAll() {
  std::lock_guard lock(mutex_);
  for (auto& [name, entry] : running_) {
    std::lock_guard entry_lock(entry->mutex);
    StopLocked(*entry, "the peer's chaincode runtime is shutting down");
  }
}

ChaincodeRuntime::Running& ChaincodeRuntime::EntryFor(const std::string& chaincode_name) {
  std::lock_guard lock(mutex_);
  std::unique_ptr<Running>& entry = running_[chaincode_name];
  if (!entry) entry = std::make_unique<Running>();
  return *entry;
}

std::optional<pid_t> ChaincodeRuntime::ProcessId(const std::string& chaincode_name) const {
  Running* entry = nullptr;
  {
    std::lock_guard lock(mutex_);
    auto it = running_.find(chaincode_name);
    if (it == running_.end()) return std::nullopt;
    entry = it->second.get();
  }
  std::lock_guard entry_lock(entry->mutex);
  if (!entry->process) return std::nullopt;
  return entry->process->pid();
}

void ChaincodeRuntime::Stop(const std::string& chaincode_name) {
  Running& entry = EntryFor(chaincode_name);
  std::lock_guard lock(entry.mutex);
  StopLocked(entry, "stopped by the peer");
}

void ChaincodeRuntime::StopLocked(Running& entry, const std::string& reason) {
  if (entry.handler) entry.handler->Close(reason);
  entry.handler.reset();
  if (entry.process) entry.process->Kill();
  entry.process.reset();
}

void ChaincodeRuntime::StopIfCurrent(const std::string& chaincode_name,
                                     const std::shared_ptr<Handler>& handler, const std::string& reason) {
  Running& entry = EntryFor(chaincode_name);
  std::lock_guard lock(entry.mutex);
  if (entry.handler == handler) {
    StopLocked(entry, reason);
  } else {
    handler->Close(reason);  // registered outside this runtime (or already replaced)
  }
}

Result<std::shared_ptr<Handler>> ChaincodeRuntime::EnsureRunning(const std::string& chaincode_name) {
  Running& entry = EntryFor(chaincode_name);
  std::lock_guard lock(entry.mutex);
  if (entry.handler && !entry.handler->closed()) return entry.handler;
  // The chaincode may have registered on its own (started by hand, or a
  // chaincode that reconnected).
  if (std::shared_ptr<Handler> registered = support_->registry().Find(chaincode_name)) {
    if (entry.process) StopLocked(entry, "replaced by a chaincode that registered on its own");
    entry.handler = registered;
    return registered;
  }
  StopLocked(entry, "relaunching chaincode " + chaincode_name);  // forget an exited or broken one
  return Launch(chaincode_name, entry);
}

Result<std::shared_ptr<Handler>> ChaincodeRuntime::Launch(const std::string& chaincode_name, Running& entry) {
  Result<LaunchSpec> spec = specs_(chaincode_name);
  if (!spec.ok()) return spec.status();
  HandlerRegistry& registry = support_->registry();
  Result<LaunchedChaincode> launched =
      launcher_->Launch(chaincode_name, *spec, [&registry] { registry.Wake(); });
  if (!launched.ok()) return launched.status();
  ChaincodeProcess* process = launched->process.get();
  Handler* dialled = launched->dialled.get();
  entry.process = std::move(launched->process);

  const std::string id = ChaincodeIdOf(chaincode_name, *spec);
  std::shared_ptr<Handler> handler =
      registry.WaitFor(id, Clock::now() + options_.registration_timeout, [process, dialled] {
        return (process != nullptr && process->exited()) || (dialled != nullptr && dialled->closed());
      });
  if (handler) {
    entry.handler = handler;
    return handler;
  }

  std::string message = "chaincode " + chaincode_name + " did not register as '" + id + "'";
  if (process != nullptr && process->exited()) {
    message += ": its process " + process->ExitDescription();
  } else if (dialled != nullptr && dialled->closed()) {
    message += ": the connection to " + spec->address + " ended (" + dialled->closed_reason() + ")";
  } else {
    message += " within " + Seconds(options_.registration_timeout) + " s";
  }
  if (dialled != nullptr) dialled->Close("the chaincode did not register");
  StopLocked(entry, "the chaincode did not register");
  if (!launched->log_path.empty()) {
    message += "; log file " + launched->log_path;
    std::string tail = LogTail(launched->log_path);
    if (!tail.empty()) message += ", ending:\n" + tail;
  }
  return Status::Unavailable(message);
}

Result<InvocationResult> ChaincodeRuntime::Execute(const Invocation& invocation) {
  const Clock::time_point started = Clock::now();
  const std::string& name = invocation.chaincode_name;
  if (name.empty()) return Status::InvalidArgument("invocation names no chaincode");
  LOOM_ASSIGN_OR_RETURN(std::shared_ptr<Handler> handler, EnsureRunning(name));
  LOOM_ASSIGN_OR_RETURN(std::shared_ptr<TransactionContext> context,
                        handler->BeginTransaction(invocation.channel_id, invocation.tx_id));
  Result<InvocationResult> result =
      TransactionRunner(handler.get(), context.get(), invocation, options_.serve, invoker_ ? invoker_ : this)
          .Run();
  handler->EndTransaction(invocation.channel_id, invocation.tx_id);
  if (result.ok()) return result;

  const Status& status = result.status();
  if (status.code() == Status::Code::kDeadlineExceeded) {
    std::string message = "chaincode " + name + " did not complete tx " + invocation.tx_id + " within " +
                          Seconds(invocation.deadline - started) + " s; killed it";
    StopIfCurrent(name, handler, message);
    return Status::DeadlineExceeded(message);
  }
  if (status.IsInvalidArgument()) {  // the chaincode broke a limit
    InvocationResult failed;
    failed.response.set_status(kStatusError);
    failed.response.set_message(status.message() + "; transaction aborted");
    return failed;
  }
  return status;
}

}  // namespace loom::chaincode
