// SpawnDetached and the /proc-based records, states, samples, signals and pid
// files of app/lab/process.h, against real child programs (/bin/sh, sleep).
#include "app/lab/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include <gtest/gtest.h>

#include "core/util/file_util.h"
#include "tests/support/temp_dir.h"

namespace loom::lab {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPatience = std::chrono::seconds(10);

// Polls `condition` until it holds or the deadline passes (waiting on a
// condition, not sleeping for a guessed time).
bool Eventually(const std::function<bool()>& condition, Clock::duration patience = kPatience) {
  const auto deadline = Clock::now() + patience;
  while (!condition()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

std::string Contents(const std::string& path) {
  Result<std::string> text = ReadFile(path);
  return text.ok() ? *text : "";
}

// A spawned process that is stopped (SIGKILL) when the test ends, pass or fail.
class Spawned {
 public:
  explicit Spawned(ProcessRecord record) : record_(record) {}
  ~Spawned() { (void)StopProcess(record_, Clock::now()); }
  const ProcessRecord& record() const { return record_; }

 private:
  ProcessRecord record_;
};

SpawnOptions Shell(const std::string& script, const std::string& log) {
  SpawnOptions options;
  options.argv = {"/bin/sh", "-c", script};
  options.log_file = log;
  return options;
}

TEST(SpawnDetached, RunsLogsPausesResumesAndStops) {
  loom::testing::TempDir dir("lab-process");
  const std::string log = dir.File("node.log");
  Result<ProcessRecord> spawned = SpawnDetached(Shell("echo hi; exec sleep 30", log));
  ASSERT_TRUE(spawned.ok()) << spawned.status().ToString();
  Spawned guard(*spawned);
  const ProcessRecord record = *spawned;

  EXPECT_GT(record.pid, 0);
  EXPECT_TRUE(IsRunning(record));
  Result<ProcessRecord> again = RecordOf(record.pid);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, record);
  EXPECT_TRUE(Eventually([&] { return Contents(log).find("hi\n") != std::string::npos; }));
  EXPECT_EQ(SampleProcess(record).state, ProcessState::kRunning);

  ASSERT_TRUE(SendSignal(record, SIGSTOP).ok());
  EXPECT_TRUE(Eventually([&] { return SampleProcess(record).state == ProcessState::kPaused; }));
  EXPECT_TRUE(IsRunning(record)) << "a paused process is still there";
  ASSERT_TRUE(SendSignal(record, SIGCONT).ok());
  EXPECT_TRUE(Eventually([&] { return SampleProcess(record).state == ProcessState::kRunning; }));

  const Status stopped = StopProcess(record, Clock::now() + kPatience);
  EXPECT_TRUE(stopped.ok()) << stopped.ToString();
  EXPECT_FALSE(IsRunning(record));
  EXPECT_EQ(SampleProcess(record).state, ProcessState::kExited);
  EXPECT_TRUE(StopProcess(record, Clock::now()).ok()) << "stopping a stopped process is fine";
  EXPECT_EQ(SendSignal(record, SIGTERM).code(), Status::Code::kFailedPrecondition);
}

TEST(SpawnDetached, TheNodeIsInItsOwnSessionAndNotOurChild) {
  loom::testing::TempDir dir("lab-process");
  Result<ProcessRecord> spawned = SpawnDetached(Shell("exec sleep 30", dir.File("log")));
  ASSERT_TRUE(spawned.ok()) << spawned.status().ToString();
  Spawned guard(*spawned);
  EXPECT_NE(::getsid(spawned->pid), ::getsid(0));
  EXPECT_NE(::getpgid(spawned->pid), ::getpgid(0));
  std::ifstream status("/proc/" + std::to_string(spawned->pid) + "/status");
  std::string line;
  int parent = -1;
  while (std::getline(status, line)) {
    if (line.rfind("PPid:", 0) == 0) parent = std::stoi(line.substr(5));
  }
  EXPECT_NE(parent, -1);
  EXPECT_NE(parent, ::getpid()) << "double fork: init, not the caller, is the parent";
}

TEST(SpawnDetached, PassesEnvironmentAndWorkingFolderAndAppendsToTheLog) {
  loom::testing::TempDir dir("lab-process");
  const std::string log = dir.File("node.log");
  ASSERT_TRUE(WriteFileAtomically(log, "earlier line\n").ok());
  std::filesystem::create_directories(dir.path() / "work");
  SpawnOptions options = Shell("echo \"value=$LOOM_TEST_VALUE\"; pwd; echo oops >&2", log);
  options.extra_env["LOOM_TEST_VALUE"] = "forty two";
  options.working_dir = (dir.path() / "work").string();
  Result<ProcessRecord> spawned = SpawnDetached(options);
  ASSERT_TRUE(spawned.ok()) << spawned.status().ToString();
  EXPECT_TRUE(WaitForExit(*spawned, Clock::now() + kPatience));
  EXPECT_TRUE(Eventually([&] { return Contents(log).find("oops") != std::string::npos; }));
  const std::string text = Contents(log);
  EXPECT_EQ(text.rfind("earlier line\n", 0), 0u) << text;
  EXPECT_NE(text.find("value=forty two\n"), std::string::npos) << text;
  EXPECT_NE(text.find(std::filesystem::canonical(dir.path() / "work").string() + "\n"), std::string::npos)
      << text;
}

TEST(SpawnDetached, DoesNotLeakTheCallersDescriptors) {
  loom::testing::TempDir dir("lab-process");
  const int leaky = ::open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  ASSERT_GE(leaky, 0);
  Result<ProcessRecord> spawned = SpawnDetached(Shell("exec sleep 30", dir.File("log")));
  ::close(leaky);
  ASSERT_TRUE(spawned.ok()) << spawned.status().ToString();
  Spawned guard(*spawned);
  std::vector<int> fds;
  for (const auto& entry :
       std::filesystem::directory_iterator("/proc/" + std::to_string(spawned->pid) + "/fd")) {
    fds.push_back(std::stoi(entry.path().filename().string()));
  }
  std::sort(fds.begin(), fds.end());
  EXPECT_EQ(fds, (std::vector<int>{0, 1, 2}));
}

TEST(SpawnDetached, AProgramThatExitsAtOnceStillGetsARecord) {
  loom::testing::TempDir dir("lab-process");
  Result<ProcessRecord> spawned = SpawnDetached(Shell("exit 0", dir.File("log")));
  ASSERT_TRUE(spawned.ok()) << spawned.status().ToString();
  EXPECT_GT(spawned->start_ticks, 0u);
  EXPECT_TRUE(WaitForExit(*spawned, Clock::now() + kPatience));
  EXPECT_EQ(SampleProcess(*spawned).state, ProcessState::kExited);
}

TEST(SpawnDetached, AMissingProgramIsNotFoundAndNamed) {
  loom::testing::TempDir dir("lab-process");
  SpawnOptions options;
  options.argv = {dir.File("no-such-loom-node"), "--flag"};
  options.log_file = dir.File("log");
  Result<ProcessRecord> spawned = SpawnDetached(options);
  ASSERT_FALSE(spawned.ok());
  EXPECT_TRUE(spawned.status().IsNotFound()) << spawned.status().ToString();
  EXPECT_NE(spawned.status().message().find("no-such-loom-node"), std::string::npos);
}

TEST(SpawnDetached, ANonExecutableFileIsPermissionDenied) {
  loom::testing::TempDir dir("lab-process");
  const std::string program = dir.File("not-executable");
  ASSERT_TRUE(WriteFileAtomically(program, "#!/bin/sh\necho never\n", 0644).ok());
  SpawnOptions options;
  options.argv = {program};
  options.log_file = dir.File("log");
  Result<ProcessRecord> spawned = SpawnDetached(options);
  ASSERT_FALSE(spawned.ok());
  EXPECT_TRUE(spawned.status().IsPermissionDenied()) << spawned.status().ToString();
  EXPECT_NE(spawned.status().message().find("not-executable"), std::string::npos);
}

TEST(SpawnDetached, AMissingWorkingFolderIsNotFound) {
  loom::testing::TempDir dir("lab-process");
  SpawnOptions options = Shell("exit 0", dir.File("log"));
  options.working_dir = dir.File("absent");
  Result<ProcessRecord> spawned = SpawnDetached(options);
  ASSERT_FALSE(spawned.ok());
  EXPECT_TRUE(spawned.status().IsNotFound()) << spawned.status().ToString();
  EXPECT_NE(spawned.status().message().find("absent"), std::string::npos);
}

TEST(SpawnDetached, RefusesAnEmptyCommandAndAnUnwritableLog) {
  loom::testing::TempDir dir("lab-process");
  SpawnOptions empty;
  empty.log_file = dir.File("log");
  EXPECT_TRUE(SpawnDetached(empty).status().IsInvalidArgument());
  SpawnOptions bad_log = Shell("exit 0", dir.File("missing-folder/log"));
  Result<ProcessRecord> spawned = SpawnDetached(bad_log);
  ASSERT_FALSE(spawned.ok());
  EXPECT_NE(spawned.status().message().find("missing-folder/log"), std::string::npos);
}

TEST(ProcessRecord, AStaleRecordIsNeverSignalled) {
  loom::testing::TempDir dir("lab-process");
  Result<ProcessRecord> spawned = SpawnDetached(Shell("exec sleep 30", dir.File("log")));
  ASSERT_TRUE(spawned.ok()) << spawned.status().ToString();
  Spawned guard(*spawned);
  // The same pid, but another start time: the pid was reused by another program.
  const ProcessRecord stale{spawned->pid, spawned->start_ticks + 1};
  EXPECT_FALSE(IsRunning(stale));
  EXPECT_EQ(SampleProcess(stale).state, ProcessState::kExited);
  const Status signalled = SendSignal(stale, SIGKILL);
  EXPECT_EQ(signalled.code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(signalled.message().find(std::to_string(spawned->pid)), std::string::npos);
  EXPECT_TRUE(StopProcess(stale, Clock::now()).ok());
  EXPECT_TRUE(WaitForExit(stale, Clock::now()));
  EXPECT_TRUE(IsRunning(*spawned)) << "the real process was signalled through a stale record";
}

TEST(ProcessRecord, RecordOfAMissingPidIsNotFound) {
  EXPECT_TRUE(RecordOf(0).status().IsNotFound());
  EXPECT_TRUE(RecordOf(-5).status().IsNotFound());
  Result<ProcessRecord> self = RecordOf(::getpid());
  ASSERT_TRUE(self.ok());
  EXPECT_TRUE(IsRunning(*self));
}

TEST(StopProcess, KillsAProcessThatIgnoresSigterm) {
  loom::testing::TempDir dir("lab-process");
  const std::string log = dir.File("log");
  Result<ProcessRecord> spawned = SpawnDetached(Shell("trap '' TERM; echo ready; exec sleep 30", log));
  ASSERT_TRUE(spawned.ok()) << spawned.status().ToString();
  Spawned guard(*spawned);
  ASSERT_TRUE(Eventually([&] { return Contents(log).find("ready") != std::string::npos; }));
  const Status stopped = StopProcess(*spawned, Clock::now() + std::chrono::milliseconds(100));
  EXPECT_TRUE(stopped.ok()) << stopped.ToString();
  EXPECT_FALSE(IsRunning(*spawned));
}

TEST(StopProcess, StopsAPausedProcess) {
  loom::testing::TempDir dir("lab-process");
  Result<ProcessRecord> spawned = SpawnDetached(Shell("exec sleep 30", dir.File("log")));
  ASSERT_TRUE(spawned.ok()) << spawned.status().ToString();
  Spawned guard(*spawned);
  ASSERT_TRUE(SendSignal(*spawned, SIGSTOP).ok());
  ASSERT_TRUE(Eventually([&] { return SampleProcess(*spawned).state == ProcessState::kPaused; }));
  EXPECT_TRUE(StopProcess(*spawned, Clock::now() + kPatience).ok());
  EXPECT_FALSE(IsRunning(*spawned));
}

TEST(WaitForExit, FalseAtTheDeadlineWhileRunning) {
  loom::testing::TempDir dir("lab-process");
  Result<ProcessRecord> spawned = SpawnDetached(Shell("exec sleep 30", dir.File("log")));
  ASSERT_TRUE(spawned.ok());
  Spawned guard(*spawned);
  EXPECT_FALSE(WaitForExit(*spawned, Clock::now() + std::chrono::milliseconds(20)));
}

TEST(SampleProcess, ABusyLoopUsesCpuAndMemory) {
  loom::testing::TempDir dir("lab-process");
  Result<ProcessRecord> spawned = SpawnDetached(Shell("while :; do :; done", dir.File("log")));
  ASSERT_TRUE(spawned.ok()) << spawned.status().ToString();
  Spawned guard(*spawned);
  const ProcessSample first = SampleProcess(*spawned);
  EXPECT_EQ(first.state, ProcessState::kRunning);
  EXPECT_GT(first.rss_bytes, 0u);
  ProcessSample later;
  ASSERT_TRUE(Eventually([&] {
    later = SampleProcess(*spawned);
    return later.cpu_ticks > first.cpu_ticks;
  }));
  EXPECT_GT(CpuPercent(first, later), 0.0);
  EXPECT_LE(CpuPercent(first, later), 100.0 * std::thread::hardware_concurrency() + 1);
}

TEST(CpuPercent, EmptyOrBackwardIntervalsAreZero) {
  ProcessSample a;
  a.cpu_ticks = 100;
  a.taken = Clock::now();
  ProcessSample b = a;
  b.cpu_ticks = 200;
  EXPECT_EQ(CpuPercent(a, b), 0.0) << "same instant";
  b.taken = a.taken + std::chrono::seconds(1);
  b.cpu_ticks = 50;
  EXPECT_EQ(CpuPercent(a, b), 0.0) << "counter went back (another process)";
  b.cpu_ticks = 100 + ::sysconf(_SC_CLK_TCK);  // one CPU-second in one second
  EXPECT_NEAR(CpuPercent(a, b), 100.0, 1e-9);
}

TEST(ProcessState, Names) {
  EXPECT_EQ(ToString(ProcessState::kRunning), "running");
  EXPECT_EQ(ToString(ProcessState::kPaused), "paused");
  EXPECT_EQ(ToString(ProcessState::kExited), "exited");
}

TEST(PidFile, RoundTrip) {
  loom::testing::TempDir dir("lab-process");
  const ProcessRecord record{4242, 987654321};
  ASSERT_TRUE(WritePidFile(dir.File("node.pid"), record).ok());
  EXPECT_EQ(Contents(dir.File("node.pid")), "4242 987654321\n");
  Result<ProcessRecord> read = ReadPidFile(dir.File("node.pid"));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, record);
}

TEST(PidFile, MissingIsNotFound) {
  loom::testing::TempDir dir("lab-process");
  EXPECT_TRUE(ReadPidFile(dir.File("absent.pid")).status().IsNotFound());
}

TEST(PidFile, MalformedFilesAreInvalidArgumentNamingTheFile) {
  loom::testing::TempDir dir("lab-process");
  for (const std::string text : {"", "\n", "4242", "4242\n", "abc 12\n", "4242 x\n", "4242  12\n", "-1 12\n",
                                 "0 12\n", "4242 12 7\n", "4242 12\n\n", " 4242 12\n", "99999999999 1\n"}) {
    const std::string path = dir.File("bad.pid");
    ASSERT_TRUE(WriteFileAtomically(path, text).ok());
    Result<ProcessRecord> read = ReadPidFile(path);
    ASSERT_FALSE(read.ok()) << "accepted \"" << text << "\"";
    EXPECT_TRUE(read.status().IsInvalidArgument()) << read.status().ToString();
    EXPECT_NE(read.status().message().find(path), std::string::npos);
  }
}

TEST(TailOfFile, LastLines) {
  loom::testing::TempDir dir("lab-process");
  const std::string path = dir.File("log");
  ASSERT_TRUE(WriteFileAtomically(path, "one\ntwo\nthree\nfour\n").ok());
  EXPECT_EQ(TailOfFile(path, 2), "three\nfour");
  EXPECT_EQ(TailOfFile(path, 10), "one\ntwo\nthree\nfour");
  EXPECT_EQ(TailOfFile(path, 0), "");
  EXPECT_EQ(TailOfFile(dir.File("absent"), 3), "");
  ASSERT_TRUE(WriteFileAtomically(path, "no newline at the end").ok());
  EXPECT_EQ(TailOfFile(path, 1), "no newline at the end");
}

}  // namespace
}  // namespace loom::lab
