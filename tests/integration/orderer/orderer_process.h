// A loom-orderer process for integration tests: started with a config file
// and genesis blocks, its stdout read until it says where it listens, its
// stderr kept in a log file, and stopped with SIGTERM or SIGKILL. Every wait
// has a deadline; nothing sleeps.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/util/status.h"

namespace loom::testing {

class OrdererProcess {
 public:
  using Deadline = std::chrono::steady_clock::time_point;

  // Starts `binary --config config_file [--join block]...` and waits until it
  // prints "loom-orderer <name> listening on <address>". FailedPrecondition
  // with the log when it exits first; DeadlineExceeded when it is silent.
  static Result<std::unique_ptr<OrdererProcess>> Start(const std::string& binary,
                                                       const std::string& config_file,
                                                       const std::vector<std::string>& join_blocks,
                                                       const std::string& log_file, Deadline deadline);
  ~OrdererProcess();  // SIGKILL if still running

  const std::string& address() const { return address_; }
  pid_t pid() const { return pid_; }
  // The log so far (the process's stderr).
  std::string Log() const;
  // The address after "operations endpoint on " in the log, or "".
  std::string OperationsAddress() const;

  // SIGKILL and reap.
  void Kill();
  // SIGTERM, then wait for the exit; the exit status, or -1 on a signal /
  // the deadline (then it is killed).
  int Terminate(Deadline deadline);

 private:
  OrdererProcess() = default;
  // Waits for exit until `deadline`; true when reaped.
  bool WaitExit(Deadline deadline, int* status);

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string log_file_;
  std::string address_;
};

// Runs `binary args...` to completion (stdout and stderr captured); for the
// start-up error cases.
struct ProcessResult {
  int exit_code = -1;
  std::string output;
};
ProcessResult RunToCompletion(const std::string& binary, const std::vector<std::string>& args);

}  // namespace loom::testing
