// Node processes as the lab runs them: started detached (they outlive
// loomctl and the GUI), identified by pid AND start time so that a recorded
// pid that the system has since given to another program is never signalled
// ("stale pid"), sampled from /proc for state, CPU and memory.
//
// Linux only (/proc). Thread-safe: no shared state.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/util/status.h"

namespace loom::lab {

// A process as recorded in a workspace: the pid and the process's start time
// in clock ticks since boot (field 22 of /proc/<pid>/stat).
struct ProcessRecord {
  int pid = 0;
  uint64_t start_ticks = 0;

  bool operator==(const ProcessRecord&) const = default;
};

struct SpawnOptions {
  std::vector<std::string> argv;                 // argv[0] is the program path
  std::string log_file;                          // stdout and stderr are appended here (created 0644)
  std::string working_dir;                       // empty: the caller's
  std::map<std::string, std::string> extra_env;  // added to the caller's environment
};

// Starts the program in a new session (setsid: no controlling terminal, not
// in the caller's process group, so Ctrl-C on loomctl does not reach it),
// stdin from /dev/null. Returns once exec succeeded; when exec fails (missing
// program, not executable) returns NotFound / PermissionDenied naming the
// program, and nothing keeps running. The child is reaped by init when the
// caller exits; while the caller lives, IsRunning treats a zombie as exited.
Result<ProcessRecord> SpawnDetached(const SpawnOptions& options);

// The record of a running process (reads its start time); NotFound when no
// process has that pid.
Result<ProcessRecord> RecordOf(int pid);

// True when a process with the record's pid exists, has the same start
// ticks, and is not a zombie.
bool IsRunning(const ProcessRecord& record);

enum class ProcessState {
  kRunning,  // R, S, D, ... (alive and not stopped)
  kPaused,   // T: stopped by SIGSTOP
  kExited,   // gone, a zombie, or the pid now belongs to another process
};
std::string_view ToString(ProcessState state);  // "running", "paused", "exited"

struct ProcessSample {
  ProcessState state = ProcessState::kExited;
  uint64_t cpu_ticks = 0;  // utime + stime, clock ticks
  uint64_t rss_bytes = 0;
  std::chrono::steady_clock::time_point taken;
};

// One reading of /proc/<pid>/stat and statm; state kExited when not running.
ProcessSample SampleProcess(const ProcessRecord& record);

// CPU use between two samples of the same process, in percent of one core
// (200% = both cores busy); 0 when the interval is empty.
double CpuPercent(const ProcessSample& earlier, const ProcessSample& later);

// Sends `signal` when the record is running; FailedPrecondition naming the
// pid when it is not (never signals a stale pid).
Status SendSignal(const ProcessRecord& record, int signal);

// Waits until the process is no longer running or `deadline` passes
// (polls /proc every few ms; there is no portable wait for a non-child).
// True when it exited.
bool WaitForExit(const ProcessRecord& record, std::chrono::steady_clock::time_point deadline);

// SIGTERM (after SIGCONT, so a paused process can act on it), then SIGKILL
// if it is still running at `deadline`. Ok when it is gone afterwards
// (also when it was not running at all).
Status StopProcess(const ProcessRecord& record, std::chrono::steady_clock::time_point deadline);

// A pid file: "<pid> <start_ticks>\n", written atomically.
Status WritePidFile(const std::string& path, const ProcessRecord& record);
// NotFound when the file does not exist; InvalidArgument naming the file
// when it is malformed.
Result<ProcessRecord> ReadPidFile(const std::string& path);

// A minimal HTTP/1.1 GET over plain TCP to "host:port" (the nodes'
// operations endpoint): the status code and body. Unavailable naming the
// address when it cannot connect or the answer is not HTTP.
struct HttpResponse {
  int status = 0;
  std::string body;
};
Result<HttpResponse> HttpGet(const std::string& address, const std::string& path,
                             std::chrono::milliseconds timeout);

// Polls GET /healthz at `operations_address` until it answers 200, the
// process dies (then FailedPrecondition "exited during start-up", with the
// last lines of `log_file` when given), or `deadline` passes
// (DeadlineExceeded naming the address and the last answer seen).
Status WaitHealthy(const std::string& operations_address, const ProcessRecord& record,
                   std::chrono::steady_clock::time_point deadline, const std::string& log_file = {});

// The last `lines` lines of a file (for error messages); "" when unreadable.
std::string TailOfFile(const std::string& path, int lines);

// A TCP port on 127.0.0.1 that is free right now (bind to port 0, read it,
// close). Unavailable when none can be had.
Result<uint16_t> PickFreePort();
// True when something listens on 127.0.0.1:port or it cannot be bound.
bool PortInUse(uint16_t port);

}  // namespace loom::lab
