// Process records, states, samples and signals (process.h), read from /proc.
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <thread>

#include "app/lab/proc_stat.h"
#include "app/lab/process.h"

namespace loom::lab {
namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(5);
// How long StopProcess waits for the kernel to remove a SIGKILLed process.
constexpr auto kKillGrace = std::chrono::seconds(5);

// The stat of the process the record names, or nullopt when the pid is gone
// or now belongs to another process.
std::optional<ProcStat> StatOfRecord(const ProcessRecord& record) {
  std::optional<ProcStat> stat = ReadProcStat(record.pid);
  if (!stat || stat->start_ticks != record.start_ticks) return std::nullopt;
  return stat;
}

uint64_t ResidentBytes(int pid) {
  std::ifstream statm("/proc/" + std::to_string(pid) + "/statm");
  uint64_t size_pages = 0, resident_pages = 0;
  if (!(statm >> size_pages >> resident_pages)) return 0;
  return resident_pages * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace

Result<ProcessRecord> RecordOf(int pid) {
  const std::optional<ProcStat> stat = ReadProcStat(pid);
  if (!stat) return Status::NotFound("no process with pid " + std::to_string(pid));
  return ProcessRecord{pid, stat->start_ticks};
}

bool IsRunning(const ProcessRecord& record) {
  const std::optional<ProcStat> stat = StatOfRecord(record);
  return stat && !IsDeadState(stat->state);
}

std::string_view ToString(ProcessState state) {
  switch (state) {
    case ProcessState::kRunning: return "running";
    case ProcessState::kPaused: return "paused";
    case ProcessState::kExited: return "exited";
  }
  return "exited";
}

ProcessSample SampleProcess(const ProcessRecord& record) {
  ProcessSample sample;
  sample.taken = std::chrono::steady_clock::now();
  const std::optional<ProcStat> stat = StatOfRecord(record);
  if (!stat || IsDeadState(stat->state)) return sample;
  sample.state = stat->state == 'T' ? ProcessState::kPaused : ProcessState::kRunning;
  sample.cpu_ticks = stat->utime_ticks + stat->stime_ticks;
  sample.rss_bytes = ResidentBytes(record.pid);
  return sample;
}

double CpuPercent(const ProcessSample& earlier, const ProcessSample& later) {
  const double seconds = std::chrono::duration<double>(later.taken - earlier.taken).count();
  if (seconds <= 0 || later.cpu_ticks < earlier.cpu_ticks) return 0;
  const double ticks_per_second = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double cpu_seconds = static_cast<double>(later.cpu_ticks - earlier.cpu_ticks) / ticks_per_second;
  return 100.0 * cpu_seconds / seconds;
}

Status SendSignal(const ProcessRecord& record, int signal) {
  if (!IsRunning(record)) {
    return Status::FailedPrecondition("process " + std::to_string(record.pid) +
                                      " is not running (exited, or the pid now belongs to another program)");
  }
  if (::kill(record.pid, signal) != 0) {
    const int error = errno;
    if (error == ESRCH) {
      return Status::FailedPrecondition("process " + std::to_string(record.pid) + " is not running");
    }
    return Status::PermissionDenied("cannot signal process " + std::to_string(record.pid) + ": " +
                                    std::strerror(error));
  }
  return Status::Ok();
}

bool WaitForExit(const ProcessRecord& record, std::chrono::steady_clock::time_point deadline) {
  while (IsRunning(record)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(kPollInterval);
  }
  return true;
}

Status StopProcess(const ProcessRecord& record, std::chrono::steady_clock::time_point deadline) {
  if (!IsRunning(record)) return Status::Ok();
  // SIGCONT first: a stopped process would only act on SIGTERM once resumed.
  (void)SendSignal(record, SIGCONT);
  (void)SendSignal(record, SIGTERM);
  if (WaitForExit(record, deadline)) return Status::Ok();
  (void)SendSignal(record, SIGKILL);
  if (WaitForExit(record, std::chrono::steady_clock::now() + kKillGrace)) return Status::Ok();
  return Status::DeadlineExceeded("process " + std::to_string(record.pid) +
                                  " is still running after SIGKILL");
}

}  // namespace loom::lab
