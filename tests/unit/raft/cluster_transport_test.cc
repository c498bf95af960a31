// ClusterTransport against hostile or broken peers: every bad connection is
// closed and logged, and the listener keeps serving good ones.
#include "core/raft/cluster_transport.h"

#include <gtest/gtest.h>

#include <future>

#include "core/raft/wire.h"
#include "test_support.h"

namespace loom::raft {
namespace {

using testing::CloseTransport;
using testing::ListenLocal;
using testing::RawClient;
using testing::WaitUntil;

std::string ForwardPreamble(const std::string& channel) {
  return *EncodePreamble({StreamKind::kForward, channel, 9, "127.0.0.1:1"});
}

class ClusterTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loop = EventLoop::Start("transport-test");
    ASSERT_TRUE(loop.ok()) << loop.status().ToString();
    loop_ = std::move(loop).value();
    Listen(ClusterTransport::Options{});
  }
  void Listen(ClusterTransport::Options options) {
    if (server_) {
      ASSERT_TRUE(CloseTransport(loop_.get(), server_.get()));
      server_.reset();
    }
    options.log = log_.Sink();
    if (options.max_frame_bytes == ClusterTransport::Options{}.max_frame_bytes)
      options.max_frame_bytes = 1024;
    server_ = ListenLocal(loop_.get(), options);
    ASSERT_NE(server_, nullptr);
    loop_->RunSync([&] {
      server_->SetForwardHandler("ch", [](const std::string& payload, ClusterTransport::ForwardReply reply) {
        bool ok = payload.size() == 2 && payload.compare("ok") == 0;
        reply(ok ? Status::Ok() : Status::InvalidArgument("bad payload: " + payload));
      });
    });
  }
  void TearDown() override {
    if (server_) {
      EXPECT_TRUE(CloseTransport(loop_.get(), server_.get()));
    }
    server_.reset();
    loop_->Stop();
  }

  // A well-behaved forward over a raw socket: the exact response bytes.
  void ExpectGoodForwardWorks() {
    RawClient client(server_->bound_address());
    ASSERT_TRUE(client.connected());
    ASSERT_TRUE(client.Send(ForwardPreamble("ch") + EncodeForwardRequest(77, "ok")));
    EXPECT_EQ(client.ReadExactly(1 + 4 + 9, std::chrono::seconds(30)),
              std::string(1, kPreambleAccepted) + EncodeForwardResponse(77, Status::Ok()));
  }

  // Closes a group's transport as libraft's raft_close does, and waits.
  void CloseGroup(raft_uv_transport* group) {
    std::promise<void> closed;
    loop_->RunSync([&] {
      group->data = &closed;
      group->close(group,
                   [](raft_uv_transport* t) { static_cast<std::promise<void>*>(t->data)->set_value(); });
    });
    ASSERT_EQ(closed.get_future().wait_for(std::chrono::seconds(30)), std::future_status::ready);
  }

  bool LogSays(const std::string& needle) {
    return WaitUntil(
        loop_.get(), [&] { return log_.Contains(needle); }, std::chrono::seconds(30));
  }

  std::unique_ptr<EventLoop> loop_;
  testing::LogCollector log_;
  std::unique_ptr<ClusterTransport> server_;
};

TEST_F(ClusterTransportTest, ForwardFramesOnTheWire) {
  RawClient client(server_->bound_address());
  ASSERT_TRUE(client.connected());
  // Byte by byte: the server must cope with any split of the stream.
  std::string bytes = ForwardPreamble("ch") + EncodeForwardRequest(1, "ok") + EncodeForwardRequest(2, "nope");
  for (char c : bytes) ASSERT_TRUE(client.Send(std::string(1, c)));
  EXPECT_EQ(client.ReadExactly(1, std::chrono::seconds(30)), std::string(1, kPreambleAccepted));
  EXPECT_EQ(client.ReadExactly(13, std::chrono::seconds(30)), EncodeForwardResponse(1, Status::Ok()));
  std::string denied = EncodeForwardResponse(2, Status::InvalidArgument("bad payload: nope"));
  EXPECT_EQ(client.ReadExactly(denied.size(), std::chrono::seconds(30)), denied);
}

TEST_F(ClusterTransportTest, GarbagePreambleIsClosedAndLogged) {
  RawClient client(server_->bound_address());
  ASSERT_TRUE(client.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(client.WaitClosed(std::chrono::seconds(30)));
  EXPECT_TRUE(LogSays("bad magic")) << log_.All();
  ExpectGoodForwardWorks();
}

TEST_F(ClusterTransportTest, UnknownChannelOrKindIsClosed) {
  {
    RawClient client(server_->bound_address());
    ASSERT_TRUE(client.Send(*EncodePreamble({StreamKind::kRaft, "nochannel", 3, "127.0.0.1:2"})));
    EXPECT_TRUE(client.WaitClosed(std::chrono::seconds(30)));
    EXPECT_TRUE(LogSays("raft stream for unknown channel nochannel")) << log_.All();
  }
  {
    RawClient client(server_->bound_address());
    ASSERT_TRUE(client.Send(ForwardPreamble("other")));
    EXPECT_TRUE(client.WaitClosed(std::chrono::seconds(30)));
    EXPECT_TRUE(LogSays("forward stream for unknown channel other")) << log_.All();
  }
  {
    RawClient client(server_->bound_address());
    std::string preamble = ForwardPreamble("ch");
    preamble[7] = 'X';
    ASSERT_TRUE(client.Send(preamble));
    EXPECT_TRUE(client.WaitClosed(std::chrono::seconds(30)));
    EXPECT_TRUE(LogSays("unknown stream kind")) << log_.All();
  }
  ExpectGoodForwardWorks();
}

TEST_F(ClusterTransportTest, RaftStreamForAGroupNotStartedIsClosed) {
  raft_uv_transport* group = nullptr;
  loop_->RunSync([&] { group = server_->AddGroup("ch"); });
  ASSERT_NE(group, nullptr);
  RawClient client(server_->bound_address());
  ASSERT_TRUE(client.Send(*EncodePreamble({StreamKind::kRaft, "ch", 3, "127.0.0.1:2"})));
  EXPECT_TRUE(client.WaitClosed(std::chrono::seconds(30)));
  EXPECT_TRUE(LogSays("not started yet")) << log_.All();
  // Close the group as libraft would, then the channel may be added again.
  CloseGroup(group);
  raft_uv_transport* again = nullptr;
  loop_->RunSync([&] {
    again = server_->AddGroup("ch");
    EXPECT_EQ(server_->AddGroup("ch"), nullptr);  // already open
    EXPECT_EQ(server_->AddGroup("bad channel"), nullptr);
    EXPECT_EQ(server_->AddGroup(""), nullptr);
  });
  ASSERT_NE(again, nullptr);
  EXPECT_NE(again, group);
  // A group whose raft server never started is released by its owner.
  raft_uv_transport* third = nullptr;
  loop_->RunSync([&] {
    server_->ReleaseGroup(again);
    third = server_->AddGroup("ch");
  });
  ASSERT_NE(third, nullptr);
  CloseGroup(third);
}

TEST_F(ClusterTransportTest, SilentConnectionTimesOut) {
  ClusterTransport::Options options;
  options.handshake_timeout_ms = 100;
  Listen(options);
  RawClient client(server_->bound_address());
  ASSERT_TRUE(client.Send(ForwardPreamble("ch").substr(0, 12)));  // then nothing
  EXPECT_TRUE(client.WaitClosed(std::chrono::seconds(30)));
  EXPECT_TRUE(LogSays("no complete preamble within 100 ms")) << log_.All();
  ExpectGoodForwardWorks();
}

TEST_F(ClusterTransportTest, OversizedOrUndersizedFrameClosesTheConnection) {
  {
    RawClient client(server_->bound_address());
    std::string header("\x00\x00\x04\x01", 4);  // 1025 > max_frame_bytes 1024
    ASSERT_TRUE(client.Send(ForwardPreamble("ch") + header));
    EXPECT_TRUE(client.WaitClosed(std::chrono::seconds(30)));
    EXPECT_TRUE(LogSays("frame of 1025 bytes")) << log_.All();
  }
  {
    RawClient client(server_->bound_address());
    std::string header("\x00\x00\x00\x03xyz", 7);  // shorter than a sequence
    ASSERT_TRUE(client.Send(ForwardPreamble("ch") + header));
    EXPECT_TRUE(client.WaitClosed(std::chrono::seconds(30)));
    EXPECT_TRUE(LogSays("frame of 3 bytes")) << log_.All();
  }
  ExpectGoodForwardWorks();
}

TEST_F(ClusterTransportTest, TooManyHandshakingConnectionsAreShed) {
  ClusterTransport::Options options;
  options.max_handshaking_connections = 1;
  options.handshake_timeout_ms = 60000;
  Listen(options);
  RawClient first(server_->bound_address());
  ASSERT_TRUE(first.connected());
  // Wait until the server accepted the first one, then the second is shed.
  ASSERT_TRUE(first.Send("LOOM"));
  RawClient second(server_->bound_address());
  EXPECT_TRUE(second.WaitClosed(std::chrono::seconds(30)));
  EXPECT_TRUE(LogSays("waiting for their preamble")) << log_.All();
  // Completing the first preamble frees the slot.
  ASSERT_TRUE(first.Send(ForwardPreamble("ch").substr(4) + EncodeForwardRequest(5, "ok")));
  EXPECT_EQ(first.ReadExactly(14, std::chrono::seconds(30)),
            std::string(1, kPreambleAccepted) + EncodeForwardResponse(5, Status::Ok()));
  ExpectGoodForwardWorks();
}

TEST_F(ClusterTransportTest, ListenRejectsBadAddresses) {
  loop_->RunSync([&] {
    auto no_port = ClusterTransport::Listen(loop_.get(), "127.0.0.1", {});
    EXPECT_TRUE(no_port.status().IsInvalidArgument()) << no_port.status().ToString();
    auto bad_port = ClusterTransport::Listen(loop_.get(), "127.0.0.1:70000", {});
    EXPECT_TRUE(bad_port.status().IsInvalidArgument());
    auto name = ClusterTransport::Listen(loop_.get(), "orderer.example.com:7050", {});
    EXPECT_TRUE(name.status().IsInvalidArgument());
    auto in_use = ClusterTransport::Listen(loop_.get(), server_->bound_address(), {});
    EXPECT_EQ(in_use.status().code(), Status::Code::kUnavailable) << in_use.status().ToString();
    auto localhost = ClusterTransport::Listen(loop_.get(), "localhost:0", {});
    ASSERT_TRUE(localhost.ok()) << localhost.status().ToString();
    EXPECT_EQ((*localhost)->bound_address().rfind("127.0.0.1:", 0), 0u) << (*localhost)->bound_address();
    // Destroyed without Close(): it closes itself.
  });
  auto off_loop = ClusterTransport::Listen(loop_.get(), "127.0.0.1:0", {});
  EXPECT_EQ(off_loop.status().code(), Status::Code::kFailedPrecondition);
}

}  // namespace
}  // namespace loom::raft
