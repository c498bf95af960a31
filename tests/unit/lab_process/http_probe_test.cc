// HttpGet, WaitHealthy, the response parser and free ports (process.h),
// against an in-process server (tiny_http_server.h).
#include <sys/socket.h>

#include <gtest/gtest.h>

#include "app/lab/http_wire.h"
#include "app/lab/process.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/lab_process/tiny_http_server.h"

namespace loom::lab {
namespace {

using Clock = std::chrono::steady_clock;
using probe_testing::TinyHttpServer;
using State = HttpResponseParse::State;
constexpr auto kPatience = std::chrono::seconds(10);
constexpr auto kGenerous = std::chrono::milliseconds(5000);

TEST(HttpGet, ReadsStatusAndBodyAndSendsAProperRequest) {
  TinyHttpServer server(
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 16\r\n\r\n{\"status\":\"OK\"}\n",
      TinyHttpServer::AfterAnswer::kClose);
  Result<HttpResponse> answer = HttpGet(server.address(), "/healthz", kGenerous);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(answer->body, "{\"status\":\"OK\"}\n");
  ASSERT_EQ(server.requests().size(), 1u);
  const std::string request = server.requests()[0];
  EXPECT_EQ(request.rfind("GET /healthz HTTP/1.1\r\n", 0), 0u) << request;
  EXPECT_NE(request.find("\r\nHost: " + server.address() + "\r\n"), std::string::npos) << request;
  EXPECT_NE(request.find("\r\nConnection: close\r\n"), std::string::npos) << request;
}

TEST(HttpGet, A503IsAnAnswerNotAnError) {
  TinyHttpServer server("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 8\r\n\r\nstarting",
                        TinyHttpServer::AfterAnswer::kClose);
  Result<HttpResponse> answer = HttpGet(server.address(), "/healthz", kGenerous);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(answer->status, 503);
  EXPECT_EQ(answer->body, "starting");
}

TEST(HttpGet, DoesNotWaitForEofWhenContentLengthSaysTheBodyIsComplete) {
  TinyHttpServer server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
                        TinyHttpServer::AfterAnswer::kHoldOpen);
  Result<HttpResponse> answer = HttpGet(server.address(), "/", kGenerous);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(answer->body, "ok");
}

TEST(HttpGet, CloseDelimitedAndChunkedBodies) {
  {
    TinyHttpServer server("HTTP/1.0 200 OK\r\n\r\nuntil the end", TinyHttpServer::AfterAnswer::kClose);
    Result<HttpResponse> answer = HttpGet(server.address(), "/", kGenerous);
    ASSERT_TRUE(answer.ok()) << answer.status().ToString();
    EXPECT_EQ(answer->body, "until the end");
  }
  {
    TinyHttpServer server(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n3;x=y\r\nefg\r\n0\r\n\r\n",
        TinyHttpServer::AfterAnswer::kHoldOpen);
    Result<HttpResponse> answer = HttpGet(server.address(), "/", kGenerous);
    ASSERT_TRUE(answer.ok()) << answer.status().ToString();
    EXPECT_EQ(answer->body, "abcdefg");
  }
}

TEST(HttpGet, GarbageIsUnavailableNamingTheAddress) {
  TinyHttpServer server("SSH-2.0-OpenSSH_9.2\r\n", TinyHttpServer::AfterAnswer::kHoldOpen);
  Result<HttpResponse> answer = HttpGet(server.address(), "/healthz", kGenerous);
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().code(), Status::Code::kUnavailable) << answer.status().ToString();
  EXPECT_NE(answer.status().message().find(server.address()), std::string::npos);
}

TEST(HttpGet, ClosedWithoutAnAnswerIsUnavailable) {
  TinyHttpServer server("", TinyHttpServer::AfterAnswer::kClose);
  Result<HttpResponse> answer = HttpGet(server.address(), "/healthz", kGenerous);
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().code(), Status::Code::kUnavailable) << answer.status().ToString();
  EXPECT_NE(answer.status().message().find("without an answer"), std::string::npos);
}

TEST(HttpGet, ATruncatedBodyIsUnavailable) {
  TinyHttpServer server("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort",
                        TinyHttpServer::AfterAnswer::kClose);
  Result<HttpResponse> answer = HttpGet(server.address(), "/", kGenerous);
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().code(), Status::Code::kUnavailable);
}

TEST(HttpGet, ASilentServerTimesOut) {
  TinyHttpServer server("", TinyHttpServer::AfterAnswer::kHoldOpen);
  const auto started = Clock::now();
  Result<HttpResponse> answer = HttpGet(server.address(), "/healthz", std::chrono::milliseconds(150));
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().code(), Status::Code::kDeadlineExceeded) << answer.status().ToString();
  EXPECT_GE(Clock::now() - started, std::chrono::milliseconds(150));
  EXPECT_LT(Clock::now() - started, kPatience);
}

TEST(HttpGet, NobodyListeningIsUnavailable) {
  Result<uint16_t> port = PickFreePort();
  ASSERT_TRUE(port.ok());
  const std::string address = "127.0.0.1:" + std::to_string(*port);
  Result<HttpResponse> answer = HttpGet(address, "/healthz", kGenerous);
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().code(), Status::Code::kUnavailable) << answer.status().ToString();
  EXPECT_NE(answer.status().message().find(address), std::string::npos);
}

TEST(HttpGet, AnAddressWithoutPortIsInvalid) {
  EXPECT_TRUE(HttpGet("localhost", "/", kGenerous).status().IsInvalidArgument());
}

TEST(HttpGet, AnOversizedAnswerIsRefused) {
  std::string huge = "HTTP/1.1 200 OK\r\n\r\n";
  huge.append(kMaxHttpResponseBytes + 1024, 'x');
  TinyHttpServer server(huge, TinyHttpServer::AfterAnswer::kClose);
  Result<HttpResponse> answer = HttpGet(server.address(), "/", kGenerous);
  ASSERT_FALSE(answer.ok());
  EXPECT_NE(answer.status().message().find("larger than"), std::string::npos) << answer.status().ToString();
}

TEST(ParseHttpResponse, States) {
  EXPECT_EQ(ParseHttpResponse("", false).state, State::kIncomplete);
  EXPECT_EQ(ParseHttpResponse("HTT", false).state, State::kIncomplete);
  EXPECT_EQ(ParseHttpResponse("HTTX", false).state, State::kBad);
  EXPECT_EQ(ParseHttpResponse("HTTP/1.1 200 OK\r\n", false).state, State::kIncomplete);
  EXPECT_EQ(ParseHttpResponse("HTTP/1.1 200 OK\r\n", true).state, State::kBad);
  EXPECT_EQ(ParseHttpResponse("HTTP/1.1 2x0 OK\r\n\r\n", true).state, State::kBad);
  EXPECT_EQ(ParseHttpResponse("HTTP/1.1 200OK\r\n\r\n", true).state, State::kBad);
  EXPECT_EQ(ParseHttpResponse("HTTP/1.1 200 OK\r\nno colon\r\n\r\n", true).state, State::kBad);
  EXPECT_EQ(ParseHttpResponse("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", true).state, State::kBad);
  EXPECT_EQ(
      ParseHttpResponse("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", true).state,
      State::kBad);
  EXPECT_EQ(ParseHttpResponse("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nab", false).state,
            State::kIncomplete);
  EXPECT_EQ(ParseHttpResponse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", false).state,
            State::kBad);
  const HttpResponseParse no_content = ParseHttpResponse("HTTP/1.1 204 No Content\r\n\r\n", false);
  EXPECT_EQ(no_content.state, State::kComplete);
  EXPECT_EQ(no_content.response.status, 204);
  const HttpResponseParse lower =
      ParseHttpResponse("HTTP/1.1 404 Not Found\r\ncontent-length: 4\r\n\r\nnope", false);
  ASSERT_EQ(lower.state, State::kComplete);
  EXPECT_EQ(lower.response.status, 404);
  EXPECT_EQ(lower.response.body, "nope");
}

TEST(WaitHealthy, ReturnsOnceTheEndpointAnswers200) {
  loom::testing::TempDir dir("lab-health");
  TinyHttpServer server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", TinyHttpServer::AfterAnswer::kClose);
  Result<ProcessRecord> self = RecordOf(::getpid());  // any running process
  ASSERT_TRUE(self.ok());
  const Status healthy = WaitHealthy(server.address(), *self, Clock::now() + kPatience);
  EXPECT_TRUE(healthy.ok()) << healthy.ToString();
}

TEST(WaitHealthy, ReportsTheLastAnswerAtTheDeadline) {
  TinyHttpServer server("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 10\r\n\r\nnot ready!",
                        TinyHttpServer::AfterAnswer::kClose);
  Result<ProcessRecord> self = RecordOf(::getpid());
  ASSERT_TRUE(self.ok());
  const Status healthy = WaitHealthy(server.address(), *self, Clock::now() + std::chrono::milliseconds(200));
  EXPECT_EQ(healthy.code(), Status::Code::kDeadlineExceeded) << healthy.ToString();
  EXPECT_NE(healthy.message().find(server.address()), std::string::npos) << healthy.ToString();
  EXPECT_NE(healthy.message().find("HTTP 503 not ready!"), std::string::npos) << healthy.ToString();
}

TEST(WaitHealthy, AProcessThatDiesIsFailedPreconditionWithItsLogTail) {
  loom::testing::TempDir dir("lab-health");
  const std::string log = dir.File("node.log");
  SpawnOptions options;
  options.argv = {"/bin/sh", "-c", "echo 'fatal: cannot open ledger folder'; exit 3"};
  options.log_file = log;
  Result<ProcessRecord> spawned = SpawnDetached(options);
  ASSERT_TRUE(spawned.ok()) << spawned.status().ToString();
  Result<uint16_t> port = PickFreePort();  // nobody will ever answer here
  ASSERT_TRUE(port.ok());
  const Status healthy =
      WaitHealthy("127.0.0.1:" + std::to_string(*port), *spawned, Clock::now() + kPatience, log);
  EXPECT_EQ(healthy.code(), Status::Code::kFailedPrecondition) << healthy.ToString();
  EXPECT_NE(healthy.message().find("exited during start-up"), std::string::npos) << healthy.ToString();
  EXPECT_NE(healthy.message().find("fatal: cannot open ledger folder"), std::string::npos)
      << healthy.ToString();
}

TEST(FreePort, APickedPortIsFreeAndABoundOneIsNot) {
  Result<uint16_t> port = PickFreePort();
  ASSERT_TRUE(port.ok()) << port.status().ToString();
  EXPECT_GT(*port, 0);
  EXPECT_FALSE(PortInUse(*port));
  TinyHttpServer server("", TinyHttpServer::AfterAnswer::kClose);
  const uint16_t taken =
      static_cast<uint16_t>(std::stoi(server.address().substr(server.address().rfind(':') + 1)));
  EXPECT_TRUE(PortInUse(taken));
}

}  // namespace
}  // namespace loom::lab
