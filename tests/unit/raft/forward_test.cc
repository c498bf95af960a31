// ClusterTransport forwarding: follower -> leader requests and replies.
#include <gtest/gtest.h>

#include <netdb.h>

#include <future>

#include "core/raft/cluster_transport.h"
#include "test_support.h"

namespace loom::raft {
namespace {

using testing::CloseTransport;
using testing::ListenLocal;
using testing::WaitUntil;

class ForwardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loop = EventLoop::Start("forward-test");
    ASSERT_TRUE(loop.ok()) << loop.status().ToString();
    loop_ = std::move(loop).value();
    ClusterTransport::Options options;
    options.log = leader_log_.Sink();
    options.max_frame_bytes = 64 * 1024;
    leader_ = ListenLocal(loop_.get(), options);
    options.log = follower_log_.Sink();
    follower_ = ListenLocal(loop_.get(), options);
    ASSERT_NE(leader_, nullptr);
    ASSERT_NE(follower_, nullptr);
  }
  void TearDown() override {
    if (leader_) {
      EXPECT_TRUE(CloseTransport(loop_.get(), leader_.get()));
    }
    if (follower_) {
      EXPECT_TRUE(CloseTransport(loop_.get(), follower_.get()));
    }
    leader_.reset();
    follower_.reset();
    loop_->Stop();
  }

  void SetHandler(const std::string& channel, ClusterTransport::ForwardHandler handler) {
    loop_->RunSync([&] { leader_->SetForwardHandler(channel, std::move(handler)); });
  }

  // Forwards `payload` from the follower to the leader and waits for done.
  Status ForwardAndWait(const std::string& channel, const std::string& payload,
                        const std::string& address = "") {
    auto done = std::make_shared<std::promise<Status>>();
    auto future = done->get_future();
    std::string target = address.empty() ? leader_->bound_address() : address;
    loop_->RunSync([&] {
      follower_->Forward(channel, 2, target, payload, [done](Status status) { done->set_value(status); });
    });
    if (future.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
      return Status::DeadlineExceeded("test: no forward result");
    }
    return future.get();
  }

  std::unique_ptr<EventLoop> loop_;
  testing::LogCollector leader_log_;
  testing::LogCollector follower_log_;
  std::unique_ptr<ClusterTransport> leader_;
  std::unique_ptr<ClusterTransport> follower_;
};

TEST_F(ForwardTest, HandlerStatusReachesTheFollower) {
  std::vector<std::string> payloads;  // loop thread
  SetHandler("ch", [&](std::string payload, ClusterTransport::ForwardReply reply) {
    payloads.push_back(payload);
    if (payload == "deny") {
      reply(Status::PermissionDenied("creator not in the Writers policy"));
    } else {
      reply(Status::Ok());
    }
  });
  EXPECT_TRUE(ForwardAndWait("ch", "hello").ok());
  Status denied = ForwardAndWait("ch", "deny");
  EXPECT_EQ(denied.code(), Status::Code::kPermissionDenied);
  EXPECT_EQ(denied.message(), "creator not in the Writers policy");
  std::string big(60 * 1024, 'x');
  EXPECT_TRUE(ForwardAndWait("ch", big).ok());
  EXPECT_TRUE(ForwardAndWait("ch", "").ok());
  std::vector<std::string> seen;
  loop_->RunSync([&] { seen = payloads; });
  EXPECT_EQ(seen, (std::vector<std::string>{"hello", "deny", big, ""}));
}

TEST_F(ForwardTest, RepliesMayComeInAnyOrder) {
  std::vector<std::pair<std::string, ClusterTransport::ForwardReply>> held;  // loop thread
  SetHandler("ch", [&](std::string payload, ClusterTransport::ForwardReply reply) {
    held.emplace_back(std::move(payload), std::move(reply));
  });
  std::vector<std::string> order;  // loop thread
  std::map<std::string, Status> results;
  loop_->RunSync([&] {
    for (std::string name : {"a", "b", "c"}) {
      follower_->Forward("ch", 2, leader_->bound_address(), name, [&, name](Status status) {
        order.push_back(name);
        results[name] = status;
      });
    }
  });
  ASSERT_TRUE(WaitUntil(loop_.get(), [&] { return held.size() == 3; }));
  loop_->RunSync([&] {
    ASSERT_EQ(held[0].first, "a");
    held[2].second(Status::NotFound("c"));
    held[0].second(Status::AlreadyExists("a"));
    held[1].second(Status::Ok());
    held[1].second(Status::Internal("second reply is ignored"));
  });
  ASSERT_TRUE(WaitUntil(loop_.get(), [&] { return order.size() == 3; }));
  loop_->RunSync([&] {
    EXPECT_EQ(order, (std::vector<std::string>{"c", "a", "b"}));
    EXPECT_EQ(results["a"].code(), Status::Code::kAlreadyExists);
    EXPECT_EQ(results["a"].message(), "a");
    EXPECT_TRUE(results["b"].ok());
    EXPECT_EQ(results["c"].code(), Status::Code::kNotFound);
  });
}

TEST_F(ForwardTest, ManyPipelinedForwardsMatchTheirReplies) {
  SetHandler("ch", [](std::string payload, ClusterTransport::ForwardReply reply) {
    reply(Status::NotFound("echo " + payload));
  });
  constexpr int kCount = 500;
  std::map<int, Status> results;  // loop thread
  loop_->RunSync([&] {
    for (int i = 0; i < kCount; ++i) {
      follower_->Forward("ch", 2, leader_->bound_address(), std::to_string(i),
                         [&, i](Status status) { results[i] = status; });
    }
  });
  ASSERT_TRUE(WaitUntil(loop_.get(), [&] { return results.size() == kCount; }));
  loop_->RunSync([&] {
    for (int i = 0; i < kCount; ++i) EXPECT_EQ(results[i].message(), "echo " + std::to_string(i));
  });
}

TEST_F(ForwardTest, ReadingPausesAtTheInFlightLimitAndResumes) {
  ClusterTransport::Options options;
  options.max_forwards_in_flight = 1;
  options.log = leader_log_.Sink();
  auto strict = ListenLocal(loop_.get(), options);
  ASSERT_NE(strict, nullptr);
  std::vector<ClusterTransport::ForwardReply> held;  // loop thread
  loop_->RunSync([&] {
    strict->SetForwardHandler(
        "ch", [&](std::string, ClusterTransport::ForwardReply reply) { held.push_back(std::move(reply)); });
  });
  constexpr int kCount = 20;
  int completed = 0;  // loop thread
  loop_->RunSync([&] {
    for (int i = 0; i < kCount; ++i) {
      follower_->Forward("ch", 2, strict->bound_address(), std::to_string(i), [&](Status status) {
        EXPECT_TRUE(status.ok()) << status.ToString();
        completed++;
      });
    }
  });
  // Answer whatever arrived, until everything did: requests left unread
  // while paused must be read once the replies drain.
  ASSERT_TRUE(WaitUntil(loop_.get(), [&] {
    for (auto& reply : held) reply(Status::Ok());
    held.clear();
    return completed == kCount;
  }));
  EXPECT_TRUE(CloseTransport(loop_.get(), strict.get()));
}

TEST_F(ForwardTest, ReplyFromAnotherThread) {
  std::promise<ClusterTransport::ForwardReply> got_reply;
  SetHandler("ch", [&](std::string, ClusterTransport::ForwardReply reply) {
    got_reply.set_value(std::move(reply));
  });
  auto done = std::make_shared<std::promise<Status>>();
  loop_->RunSync([&] {
    follower_->Forward("ch", 2, leader_->bound_address(), "x", [done](Status s) { done->set_value(s); });
  });
  auto reply_future = got_reply.get_future();
  ASSERT_EQ(reply_future.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  reply_future.get()(Status::Unavailable("not the leader any more"));  // from the test thread
  auto result = done->get_future();
  ASSERT_EQ(result.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  Status status = result.get();
  EXPECT_EQ(status.code(), Status::Code::kUnavailable);
  EXPECT_EQ(status.message(), "not the leader any more");
}

TEST_F(ForwardTest, ConnectionDropCompletesPendingForwardsWithUnavailable) {
  std::vector<ClusterTransport::ForwardReply> held;  // loop thread
  SetHandler("ch",
             [&](std::string, ClusterTransport::ForwardReply reply) { held.push_back(std::move(reply)); });
  auto done = std::make_shared<std::promise<Status>>();
  std::string leader_address = leader_->bound_address();
  loop_->RunSync(
      [&] { follower_->Forward("ch", 2, leader_address, "x", [done](Status s) { done->set_value(s); }); });
  ASSERT_TRUE(WaitUntil(loop_.get(), [&] { return held.size() == 1; }));
  ASSERT_TRUE(CloseTransport(loop_.get(), leader_.get()));
  auto result = done->get_future();
  ASSERT_EQ(result.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  Status status = result.get();
  EXPECT_EQ(status.code(), Status::Code::kUnavailable);
  EXPECT_NE(status.message().find(leader_address), std::string::npos) << status.message();
  // A reply after the connection closed does nothing.
  loop_->RunSync([&] { held[0](Status::Ok()); });
  leader_.reset();
  // Nobody listens there any more: the next forward fails to connect, and
  // says that nothing was sent (the caller may send it elsewhere).
  Status refused = ForwardAndWait("ch", "y", leader_address);
  EXPECT_EQ(refused.code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(refused.message().find("not sent"), std::string::npos) << refused.message();
  EXPECT_NE(refused.message().find("connect"), std::string::npos) << refused.message();
}

TEST_F(ForwardTest, UnregisteredHandlerAnswersUnavailable) {
  SetHandler("ch", [](std::string, ClusterTransport::ForwardReply reply) { reply(Status::Ok()); });
  EXPECT_TRUE(ForwardAndWait("ch", "x").ok());
  SetHandler("ch", nullptr);
  // Same connection, the channel no longer takes forwards.
  Status status = ForwardAndWait("ch", "x");
  EXPECT_EQ(status.code(), Status::Code::kUnavailable);
  EXPECT_EQ(status.message(), "channel ch: not accepting forwards");
}

TEST_F(ForwardTest, UnknownChannelFailsThenRedialsOnceKnown) {
  Status unknown = ForwardAndWait("later", "x");
  EXPECT_EQ(unknown.code(), Status::Code::kFailedPrecondition);  // refused at the preamble: nothing sent
  ASSERT_TRUE(WaitUntil(loop_.get(), [&] { return leader_log_.Contains("unknown channel later"); }))
      << leader_log_.All();
  SetHandler("later", [](std::string, ClusterTransport::ForwardReply reply) { reply(Status::Ok()); });
  EXPECT_TRUE(ForwardAndWait("later", "x").ok());
}

TEST_F(ForwardTest, PayloadAboveTheFrameLimitIsRefusedLocally) {
  SetHandler("ch", [](std::string, ClusterTransport::ForwardReply reply) { reply(Status::Ok()); });
  Status status = ForwardAndWait("ch", std::string(64 * 1024, 'x'));
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(ForwardAndWait("ch", "small").ok());
}

TEST_F(ForwardTest, ForwardTimesOutAndALateReplyIsDropped) {
  ClusterTransport::Options options;
  options.forward_timeout_ms = 100;
  options.log = follower_log_.Sink();
  auto impatient = ListenLocal(loop_.get(), options);
  ASSERT_NE(impatient, nullptr);
  std::vector<ClusterTransport::ForwardReply> held;  // loop thread
  SetHandler("ch", [&](std::string payload, ClusterTransport::ForwardReply reply) {
    if (payload == "slow") {
      held.push_back(std::move(reply));
    } else {
      reply(Status::Ok());
    }
  });
  auto forward = [&](const std::string& payload) {
    auto done = std::make_shared<std::promise<Status>>();
    auto future = done->get_future();
    loop_->RunSync([&] {
      impatient->Forward("ch", 2, leader_->bound_address(), payload,
                         [done](Status s) { done->set_value(s); });
    });
    EXPECT_EQ(future.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    return future.get();
  };
  Status slow = forward("slow");
  EXPECT_EQ(slow.code(), Status::Code::kDeadlineExceeded) << slow.ToString();
  EXPECT_NE(slow.message().find("no reply within 100 ms"), std::string::npos) << slow.message();
  // The late reply arrives on the same connection and is dropped; the
  // connection keeps working.
  loop_->RunSync([&] {
    ASSERT_EQ(held.size(), 1u);
    held[0](Status::Ok());
  });
  EXPECT_TRUE(forward("fast").ok());
  EXPECT_TRUE(forward("fast").ok());
  EXPECT_TRUE(CloseTransport(loop_.get(), impatient.get()));
}

TEST_F(ForwardTest, DialsAHostNameThroughTheResolver) {
  // The machine's own name, when it resolves to the loopback address (as in
  // /etc/hosts of most machines), goes through uv_getaddrinfo.
  char host[256] = {0};
  ASSERT_EQ(gethostname(host, sizeof host - 1), 0);
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* resolved = nullptr;
  bool loopback = false;
  if (getaddrinfo(host, nullptr, &hints, &resolved) == 0) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(resolved->ai_addr);
    loopback = ntohl(v4->sin_addr.s_addr) == INADDR_LOOPBACK;
    freeaddrinfo(resolved);
  }
  if (!loopback) GTEST_SKIP() << host << " does not resolve to 127.0.0.1 here";
  SetHandler("ch", [](std::string, ClusterTransport::ForwardReply reply) { reply(Status::Ok()); });
  std::string port = leader_->bound_address().substr(leader_->bound_address().rfind(':'));
  EXPECT_TRUE(ForwardAndWait("ch", "x", std::string(host) + port).ok());
}

TEST_F(ForwardTest, ForwardAfterCloseFailsLater) {
  ASSERT_TRUE(CloseTransport(loop_.get(), follower_.get()));
  Status status = ForwardAndWait("ch", "x");
  EXPECT_EQ(status.code(), Status::Code::kUnavailable);
}

}  // namespace
}  // namespace loom::raft
