// The built loom-chaincode-assets executable, launched the way Fabric's peer
// launches a chaincode (--peer.address, CORE_CHAINCODE_ID_NAME), registers
// with the fake peer and runs transactions.
#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "peer/chaincode_shim.grpc.pb.h"
#include "tests/unit/shim/fake_peer.h"

extern char** environ;

namespace loom::shim {
namespace {

using protos::ChaincodeMessage;
using testing::CompletedResponse;
using testing::FakePeer;
using testing::FakePeerServer;

// Owns a launched child. Wait reaps it, killing it first if it has not
// exited by the deadline (a hung chaincode fails the test instead of hanging
// it); a child never waited for (a failed assertion) is killed and reaped on
// destruction.
class Child {
 public:
  explicit Child(pid_t pid) : pid_(pid) {}
  ~Child() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  // The wait status.
  int Wait() {
    std::mutex mutex;
    std::condition_variable exited;
    bool done = false;
    std::thread watchdog([&] {
      std::unique_lock lock(mutex);
      if (!exited.wait_for(lock, testing::kDeadline * 2, [&] { return done; })) kill(pid_, SIGKILL);
    });
    int status = 0;
    waitpid(pid_, &status, 0);
    {
      std::lock_guard lock(mutex);
      done = true;
    }
    exited.notify_all();
    watchdog.join();
    reaped_ = true;
    return status;
  }

 private:
  pid_t pid_;
  bool reaped_ = false;
};

pid_t Spawn(const std::vector<std::string>& args, const std::vector<std::string>& extra_env) {
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

std::unique_ptr<Child> Launch(const std::vector<std::string>& args,
                              const std::vector<std::string>& extra_env) {
  return std::make_unique<Child>(Spawn(args, extra_env));
}

TEST(ChaincodeProcessTest, AssetsExecutableRegistersAndRunsTransactions) {
  FakePeer peer;
  FakePeerServer server(peer);
  ASSERT_TRUE(server.ok());
  std::unique_ptr<Child> child = Launch({LOOM_CHAINCODE_ASSETS_PATH, "--peer.address", server.address()},
                                        {"CORE_CHAINCODE_ID_NAME=basic:1.0", "CORE_PEER_TLS_ENABLED=false"});
  ASSERT_GT(child->pid(), 0);

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
  const int status = child->Wait();
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  EXPECT_EQ(WEXITSTATUS(status), 1);  // the peer cancelled the stream: not a clean end
}

// A port nothing listens on right now (the kernel's pick for port 0).
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

class ConnectStream : public testing::PeerStream {
 public:
  explicit ConnectStream(grpc::ClientReaderWriter<ChaincodeMessage, ChaincodeMessage>* stream)
      : stream_(stream) {}
  bool Read(ChaincodeMessage* message) override { return stream_->Read(message); }
  bool Write(const ChaincodeMessage& message) override { return stream_->Write(message); }
  void End() override { stream_->WritesDone(); }

 private:
  grpc::ClientReaderWriter<ChaincodeMessage, ChaincodeMessage>* stream_;
};

TEST(ChaincodeProcessTest, AssetsExecutableServesConnectAsAService) {
  const int port = FreePort();
  ASSERT_GT(port, 0);
  const std::string address = "127.0.0.1:" + std::to_string(port);
  std::unique_ptr<Child> child = Launch(
      {LOOM_CHAINCODE_ASSETS_PATH}, {"CHAINCODE_SERVER_ADDRESS=" + address, "CHAINCODE_ID=basic:0123abcd"});
  ASSERT_GT(child->pid(), 0);
  {
    auto stub = protos::Chaincode::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    context.set_wait_for_ready(true);  // until the child listens
    context.set_deadline(std::chrono::system_clock::now() + testing::kDeadline);
    auto stream = stub->Connect(&context);
    ConnectStream peer_stream(stream.get());
    FakePeer peer;
    std::thread serving([&] { peer.Serve(peer_stream); });
    EXPECT_EQ(peer.WaitForRegister(), "basic:0123abcd");
    std::optional<ChaincodeMessage> reply =
        peer.Execute("tx1", {"CreateAsset", "a1", "red", "3", "Ann", "10"});
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->type(), ChaincodeMessage::COMPLETED);
    reply = peer.Execute("tx2", {"AssetExists", "a1"});
    ASSERT_TRUE(reply);
    EXPECT_EQ(CompletedResponse(*reply).payload(), "true");
    peer.EndStream();
    serving.join();
    EXPECT_TRUE(stream->Finish().ok());
  }
  // A chaincode server keeps serving after a peer leaves; stop it as an
  // operator would.
  kill(child->pid(), SIGTERM);
  const int status = child->Wait();
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
}

TEST(ChaincodeProcessTest, MissingChaincodeNameExitsWithTwo) {
  std::unique_ptr<Child> child = Launch({LOOM_CHAINCODE_ASSETS_PATH, "--peer.address", "127.0.0.1:7052"}, {});
  ASSERT_GT(child->pid(), 0);
  const int status = child->Wait();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 2);
}

}  // namespace
}  // namespace loom::shim
