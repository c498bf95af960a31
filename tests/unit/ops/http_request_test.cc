#include "core/ops/http_request.h"

#include <gtest/gtest.h>

namespace loom::ops {
namespace {

using State = HttpParse::State;

TEST(ParseHttpRequestHead, CompleteGetWithHeaders) {
  std::string head = "GET /metrics?name=x HTTP/1.1\r\nHost: localhost:9443\r\nAccept:  text/plain \r\n\r\n";
  HttpParse parse = ParseHttpRequestHead(head + "body bytes", 8192);
  ASSERT_EQ(parse.state, State::kComplete) << parse.error;
  EXPECT_EQ(parse.head_bytes, head.size());
  EXPECT_EQ(parse.request.method, "GET");
  EXPECT_EQ(parse.request.target, "/metrics?name=x");
  EXPECT_EQ(parse.request.path, "/metrics");
  EXPECT_EQ(parse.request.version, "HTTP/1.1");
  ASSERT_EQ(parse.request.headers.size(), 2u);
  EXPECT_EQ(parse.request.headers[0], (std::pair<std::string, std::string>{"Host", "localhost:9443"}));
  EXPECT_EQ(parse.request.headers[1], (std::pair<std::string, std::string>{"Accept", "text/plain"}));
}

TEST(ParseHttpRequestHead, TolerantOfBareLineFeedsAndLeadingEmptyLines) {
  HttpParse parse = ParseHttpRequestHead("\r\n\nGET /healthz HTTP/1.0\nUser-Agent: x\n\n", 8192);
  ASSERT_EQ(parse.state, State::kComplete) << parse.error;
  EXPECT_EQ(parse.request.path, "/healthz");
  EXPECT_EQ(parse.request.version, "HTTP/1.0");
}

TEST(ParseHttpRequestHead, IncompleteUntilTheEmptyLine) {
  for (std::string_view partial :
       {"", "G", "GET", "GET /", "GET /healthz HTTP/1.1", "GET /healthz HTTP/1.1\r\n",
        "GET /healthz HTTP/1.1\r\nHost: a\r\n", "\r\n"}) {
    EXPECT_EQ(ParseHttpRequestHead(partial, 8192).state, State::kIncomplete) << partial;
  }
}

TEST(ParseHttpRequestHead, MalformedRequestsAreBad) {
  const char* cases[] = {
      "\x16\x03\x01\x02\x00",  // a TLS ClientHello: refused before any line ends
      "G\xC9T / HTTP/1.1\r\n\r\n",
      "GET\r\n\r\n",
      "GET /healthz\r\n\r\n",
      "GET healthz HTTP/1.1\r\n\r\n",
      "GET http://host/healthz HTTP/1.1\r\n\r\n",
      "GET /a b HTTP/1.1\r\n\r\n",
      "GET /healthz HTTP/2.0\r\n\r\n",
      "GET /healthz HTTP/1.1 extra\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nNoColon\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nBad Name: x\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nHost: a\x01\r\n\r\n",
      "GET /\x7f HTTP/1.1\r\n\r\n",
  };
  for (const char* request : cases) {
    HttpParse parse = ParseHttpRequestHead(request, 8192);
    EXPECT_EQ(parse.state, State::kBad) << request;
    EXPECT_FALSE(parse.error.empty());
  }
}

TEST(ParseHttpRequestHead, HeadsOverTheLimitAreTooLarge) {
  std::string big = "GET /metrics HTTP/1.1\r\nX-Big: " + std::string(200, 'a') + "\r\n\r\n";
  EXPECT_EQ(ParseHttpRequestHead(big, 100).state, State::kTooLarge);
  EXPECT_EQ(ParseHttpRequestHead(big, big.size()).state, State::kComplete);
  // Still unterminated beyond the limit: no point waiting for more.
  EXPECT_EQ(ParseHttpRequestHead(big.substr(0, 150), 100).state, State::kTooLarge);
  EXPECT_EQ(ParseHttpRequestHead(std::string(101, '\n'), 100).state, State::kTooLarge);
}

}  // namespace
}  // namespace loom::ops
