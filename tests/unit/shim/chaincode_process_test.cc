// The built loom-chaincode-assets executable, launched the way Fabric's peer
// launches a chaincode (--peer.address, CORE_CHAINCODE_ID_NAME), registers
// with the fake peer and runs transactions.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/unit/shim/fake_peer.h"

extern char** environ;

namespace loom::shim {
namespace {

using protos::ChaincodeMessage;
using testing::CompletedResponse;
using testing::FakePeer;
using testing::FakePeerServer;

// Kills the child if it has not been reaped by the deadline, so a hung
// chaincode fails the test instead of hanging it.
class Watchdog {
 public:
  explicit Watchdog(pid_t child)
      : thread_([this, child] {
          std::unique_lock lock(mutex_);
          if (!done_.wait_for(lock, testing::kDeadline * 2, [&] { return reaped_; })) kill(child, SIGKILL);
        }) {}
  ~Watchdog() {
    {
      std::lock_guard lock(mutex_);
      reaped_ = true;
    }
    done_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable done_;
  bool reaped_ = false;
  std::thread thread_;
};

pid_t Launch(const std::vector<std::string>& args, const std::vector<std::string>& extra_env) {
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string text = *entry;
    if (text.rfind("CORE_", 0) == 0 || text.rfind("CHAINCODE_", 0) == 0) continue;
    env.push_back(text);
  }
  env.insert(env.end(), extra_env.begin(), extra_env.end());
  std::vector<char*> argv;
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const std::string& entry : env) envp.push_back(const_cast<char*>(entry.c_str()));
  envp.push_back(nullptr);
  pid_t child = -1;
  if (posix_spawn(&child, args[0].c_str(), nullptr, nullptr, argv.data(), envp.data()) != 0) return -1;
  return child;
}

TEST(ChaincodeProcessTest, AssetsExecutableRegistersAndRunsTransactions) {
  FakePeer peer;
  FakePeerServer server(peer);
  ASSERT_TRUE(server.ok());
  pid_t child = Launch({LOOM_CHAINCODE_ASSETS_PATH, "--peer.address", server.address()},
                       {"CORE_CHAINCODE_ID_NAME=basic:1.0", "CORE_PEER_TLS_ENABLED=false"});
  ASSERT_GT(child, 0);
  Watchdog watchdog(child);

  EXPECT_EQ(peer.WaitForRegister(), "basic:1.0");
  std::optional<ChaincodeMessage> reply = peer.Execute("tx1", {"InitLedger"});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->type(), ChaincodeMessage::COMPLETED);
  reply = peer.Execute("tx2", {"ReadAsset", "asset5"});
  ASSERT_TRUE(reply);
  EXPECT_EQ(CompletedResponse(*reply).payload(),
            R"({"AppraisedValue":700,"Color":"black","ID":"asset5","Owner":"Adriana","Size":15})");

  // The peer ending the stream ends the process; it does not reconnect.
  peer.EndStream();
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  EXPECT_EQ(WEXITSTATUS(status), 1);  // the peer cancelled the stream: not a clean end
}

TEST(ChaincodeProcessTest, MissingChaincodeNameExitsWithTwo) {
  pid_t child = Launch({LOOM_CHAINCODE_ASSETS_PATH, "--peer.address", "127.0.0.1:7052"}, {});
  ASSERT_GT(child, 0);
  Watchdog watchdog(child);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 2);
}

}  // namespace
}  // namespace loom::shim
