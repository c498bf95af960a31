// SpawnDetached: a double fork, so that init (not the caller) is the node's
// parent and a long-lived caller (the GUI) never accumulates zombies.
//
//   caller ── fork ──> intermediate: setsid, fork, _exit(0)   (reaped by the caller)
//                         └── fork ──> node: report pid, wait for "go", set up fds, execve
//
// Two CLOEXEC pipes connect the caller and the node. On `report` the node
// sends its pid and, when something fails before or at exec, the stage and
// errno; a successful exec closes it (EOF). On `go` the node waits until the
// caller has read its start time from /proc, so the record is taken while
// the process certainly exists, even if the program exits at once.
//
// Between fork and exec only async-signal-safe calls are made: everything the
// child needs (argv, envp, the open log and /dev/null) is prepared before.
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "app/lab/proc_stat.h"
#include "app/lab/process.h"

extern char** environ;

namespace loom::lab {
namespace {

// One message on the report pipe; 8 bytes, so each write is atomic.
struct Report {
  enum Kind : int32_t { kPid = 1, kFork = 2, kChdir = 3, kDup = 4, kExec = 5 };
  int32_t kind = 0;
  int32_t value = 0;  // the pid for kPid, errno otherwise
};

void WriteReport(int fd, Report::Kind kind, int value) {
  Report report{kind, value};
  while (::write(fd, &report, sizeof report) < 0 && errno == EINTR) {
  }
}

// Reads one report; false at EOF (or on a short read, which cannot happen for
// 8-byte pipe writes).
bool ReadReport(int fd, Report& report) {
  while (true) {
    const ssize_t n = ::read(fd, &report, sizeof report);
    if (n < 0 && errno == EINTR) continue;
    return n == static_cast<ssize_t>(sizeof report);
  }
}

void CloseFrom(int first_fd, int fallback_limit) {
#ifdef SYS_close_range
  if (::syscall(SYS_close_range, static_cast<unsigned>(first_fd), ~0U, 0U) == 0) return;
#endif
  for (int fd = first_fd; fd < fallback_limit; ++fd) ::close(fd);
}

std::vector<std::string> MergedEnvironment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> merged;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    const size_t equals = text.find('=');
    const std::string name(text.substr(0, equals));
    if (!extra.contains(name)) merged.emplace_back(text);
  }
  for (const auto& [name, value] : extra) merged.push_back(name + "=" + value);
  return merged;
}

std::vector<char*> PointersTo(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (std::string& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

Status ExecFailure(const std::string& program, int error) {
  const std::string message = "cannot run " + program + ": " + std::strerror(error);
  if (error == ENOENT || error == ENOTDIR) return Status::NotFound(message);
  if (error == EACCES || error == EPERM) return Status::PermissionDenied(message);
  return Status::FailedPrecondition(message);
}

// The node's side, after the second fork. Never returns.
[[noreturn]] void RunNode(int report_fd, int go_read_fd, int devnull_fd, int log_fd, const char* working_dir,
                          const char* program, char* const* argv, char* const* envp, int fd_limit) {
  WriteReport(report_fd, Report::kPid, static_cast<int>(::getpid()));
  char ignored;
  while (::read(go_read_fd, &ignored, 1) < 0 && errno == EINTR) {
  }
  ::close(go_read_fd);

  // The caller may block or ignore signals (gRPC ignores SIGPIPE); a node
  // starts with the defaults.
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction defaults {};
  defaults.sa_handler = SIG_DFL;
  for (int signal = 1; signal < NSIG; ++signal) ::sigaction(signal, &defaults, nullptr);

  if (working_dir != nullptr && ::chdir(working_dir) != 0) {
    WriteReport(report_fd, Report::kChdir, errno);
    ::_exit(127);
  }
  if (::dup2(devnull_fd, STDIN_FILENO) < 0 || ::dup2(log_fd, STDOUT_FILENO) < 0 ||
      ::dup2(log_fd, STDERR_FILENO) < 0) {
    WriteReport(report_fd, Report::kDup, errno);
    ::_exit(127);
  }
  // Keep only 0-2 and the report pipe (moved to 3, still CLOEXEC).
  constexpr int kReportFd = 3;
  if (report_fd != kReportFd) {
    if (::dup3(report_fd, kReportFd, O_CLOEXEC) < 0) {
      WriteReport(report_fd, Report::kDup, errno);
      ::_exit(127);
    }
    report_fd = kReportFd;
  }
  CloseFrom(kReportFd + 1, fd_limit);

  ::execve(program, argv, envp);
  WriteReport(report_fd, Report::kExec, errno);
  ::_exit(127);
}

class FdCloser {
 public:
  explicit FdCloser(std::vector<int*> fds) : fds_(std::move(fds)) {}
  ~FdCloser() {
    for (int* fd : fds_) {
      if (*fd >= 0) ::close(*fd);
    }
  }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;

 private:
  std::vector<int*> fds_;
};

void CloseAndMark(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

Result<ProcessRecord> SpawnDetached(const SpawnOptions& options) {
  if (options.argv.empty() || options.argv[0].empty()) {
    return Status::InvalidArgument("SpawnDetached: no program given (argv is empty)");
  }
  const std::string& program = options.argv[0];
  if (options.log_file.empty()) return Status::InvalidArgument("SpawnDetached: no log file for " + program);

  int log_fd = -1, devnull_fd = -1, report[2] = {-1, -1}, go[2] = {-1, -1};
  FdCloser closer({&log_fd, &devnull_fd, &report[0], &report[1], &go[0], &go[1]});
  log_fd = ::open(options.log_file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    return Status::IoError("cannot open log file " + options.log_file + " for " + program + ": " +
                           std::strerror(errno));
  }
  devnull_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (devnull_fd < 0) return Status::IoError(std::string("cannot open /dev/null: ") + std::strerror(errno));
  if (::pipe2(report, O_CLOEXEC) != 0 || ::pipe2(go, O_CLOEXEC) != 0) {
    return Status::IoError(std::string("cannot create a pipe: ") + std::strerror(errno));
  }

  std::vector<std::string> argv_strings = options.argv;
  std::vector<char*> argv = PointersTo(argv_strings);
  std::vector<std::string> env_strings = MergedEnvironment(options.extra_env);
  std::vector<char*> envp = PointersTo(env_strings);
  const char* working_dir = options.working_dir.empty() ? nullptr : options.working_dir.c_str();
  struct rlimit files {};
  const int fd_limit = (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY)
                           ? static_cast<int>(std::min<rlim_t>(files.rlim_cur, 1 << 20))
                           : 65536;

  const pid_t intermediate = ::fork();
  if (intermediate < 0) return Status::Unavailable(std::string("fork failed: ") + std::strerror(errno));
  if (intermediate == 0) {
    ::close(report[0]);
    ::close(go[1]);
    ::setsid();
    const pid_t node = ::fork();
    if (node < 0) {
      WriteReport(report[1], Report::kFork, errno);
      ::_exit(1);
    }
    if (node == 0) {
      RunNode(report[1], go[0], devnull_fd, log_fd, working_dir, program.c_str(), argv.data(), envp.data(),
              fd_limit);
    }
    ::_exit(0);
  }

  // The caller's side: keep only the read end of `report` and the write end of `go`.
  CloseAndMark(report[1]);
  CloseAndMark(go[0]);
  CloseAndMark(log_fd);
  CloseAndMark(devnull_fd);

  Report first;
  const bool have_first = ReadReport(report[0], first);
  int status = 0;
  while (::waitpid(intermediate, &status, 0) < 0 && errno == EINTR) {
  }
  if (!have_first)
    return Status::Internal("starting " + program + ": the forked helper ended without a word");
  if (first.kind == Report::kFork) {
    return Status::Unavailable("starting " + program + ": fork failed: " + std::strerror(first.value));
  }
  if (first.kind != Report::kPid) return Status::Internal("starting " + program + ": unexpected report");

  ProcessRecord record;
  record.pid = first.value;
  const std::optional<ProcStat> stat = ReadProcStat(record.pid);
  if (!stat) {
    // The node is blocked on `go` and cannot have gone; treat it as broken.
    ::kill(record.pid, SIGKILL);
    return Status::Internal("starting " + program + ": cannot read /proc/" + std::to_string(record.pid) +
                            "/stat");
  }
  record.start_ticks = stat->start_ticks;
  CloseAndMark(go[1]);  // "go"

  Report outcome;
  if (!ReadReport(report[0], outcome)) return record;  // EOF: exec succeeded
  switch (outcome.kind) {
    case Report::kExec: return ExecFailure(program, outcome.value);
    case Report::kChdir:
      return ExecFailure(program, outcome.value).WithContext("working folder " + options.working_dir);
    default:
      return Status::Internal("starting " + program +
                              ": redirecting output failed: " + std::strerror(outcome.value));
  }
}

}  // namespace loom::lab
