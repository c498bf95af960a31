#include "tests/integration/orderer/orderer_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "core/util/file_util.h"

extern char** environ;

namespace loom::testing {
namespace {

constexpr char kListening[] = " listening on ";

int MillisUntil(OrdererProcess::Deadline deadline) {
  auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

std::vector<char*> Argv(const std::string& binary, const std::vector<std::string>& args) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(binary.c_str()));
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  return argv;
}

}  // namespace

Result<std::unique_ptr<OrdererProcess>> OrdererProcess::Start(const std::string& binary,
                                                              const std::string& config_file,
                                                              const std::vector<std::string>& join_blocks,
                                                              const std::string& log_file,
                                                              Deadline deadline) {
  std::vector<std::string> args = {"--config", config_file};
  for (const std::string& block : join_blocks) {
    args.push_back("--join");
    args.push_back(block);
  }
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return Status::IoError(std::string("pipe: ") + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  std::unique_ptr<OrdererProcess> process(new OrdererProcess());
  process->log_file_ = log_file;
  std::vector<char*> argv = Argv(binary, args);
  int spawned = posix_spawn(&process->pid_, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  if (spawned != 0) {
    close(pipe_fds[0]);
    process->pid_ = -1;
    return Status::IoError("cannot start " + binary + ": " + std::strerror(spawned));
  }
  process->stdout_fd_ = pipe_fds[0];

  std::string line;
  for (;;) {
    size_t newline = line.find('\n');
    if (newline != std::string::npos) {
      line.resize(newline);
      break;
    }
    pollfd poll_fd{process->stdout_fd_, POLLIN, 0};
    int ready = poll(&poll_fd, 1, MillisUntil(deadline));
    if (ready == 0)
      return Status::DeadlineExceeded("loom-orderer did not report listening; log:\n" + process->Log());
    char buffer[256];
    ssize_t n = read(process->stdout_fd_, buffer, sizeof(buffer));
    if (n <= 0)
      return Status::FailedPrecondition("loom-orderer exited before listening; log:\n" + process->Log());
    line.append(buffer, static_cast<size_t>(n));
  }
  size_t at = line.find(kListening);
  if (at == std::string::npos) return Status::Internal("unexpected first line: " + line);
  process->address_ = line.substr(at + std::strlen(kListening));
  return process;
}

OrdererProcess::~OrdererProcess() {
  Kill();
  if (stdout_fd_ >= 0) close(stdout_fd_);
}

std::string OrdererProcess::Log() const {
  auto log = ReadFile(log_file_);
  return log.ok() ? *log : "";
}

std::string OrdererProcess::OperationsAddress() const {
  const std::string marker = "operations endpoint on ";
  std::string log = Log();
  size_t at = log.find(marker);
  if (at == std::string::npos) return "";
  size_t end = log.find('\n', at);
  return log.substr(at + marker.size(), end - at - marker.size());
}

void OrdererProcess::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

int OrdererProcess::Terminate(Deadline deadline) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  if (!WaitExit(deadline, &status)) {
    Kill();
    return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool OrdererProcess::WaitExit(Deadline deadline, int* status) {
  // A pidfd becomes readable when the process exits: poll it with the deadline.
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
  if (pidfd >= 0) {
    pollfd poll_fd{pidfd, POLLIN, 0};
    int ready = poll(&poll_fd, 1, MillisUntil(deadline));
    close(pidfd);
    if (ready <= 0) return false;
  }
  if (waitpid(pid_, status, 0) != pid_) return false;
  pid_ = -1;
  return true;
}

ProcessResult RunToCompletion(const std::string& binary, const std::vector<std::string>& args) {
  ProcessResult result;
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return result;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
  pid_t pid = -1;
  std::vector<char*> argv = Argv(binary, args);
  int spawned = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  if (spawned != 0) {
    close(pipe_fds[0]);
    return result;
  }
  char buffer[4096];
  ssize_t n;
  while ((n = read(pipe_fds[0], buffer, sizeof(buffer))) > 0)
    result.output.append(buffer, static_cast<size_t>(n));
  close(pipe_fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace loom::testing
