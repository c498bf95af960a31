// The raft_uv_transport of a channel, driven the way libraft's uv backend
// drives it: init, listen, connect (the stream is handed over), close
// (pending connects complete with RAFT_CANCELED before the close callback).
#include <gtest/gtest.h>

#include <future>

#include "core/raft/cluster_transport.h"
#include "test_support.h"

namespace loom::raft {
namespace {

using testing::CloseTransport;
using testing::ListenLocal;
using testing::WaitUntil;

// What a test's fake libraft saw; touched on the loop thread only.
struct Observed {
  std::vector<std::string> events;
  int connect_status = -1;
  uv_stream_t* connected = nullptr;
  uv_stream_t* accepted = nullptr;
  raft_id accepted_id = 0;
  std::string accepted_address;
  std::string received;  // bytes read from the accepted stream
  char buffer[256];
};

void OnAccept(raft_uv_transport* t, raft_id id, const char* address, uv_stream_t* stream) {
  auto* seen = static_cast<Observed*>(t->data);
  seen->events.push_back("accept");
  seen->accepted_id = id;
  seen->accepted_address = address;
  seen->accepted = stream;
  stream->data = seen;
  uv_read_start(
      stream,
      [](uv_handle_t* h, size_t, uv_buf_t* buf) {
        auto* s = static_cast<Observed*>(h->data);
        *buf = uv_buf_init(s->buffer, sizeof s->buffer);
      },
      [](uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
        auto* s = static_cast<Observed*>(stream->data);
        if (nread > 0) s->received.append(buf->base, static_cast<size_t>(nread));
      });
}

void OnConnect(raft_uv_connect* req, uv_stream_t* stream, int status) {
  auto* seen = static_cast<Observed*>(req->data);
  seen->events.push_back("connect " + std::to_string(status));
  seen->connect_status = status;
  seen->connected = stream;
}

void CloseStream(uv_stream_t* stream) {
  if (stream == nullptr) return;
  uv_close(reinterpret_cast<uv_handle_t*>(stream), [](uv_handle_t* h) { raft_free(h); });
}

// A TCP listener that completes handshakes (kernel backlog) but never
// accepts or answers: dials to it hang until cancelled or timed out.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 16);
    socklen_t length = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &length);
    address_ = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  }
  ~SilentListener() { ::close(fd_); }
  const std::string& address() const { return address_; }

 private:
  int fd_;
  std::string address_;
};

class GroupTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loop = EventLoop::Start("group-test");
    ASSERT_TRUE(loop.ok());
    loop_ = std::move(loop).value();
    ClusterTransport::Options options;
    options.dial_timeout_ms = 60000;
    options.log = log_.Sink();
    a_ = ListenLocal(loop_.get(), options);
    b_ = ListenLocal(loop_.get(), options);
    ASSERT_NE(a_, nullptr);
    ASSERT_NE(b_, nullptr);
    loop_->RunSync([&] {
      ta_ = a_->AddGroup("ch");
      tb_ = b_->AddGroup("ch");
      ta_->data = &seen_a_;
      tb_->data = &seen_b_;
      ASSERT_EQ(ta_->init(ta_, 1, a_->bound_address().c_str()), 0);
      ASSERT_EQ(tb_->init(tb_, 2, b_->bound_address().c_str()), 0);
      ASSERT_EQ(tb_->listen(tb_, &OnAccept), 0);
    });
  }
  void TearDown() override {
    loop_->RunSync([&] {
      CloseStream(seen_a_.connected);
      CloseStream(seen_b_.accepted);
    });
    CloseGroup(ta_);
    CloseGroup(tb_);
    EXPECT_TRUE(CloseTransport(loop_.get(), a_.get()));
    EXPECT_TRUE(CloseTransport(loop_.get(), b_.get()));
    a_.reset();
    b_.reset();
    loop_->Stop();
  }
  void CloseGroup(raft_uv_transport* t) {
    if (t == nullptr) return;
    auto* seen = static_cast<Observed*>(t->data);
    loop_->RunSync([&] {
      t->close(t, [](raft_uv_transport* t) { static_cast<Observed*>(t->data)->events.push_back("closed"); });
    });
    EXPECT_TRUE(
        WaitUntil(loop_.get(), [&] { return !seen->events.empty() && seen->events.back() == "closed"; }));
  }
  int Connect(const std::string& address) {
    int rv = -1;
    request_.data = &seen_a_;
    loop_->RunSync([&] { rv = ta_->connect(ta_, &request_, 2, address.c_str(), &OnConnect); });
    return rv;
  }

  std::unique_ptr<EventLoop> loop_;
  testing::LogCollector log_;
  std::unique_ptr<ClusterTransport> a_;
  std::unique_ptr<ClusterTransport> b_;
  raft_uv_transport* ta_ = nullptr;
  raft_uv_transport* tb_ = nullptr;
  Observed seen_a_;
  Observed seen_b_;
  raft_uv_connect request_{};
  char message_[19] = "first raft message";
  uv_write_t write_{};
};

TEST_F(GroupTransportTest, ConnectHandsOverAStreamThatLosesNoBytes) {
  ASSERT_EQ(Connect(b_->bound_address()), 0);
  ASSERT_TRUE(WaitUntil(loop_.get(), [&] { return seen_a_.connect_status != -1 && seen_b_.accepted; }));
  std::string address_b_saw;
  loop_->RunSync([&] {
    EXPECT_EQ(seen_a_.connect_status, 0);
    ASSERT_NE(seen_a_.connected, nullptr);
    EXPECT_EQ(seen_b_.accepted_id, 1u);
    address_b_saw = seen_b_.accepted_address;
    // The first bytes libraft writes right after the handover arrive intact.
    uv_buf_t buf = uv_buf_init(message_, sizeof message_ - 1);
    uv_write(&write_, seen_a_.connected, &buf, 1, nullptr);
  });
  EXPECT_EQ(address_b_saw, a_->bound_address());
  ASSERT_TRUE(WaitUntil(loop_.get(), [&] { return seen_b_.received.size() >= 18; }));
  loop_->RunSync([&] { EXPECT_EQ(seen_b_.received, "first raft message"); });
}

TEST_F(GroupTransportTest, ConnectToAChannelThePeerLacksFails) {
  CloseGroup(tb_);
  tb_ = nullptr;
  ASSERT_EQ(Connect(b_->bound_address()), 0);
  ASSERT_TRUE(WaitUntil(loop_.get(), [&] { return seen_a_.connect_status != -1; }));
  loop_->RunSync([&] {
    EXPECT_EQ(seen_a_.connect_status, RAFT_NOCONNECTION);
    EXPECT_EQ(seen_a_.connected, nullptr);
  });
  EXPECT_TRUE(WaitUntil(loop_.get(), [&] { return log_.Contains("refused the preamble"); })) << log_.All();
}

TEST_F(GroupTransportTest, CloseCancelsPendingConnectsBeforeItsCallback) {
  SilentListener silent;
  ASSERT_EQ(Connect(silent.address()), 0);
  CloseGroup(ta_);
  loop_->RunSync([&] {
    EXPECT_EQ(seen_a_.events,
              (std::vector<std::string>{"connect " + std::to_string(RAFT_CANCELED), "closed"}));
    EXPECT_EQ(seen_a_.connected, nullptr);
    // A closed group refuses new connects.
    EXPECT_NE(ta_->connect(ta_, &request_, 2, silent.address().c_str(), &OnConnect), 0);
  });
  ta_ = nullptr;
}

TEST_F(GroupTransportTest, DialTimesOut) {
  ClusterTransport::Options options;
  options.dial_timeout_ms = 100;
  options.log = log_.Sink();
  auto quick = ListenLocal(loop_.get(), options);
  ASSERT_NE(quick, nullptr);
  raft_uv_transport* t = nullptr;
  Observed seen;
  raft_uv_connect request{};
  request.data = &seen;
  SilentListener silent;
  loop_->RunSync([&] {
    t = quick->AddGroup("ch");
    t->data = &seen;
    t->init(t, 1, quick->bound_address().c_str());
    ASSERT_EQ(t->connect(t, &request, 2, silent.address().c_str(), &OnConnect), 0);
  });
  ASSERT_TRUE(WaitUntil(loop_.get(), [&] { return seen.connect_status != -1; }));
  loop_->RunSync([&] { EXPECT_EQ(seen.connect_status, RAFT_NOCONNECTION); });
  EXPECT_TRUE(WaitUntil(loop_.get(), [&] { return log_.Contains("timed out"); })) << log_.All();
  CloseGroup(t);
  EXPECT_TRUE(CloseTransport(loop_.get(), quick.get()));
}

}  // namespace
}  // namespace loom::raft
