#include "core/chaincode/process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>

extern char** environ;

namespace loom::chaincode {
namespace {

// The peer's environment with `overrides` ("KEY=VALUE") replacing or added.
std::vector<std::string> ChildEnvironment(const std::vector<std::string>& overrides) {
  std::map<std::string, std::string> by_key;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string text(*entry);
    by_key[text.substr(0, text.find('='))] = text;
  }
  for (const std::string& text : overrides) by_key[text.substr(0, text.find('='))] = text;
  std::vector<std::string> result;
  for (auto& [key, text] : by_key) result.push_back(std::move(text));
  return result;
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (std::string& text : strings) pointers.push_back(text.data());
  pointers.push_back(nullptr);
  return pointers;
}

}  // namespace

Result<std::unique_ptr<ChaincodeProcess>> ChaincodeProcess::Start(const ProcessSpec& spec,
                                                                  std::function<void()> on_exit) {
  int log_fd = ::open(spec.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    return Status::Unavailable("cannot open chaincode log file " + spec.log_path + ": " +
                               std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, log_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, log_fd, STDERR_FILENO);
  if (!spec.working_dir.empty()) posix_spawn_file_actions_addchdir_np(&actions, spec.working_dir.c_str());
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attributes, 0);  // its own group, led by the child
  sigset_t signals;
  sigemptyset(&signals);
  posix_spawnattr_setsigmask(&attributes, &signals);
  sigfillset(&signals);
  posix_spawnattr_setsigdefault(&attributes, &signals);

  std::vector<std::string> argv_strings{spec.program};
  argv_strings.insert(argv_strings.end(), spec.args.begin(), spec.args.end());
  std::vector<std::string> env_strings = ChildEnvironment(spec.env);
  std::vector<char*> argv = Pointers(argv_strings);
  std::vector<char*> envp = Pointers(env_strings);
  pid_t pid = 0;
  int error = ::posix_spawnp(&pid, spec.program.c_str(), &actions, &attributes, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(log_fd);
  if (error != 0) {
    return Status::Unavailable("cannot start chaincode program " + spec.program + ": " +
                               std::strerror(error));
  }
  return std::unique_ptr<ChaincodeProcess>(new ChaincodeProcess(pid, spec.log_path, std::move(on_exit)));
}

ChaincodeProcess::ChaincodeProcess(pid_t pid, std::string log_path, std::function<void()> on_exit)
    : pid_(pid), log_path_(std::move(log_path)), on_exit_(std::move(on_exit)) {
  reaper_ = std::thread([this] { Reap(); });
}

ChaincodeProcess::~ChaincodeProcess() {
  Kill();
  if (reaper_.joinable()) reaper_.join();
}

void ChaincodeProcess::Reap() {
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  {
    std::lock_guard lock(mutex_);
    exited_ = true;
    wait_status_ = status;
  }
  reaped_.notify_all();
  if (on_exit_) on_exit_();
}

bool ChaincodeProcess::exited() const {
  std::lock_guard lock(mutex_);
  return exited_;
}

std::string ChaincodeProcess::ExitDescription() const {
  std::lock_guard lock(mutex_);
  if (!exited_) return "running";
  if (WIFEXITED(wait_status_)) return "exited with status " + std::to_string(WEXITSTATUS(wait_status_));
  if (WIFSIGNALED(wait_status_)) return "killed by signal " + std::to_string(WTERMSIG(wait_status_));
  return "ended";
}

void ChaincodeProcess::Kill() {
  // The whole group (`npm start` and the node process under it). Only while
  // the leader is unreaped: until then its pid, the group id, cannot be
  // reused by another process.
  std::unique_lock lock(mutex_);
  if (!exited_) ::kill(-pid_, SIGKILL);
  reaped_.wait(lock, [this] { return exited_; });
}

std::string LogTail(const std::string& path, int max_lines) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return "";
  std::streamoff size = in.tellg();
  std::streamoff start = size > 4096 ? size - 4096 : 0;
  in.seekg(start);
  std::string text(static_cast<size_t>(size - start), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  while (!text.empty() && text.back() == '\n') text.pop_back();
  size_t position = text.size();
  for (int lines = 0; lines < max_lines && position != std::string::npos && position > 0; ++lines)
    position = text.rfind('\n', position - 1);
  return position == std::string::npos ? text : text.substr(position + 1);
}

}  // namespace loom::chaincode
