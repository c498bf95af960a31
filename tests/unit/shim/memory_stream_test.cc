// ChatWithPeer over an in-memory stream (no gRPC): many transactions at once
// against the fake peer. Without gRPC's uninstrumented threads in the way,
// this is the test that ThreadSanitizer can judge the shim's routing and
// write serialization by.
#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "chaincode/counter/counter_contract.h"
#include "chaincode/shim/chat.h"
#include "tests/unit/shim/fake_peer.h"

namespace loom::shim {
namespace {

using protos::ChaincodeMessage;
using testing::CompletedResponse;
using testing::FakePeer;

// One direction of the pipe: a closable queue.
class Queue {
 public:
  void Push(const ChaincodeMessage& message) {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    messages_.push_back(message);
    ready_.notify_all();
  }
  bool Pop(ChaincodeMessage* message) {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return closed_ || !messages_.empty(); });
    if (messages_.empty()) return false;
    *message = std::move(messages_.front());
    messages_.pop_front();
    return true;
  }
  void Close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    ready_.notify_all();
  }
  bool closed() {
    std::lock_guard lock(mutex_);
    return closed_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<ChaincodeMessage> messages_;
  bool closed_ = false;
};

struct Pipe {
  Queue to_chaincode;
  Queue to_peer;
};

class ChaincodeEnd : public MessageStream {
 public:
  explicit ChaincodeEnd(Pipe& pipe) : pipe_(pipe) {}
  bool Read(ChaincodeMessage* message) override { return pipe_.to_chaincode.Pop(message); }
  bool Write(const ChaincodeMessage& message) override {
    if (pipe_.to_peer.closed()) return false;
    pipe_.to_peer.Push(message);
    return true;
  }

 private:
  Pipe& pipe_;
};

class PeerEnd : public testing::PeerStream {
 public:
  explicit PeerEnd(Pipe& pipe) : pipe_(pipe) {}
  bool Read(ChaincodeMessage* message) override { return pipe_.to_peer.Pop(message); }
  bool Write(const ChaincodeMessage& message) override {
    if (pipe_.to_chaincode.closed()) return false;
    pipe_.to_chaincode.Push(message);
    return true;
  }
  // The peer hangs up: the chaincode's reads end, and so do the peer's once
  // the chaincode is gone.
  void End() override { pipe_.to_chaincode.Close(); }

 private:
  Pipe& pipe_;
};

TEST(MemoryStreamTest, ManyConcurrentTransactionsAreAnsweredOnTheirOwnTxIds) {
  Pipe pipe;
  FakePeer peer;
  samples::CounterContract counter;
  ChaincodeEnd chaincode_end(pipe);
  PeerEnd peer_end(pipe);
  Status chat_result;
  std::thread chaincode([&] {
    chat_result = ChatWithPeer(chaincode_end, "counter:1", counter);
    pipe.to_peer.Close();  // the chaincode side is done: end the peer's reads
  });
  std::thread serving([&] { peer.Serve(peer_end); });
  ASSERT_EQ(peer.WaitForRegister(), "counter:1");

  // Eight clients, each with its own key, twenty increments each, all at once.
  constexpr int kClients = 8;
  constexpr int kIncrements = 20;
  std::vector<std::thread> clients;
  std::vector<int> failures(kClients, 0);
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      for (int i = 1; i <= kIncrements; ++i) {
        const std::string tx_id = "c" + std::to_string(c) + "-" + std::to_string(i);
        std::optional<ChaincodeMessage> reply = peer.Execute(tx_id, {"Increment", "key" + std::to_string(c)});
        if (!reply || reply->type() != ChaincodeMessage::COMPLETED || reply->txid() != tx_id ||
            CompletedResponse(*reply).payload() != std::to_string(i)) {
          ++failures[c];
        }
      }
    });
  }
  for (std::thread& client : clients) client.join();
  for (int c = 0; c < kClients; ++c) {
    EXPECT_EQ(failures[c], 0) << "client " << c;
    EXPECT_EQ(peer.State().at("key" + std::to_string(c)), std::to_string(kIncrements));
  }

  peer.EndStream();
  chaincode.join();
  serving.join();
  EXPECT_TRUE(chat_result.ok()) << chat_result.ToString();
}

}  // namespace
}  // namespace loom::shim
