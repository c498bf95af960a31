#include "core/raft/wire.h"

#include <gtest/gtest.h>

#include <string>

namespace loom::raft {
namespace {

// Feeds `bytes` to a reader `step` bytes at a time, honouring bytes_wanted().
Status FeedPreamble(PreambleReader* reader, const std::string& bytes, size_t step, size_t* used) {
  size_t offset = 0;
  while (!reader->complete() && offset < bytes.size()) {
    size_t n = std::min({step, reader->bytes_wanted(), bytes.size() - offset});
    std::copy_n(bytes.data() + offset, n, reader->write_position());
    offset += n;
    LOOM_RETURN_IF_ERROR(reader->Consume(n));
  }
  *used = offset;
  return Status::Ok();
}

TEST(PreambleTest, RoundTripsAndNeverReadsPastTheEnd) {
  Preamble in{StreamKind::kForward, "mychannel", 0x0102030405060708ull, "orderer0.example.com:7050"};
  auto encoded = EncodePreamble(in);
  ASSERT_TRUE(encoded.ok()) << encoded.status().ToString();
  std::string stream = *encoded + "LIBRAFT BYTES";
  for (size_t step : {1u, 3u, 1000u}) {
    PreambleReader reader;
    size_t used = 0;
    ASSERT_TRUE(FeedPreamble(&reader, stream, step, &used).ok());
    ASSERT_TRUE(reader.complete());
    EXPECT_EQ(used, encoded->size()) << "step " << step;
    EXPECT_EQ(reader.bytes_wanted(), 0u);
    EXPECT_EQ(reader.preamble().kind, StreamKind::kForward);
    EXPECT_EQ(reader.preamble().channel, "mychannel");
    EXPECT_EQ(reader.preamble().raft_id, 0x0102030405060708ull);
    EXPECT_EQ(reader.preamble().address, "orderer0.example.com:7050");
  }
}

TEST(PreambleTest, EncodeRejectsBadFields) {
  EXPECT_TRUE(EncodePreamble({StreamKind::kRaft, "", 1, "a:1"}).status().IsInvalidArgument());
  EXPECT_TRUE(
      EncodePreamble({StreamKind::kRaft, std::string(256, 'c'), 1, "a:1"}).status().IsInvalidArgument());
  EXPECT_TRUE(EncodePreamble({StreamKind::kRaft, "ch", 1, ""}).status().IsInvalidArgument());
  EXPECT_TRUE(EncodePreamble({StreamKind::kRaft, "bad channel", 1, "a:1"}).status().IsInvalidArgument());
  EXPECT_TRUE(EncodePreamble({StreamKind::kRaft, std::string(255, 'c'), 1, std::string(255, 'a')}).ok());
}

Status ParseAll(const std::string& bytes) {
  PreambleReader reader;
  size_t used = 0;
  LOOM_RETURN_IF_ERROR(FeedPreamble(&reader, bytes, 1000, &used));
  if (!reader.complete()) return Status::Unavailable("incomplete");
  return Status::Ok();
}

TEST(PreambleTest, ReaderRejectsMalformedInput) {
  std::string good = *EncodePreamble({StreamKind::kRaft, "ch", 7, "h:1"});
  EXPECT_TRUE(ParseAll(good).ok());
  std::string bad_magic = good;
  bad_magic[0] = 'X';
  EXPECT_NE(ParseAll(bad_magic).message().find("magic"), std::string::npos);
  std::string bad_kind = good;
  bad_kind[7] = 'Z';
  EXPECT_NE(ParseAll(bad_kind).message().find("kind"), std::string::npos);
  std::string empty_channel = good.substr(0, 8) + std::string(1, '\0');
  EXPECT_TRUE(ParseAll(empty_channel).IsInvalidArgument());
  std::string unprintable = good;
  unprintable[9] = '\n';
  EXPECT_TRUE(ParseAll(unprintable).IsInvalidArgument());
  std::string empty_address = good.substr(0, 9 + 2 + 8) + std::string(1, '\0');
  EXPECT_TRUE(ParseAll(empty_address).IsInvalidArgument());
  EXPECT_EQ(ParseAll(good.substr(0, good.size() - 1)).code(), Status::Code::kUnavailable);  // incomplete
  EXPECT_EQ(ParseAll("GET / HTTP/1.1\r\n\r\n").code(), Status::Code::kInvalidArgument);
}

TEST(FrameTest, SplitsConcatenatedAndPartialFrames) {
  std::string stream = EncodeForwardRequest(1, "first") + EncodeForwardRequest(2, "") +
                       EncodeForwardRequest(3, std::string(1000, 'x'));
  for (size_t step : {1u, 7u, 4096u}) {
    FrameReader reader(kForwardRequestHeaderBytes, 1 << 20);
    std::vector<ForwardRequest> got;
    for (size_t offset = 0; offset < stream.size(); offset += step) {
      std::string chunk = stream.substr(offset, step);
      reader.Append(chunk.data(), chunk.size());
      std::string body;
      while (true) {
        auto next = reader.Next(&body);
        ASSERT_TRUE(next.ok());
        if (!*next) break;
        got.push_back(DecodeForwardRequest(body));
      }
    }
    ASSERT_EQ(got.size(), 3u) << "step " << step;
    EXPECT_EQ(got[0].sequence, 1u);
    EXPECT_EQ(got[0].payload, "first");
    EXPECT_EQ(got[1].sequence, 2u);
    EXPECT_EQ(got[1].payload, "");
    EXPECT_EQ(got[2].payload, std::string(1000, 'x'));
    EXPECT_EQ(reader.buffered_bytes(), 0u);
  }
}

TEST(FrameTest, RejectsOutOfBoundLengths) {
  FrameReader reader(kForwardRequestHeaderBytes, 100);
  std::string big = EncodeForwardRequest(1, std::string(93, 'x'));  // body 101 bytes
  reader.Append(big.data(), 4);                                     // the length alone is enough to refuse
  std::string body;
  EXPECT_TRUE(reader.Next(&body).status().IsInvalidArgument());

  FrameReader short_reader(kForwardRequestHeaderBytes, 100);
  std::string tiny("\0\0\0\3abc", 7);
  short_reader.Append(tiny.data(), tiny.size());
  EXPECT_TRUE(short_reader.Next(&body).status().IsInvalidArgument());
}

TEST(FrameTest, ResponsesCarryStatusCodeAndMessage) {
  for (Status status : {Status::Ok(), Status::PermissionDenied("no: policy"), Status::Unavailable("later")}) {
    std::string frame = EncodeForwardResponse(42, status);
    auto decoded = DecodeForwardResponse(std::string_view(frame).substr(4));
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded->sequence, 42u);
    EXPECT_EQ(decoded->status.code(), status.code());
    EXPECT_EQ(decoded->status.message(), status.message());
  }
  std::string frame = EncodeForwardResponse(1, Status::Ok());
  frame[4 + 8] = 99;
  EXPECT_TRUE(DecodeForwardResponse(std::string_view(frame).substr(4)).status().IsInvalidArgument());
}

}  // namespace
}  // namespace loom::raft
