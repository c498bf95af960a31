// ChaincodeProcess: one chaincode program the peer started, in its own
// process group (so `npm start` and the node process under it die together),
// with stdout and stderr appended to a log file. A reaper thread waits for
// the process, so an exited chaincode never stays a zombie, and reports the
// exit through `on_exit`.
//
// Thread-safe. The destructor kills the process group and reaps it.
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/util/status.h"

namespace loom::chaincode {

struct ProcessSpec {
  std::string program;            // a path, or a name looked up in PATH
  std::vector<std::string> args;  // after argv[0]
  std::vector<std::string> env;   // "KEY=VALUE", added to (and overriding) the peer's environment
  std::string working_dir;        // "" = the peer's
  std::string log_path;           // stdout and stderr, appended
};

class ChaincodeProcess {
 public:
  // Starts the program. Unavailable (naming the program and why) when it
  // cannot be spawned or the log file cannot be opened. `on_exit` runs on the
  // reaper thread once the process has been reaped.
  static Result<std::unique_ptr<ChaincodeProcess>> Start(const ProcessSpec& spec,
                                                         std::function<void()> on_exit);
  ~ChaincodeProcess();
  ChaincodeProcess(const ChaincodeProcess&) = delete;
  ChaincodeProcess& operator=(const ChaincodeProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool exited() const;
  // "exited with status 3", "killed by signal 9", or "running".
  std::string ExitDescription() const;
  // SIGKILL to the process group, then waits until the process is reaped.
  void Kill();
  const std::string& log_path() const { return log_path_; }

 private:
  ChaincodeProcess(pid_t pid, std::string log_path, std::function<void()> on_exit);
  void Reap();

  const pid_t pid_;
  const std::string log_path_;
  std::function<void()> on_exit_;
  mutable std::mutex mutex_;
  std::condition_variable reaped_;
  bool exited_ = false;
  int wait_status_ = 0;
  std::thread reaper_;
};

// The last `max_lines` lines of the file at `path` (reads at most its last
// 4 KiB), "" when it cannot be read.
std::string LogTail(const std::string& path, int max_lines = 10);

}  // namespace loom::chaincode
