// The operations server over real sockets on 127.0.0.1.
#include "core/ops/operations_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "core/ops/fabric_metrics.h"

namespace loom::ops {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A blocking test client: connect, send, read until the server closes.
class Client {
 public:
  explicit Client(uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~Client() { close(fd_); }

  bool connected() const { return connected_; }

  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  void CloseSending() { shutdown(fd_, SHUT_WR); }

  // Everything until EOF; nullopt if the server has not closed by `deadline`.
  std::optional<std::string> ReadToEnd(Clock::time_point deadline = Clock::now() + 10s) {
    std::string out;
    char buffer[4096];
    while (true) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return std::nullopt;
      pollfd pfd{fd_, POLLIN, 0};
      if (poll(&pfd, 1, static_cast<int>(left)) <= 0) continue;
      ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
      if (n > 0) {
        out.append(buffer, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        return out;
      }
    }
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

struct Response {
  int code = 0;
  std::string head;
  std::string body;
};

Response Parse(const std::string& raw) {
  Response response;
  size_t end = raw.find("\r\n\r\n");
  if (raw.size() < 12 || end == std::string::npos) return response;
  response.code = std::stoi(raw.substr(9, 3));
  response.head = raw.substr(0, end + 2);
  response.body = raw.substr(end + 4);
  return response;
}

class OperationsServerTest : public ::testing::Test {
 protected:
  void StartServer(OperationsServerOptions options = {}) {
    Result<std::unique_ptr<OperationsServer>> server = OperationsServer::Start(options, &metrics_, &health_);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    ASSERT_GT(server_->port(), 0);
  }

  Response Exchange(const std::string& request) {
    Client client(server_->port());
    EXPECT_TRUE(client.connected());
    EXPECT_TRUE(client.Send(request));
    std::optional<std::string> raw = client.ReadToEnd();
    EXPECT_TRUE(raw.has_value()) << "the server did not close the connection";
    return Parse(raw.value_or(""));
  }

  Response Get(const std::string& path) {
    return Exchange("GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n");
  }

  MetricsRegistry metrics_;
  HealthRegistry health_;
  std::unique_ptr<OperationsServer> server_;
};

TEST_F(OperationsServerTest, HealthzIsOkWhenEveryCheckPasses) {
  StartServer();
  ASSERT_TRUE(health_.Register("ledger", [] { return Status::Ok(); }).ok());
  Response response = Get("/healthz");
  EXPECT_EQ(response.code, 200);
  EXPECT_NE(response.head.find("Content-Type: application/json\r\n"), std::string::npos);
  EXPECT_NE(response.head.find("Content-Length: " + std::to_string(response.body.size()) + "\r\n"),
            std::string::npos);
  EXPECT_TRUE(response.body.starts_with(R"({"status":"OK","time":")")) << response.body;
  EXPECT_TRUE(response.body.ends_with(R"(Z"})")) << response.body;
}

TEST_F(OperationsServerTest, HealthzIs503WithTheFailedChecks) {
  StartServer();
  ASSERT_TRUE(health_.Register("raft", [] { return Status::Unavailable("no leader for channel ch1"); }).ok());
  ASSERT_TRUE(health_.Register("ledger", [] { return Status::Ok(); }).ok());
  Response response = Get("/healthz");
  EXPECT_EQ(response.code, 503);
  EXPECT_TRUE(response.body.starts_with(R"({"status":"Service Unavailable","time":")")) << response.body;
  EXPECT_TRUE(response.body.ends_with(
      R"("failed_checks":[{"component":"raft","reason":"no leader for channel ch1"}]})"))
      << response.body;
}

TEST_F(OperationsServerTest, MetricsServesTheExposition) {
  StartServer();
  metrics_.NewCounter(kBroadcastProcessedCount)
      .value()
      ->With({"ch", "ENDORSER_TRANSACTION", "SUCCESS"})
      .Add(3);
  metrics_.NewGauge(kLedgerBlockchainHeight).value()->With({"ch"}).Set(12);
  Response response = Get("/metrics");
  EXPECT_EQ(response.code, 200);
  EXPECT_NE(response.head.find("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"),
            std::string::npos);
  EXPECT_EQ(response.body, metrics_.Exposition());
  EXPECT_NE(response.body.find("broadcast_processed_count{channel=\"ch\",type=\"ENDORSER_TRANSACTION\","
                               "status=\"SUCCESS\"} 3\n"),
            std::string::npos);
  EXPECT_NE(response.body.find("ledger_blockchain_height{channel=\"ch\"} 12\n"), std::string::npos);
}

TEST_F(OperationsServerTest, LargeExpositionArrivesWhole) {
  StartServer();
  CounterFamily* family = metrics_.NewCounter({"big", "", "family", "Many children.", {"id"}}).value();
  for (int i = 0; i < 20'000; ++i) family->With({std::to_string(i)}).Inc();
  Response response = Get("/metrics");
  EXPECT_EQ(response.code, 200);
  EXPECT_GT(response.body.size(), 400'000u);
  EXPECT_EQ(response.body, metrics_.Exposition());
}

TEST_F(OperationsServerTest, UnknownPathsAre404AndOtherMethods405) {
  StartServer();
  EXPECT_EQ(Get("/").code, 404);
  EXPECT_EQ(Get("/healthz/extra").code, 404);
  EXPECT_EQ(Get("/metrics?x=1").code, 200);  // the query is not part of the path

  Response post = Exchange("POST /metrics HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi");
  EXPECT_EQ(post.code, 405);
  EXPECT_NE(post.head.find("Allow: GET\r\n"), std::string::npos);
  EXPECT_EQ(Exchange("DELETE /healthz HTTP/1.1\r\n\r\n").code, 405);
  EXPECT_EQ(Exchange("HEAD /healthz HTTP/1.0\r\n\r\n").code, 405);
}

TEST_F(OperationsServerTest, GarbageAndOversizedRequestsAreRefused) {
  OperationsServerOptions options;
  options.max_head_bytes = 1024;
  StartServer(options);
  EXPECT_EQ(Exchange("\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03").code, 400);  // TLS to a plain port
  EXPECT_EQ(Exchange("this is not http\r\n\r\n").code, 400);
  EXPECT_EQ(Exchange("GET /healthz HTTP/1.1\r\nX: " + std::string(5000, 'x') + "\r\n\r\n").code, 431);
  // A head that never ends but keeps growing.
  EXPECT_EQ(Exchange("GET /healthz HTTP/1.1\r\nX: " + std::string(5000, 'x')).code, 431);
  // Still serving.
  EXPECT_EQ(Get("/healthz").code, 200);
}

TEST_F(OperationsServerTest, AnswersAClientThatClosedItsSendingSide) {
  StartServer();
  Client client(server_->port());
  ASSERT_TRUE(client.Send("GET /healthz HTTP/1.0\r\n\r\n"));
  client.CloseSending();
  EXPECT_EQ(Parse(client.ReadToEnd().value_or("")).code, 200);
}

TEST_F(OperationsServerTest, SilentAndSlowClientsDoNotBlockOthersAndAreDropped) {
  OperationsServerOptions options;
  options.request_timeout = 300ms;
  StartServer(options);
  Client silent(server_->port());
  ASSERT_TRUE(silent.connected());
  Client partial(server_->port());
  ASSERT_TRUE(partial.Send("GET /heal"));

  // Others are served while those two hang around.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Get("/healthz").code, 200);

  // The server gives up on them: the silent one is closed without a word,
  // the partial one is told it was too slow.
  std::optional<std::string> silent_end = silent.ReadToEnd(Clock::now() + 10s);
  ASSERT_TRUE(silent_end.has_value());
  EXPECT_EQ(*silent_end, "");
  std::optional<std::string> partial_end = partial.ReadToEnd(Clock::now() + 10s);
  ASSERT_TRUE(partial_end.has_value());
  EXPECT_EQ(Parse(*partial_end).code, 408);
}

TEST_F(OperationsServerTest, ClientsBeyondTheLimitWaitForAFreeSlot) {
  OperationsServerOptions options;
  options.max_connections = 2;
  options.request_timeout = 300ms;
  StartServer(options);
  Client first(server_->port());
  Client second(server_->port());
  ASSERT_TRUE(first.connected() && second.connected());
  // The third is accepted once a held connection times out, and served.
  EXPECT_EQ(Get("/healthz").code, 200);
  EXPECT_TRUE(first.ReadToEnd().has_value());
  EXPECT_TRUE(second.ReadToEnd().has_value());
}

TEST_F(OperationsServerTest, AFreedSlotIsReusedAtOnce) {
  OperationsServerOptions options;
  options.max_connections = 1;
  StartServer(options);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Get("/healthz").code, 200);
}

TEST_F(OperationsServerTest, WithoutRegistriesHealthzIsOkAndMetricsIs404) {
  Result<std::unique_ptr<OperationsServer>> server = OperationsServer::Start({}, nullptr, nullptr);
  ASSERT_TRUE(server.ok());
  server_ = std::move(server).value();
  EXPECT_EQ(Get("/healthz").code, 200);
  EXPECT_EQ(Get("/metrics").code, 404);
}

TEST_F(OperationsServerTest, ReportsItsAddressAndStopsCleanly) {
  StartServer();
  EXPECT_EQ(server_->address(), "127.0.0.1:" + std::to_string(server_->port()));
  Client held(server_->port());
  ASSERT_TRUE(held.connected());
  EXPECT_EQ(Get("/healthz").code, 200);
  server_->Stop();
  server_->Stop();  // idempotent
  // The held connection is closed and nobody listens any more.
  EXPECT_TRUE(held.ReadToEnd(Clock::now() + 10s).has_value());
  Client late(server_->port());
  EXPECT_FALSE(late.connected());
}

TEST(OperationsServerStart, RefusesBadAddressesWithAClearError) {
  for (const char* address :
       {"localhost", "127.0.0.1:http", "127.0.0.1:70000", "::1:80", "[::1", "127.0.0.1:"}) {
    Result<std::unique_ptr<OperationsServer>> server =
        OperationsServer::Start({.listen_address = address}, nullptr, nullptr);
    ASSERT_FALSE(server.ok()) << address;
    EXPECT_TRUE(server.status().IsInvalidArgument()) << address << ": " << server.status().ToString();
    EXPECT_NE(server.status().message().find(address), std::string::npos) << server.status().message();
  }
}

TEST(OperationsServerStart, ReportsAPortInUse) {
  auto first = OperationsServer::Start({}, nullptr, nullptr);
  ASSERT_TRUE(first.ok());
  std::string taken = "127.0.0.1:" + std::to_string(first.value()->port());
  auto second = OperationsServer::Start({.listen_address = taken}, nullptr, nullptr);
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(second.status().IsIoError()) << second.status().ToString();
  EXPECT_NE(second.status().message().find(taken), std::string::npos);
}

}  // namespace
}  // namespace loom::ops
