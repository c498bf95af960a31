// loom-orderer's log under hostile input: envelopes whose ChannelHeader has
// a channel_id that is not UTF-8 make libprotobuf log an ERROR per parse.
// Those lines must reach the node's own log (its prefix, not libprotobuf's
// raw "[libprotobuf ERROR ...]" lines), at most 5 a second, with the rest
// counted in "suppressed K similar messages" lines — and the orderer keeps
// serving.
#include <gtest/gtest.h>

#include <optional>
#include <sstream>

#include <grpcpp/grpcpp.h>

#include "core/protocol/envelope.h"
#include "core/util/file_util.h"
#include "tests/integration/orderer/orderer_client.h"
#include "tests/integration/orderer/orderer_process.h"
#include "tests/support/orderer_network.h"

namespace loom::testing {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr char kChannel[] = "mychannel";
constexpr size_t kHostileEnvelopes = 300;
constexpr int kLinesPerSecond = 5;  // ProtobufLogRouting's default in loom-orderer

// A common.Envelope whose ChannelHeader is hand-encoded (the C++ encoder
// would complain in this process too): type ENDORSER_TRANSACTION and a
// channel_id of bytes that are not UTF-8.
std::string EnvelopeWithNonUtf8ChannelId(size_t i) {
  std::string channel_id = "\xff\xfe\xfd-" + std::to_string(i);
  std::string channel_header = std::string("\x08\x03", 2) + "\x22" + static_cast<char>(channel_id.size()) +
                               channel_id;  // field 1 varint 3; field 4 length-delimited
  common::Payload payload;
  payload.mutable_header()->set_channel_header(channel_header);
  payload.mutable_header()->set_signature_header("signature header");
  payload.set_data("data");
  common::Envelope envelope;
  envelope.set_payload(payload.SerializeAsString());
  envelope.set_signature("signature");
  return envelope.SerializeAsString();
}

TEST(OrdererLogTest, ProtobufErrorsGoToTheNodeLogRateLimited) {
  ScratchDir scratch("loom_orderer_log");
  ChannelBatchSettings batch;
  batch.batch_timeout = "200ms";
  auto network = OrdererNetwork::Create(scratch.Path("net"), batch);
  ASSERT_TRUE(network.ok()) << network.status().ToString();
  std::string config =
      "name: orderer.example.com\nlisten_address: 127.0.0.1:0\nmsp: {dir: " + (*network)->OrdererMspDir() +
      ", id: OrdererMSP}\ndata_dir: data\n";
  std::string config_file = scratch.Path("orderer.yaml");
  ASSERT_TRUE(WriteFileAtomically(config_file, config).ok());
  auto process =
      OrdererProcess::Start(LOOM_ORDERER_BIN, config_file, {(*network)->genesis_file()},
                            scratch.Path("orderer.log"), SteadyClock::now() + std::chrono::seconds(20));
  ASSERT_TRUE(process.ok()) << process.status().ToString();
  auto channel = ConnectInsecure((*process)->address());

  std::vector<std::string> hostile;
  for (size_t i = 0; i < kHostileEnvelopes; ++i) hostile.push_back(EnvelopeWithNonUtf8ChannelId(i));
  auto begin = SteadyClock::now();
  BroadcastResult refused = BroadcastAll(channel, hostile, SecondsFromNow(30));
  ASSERT_EQ(refused.responses.size(), kHostileEnvelopes);
  for (const auto& response : refused.responses) EXPECT_EQ(response.status(), common::BAD_REQUEST);

  // Still serving everybody else.
  auto client = (*network)->UserSigner("Org1", "User1").value();
  auto endorser = (*network)->PeerSigner("Org1").value();
  auto good = MakeEndorserTransaction(*client, *endorser, kChannel, "after-hostile");
  ASSERT_TRUE(good.ok());
  BroadcastResult accepted = BroadcastAll(channel, {good->envelope}, SecondsFromNow(20));
  ASSERT_EQ(accepted.responses.size(), 1u);
  EXPECT_EQ(accepted.responses[0].status(), common::SUCCESS) << accepted.responses[0].info();

  // Stopping reports what was suppressed last.
  EXPECT_EQ((*process)->Terminate(SteadyClock::now() + std::chrono::seconds(10)), 0);
  double elapsed = std::chrono::duration<double>(SteadyClock::now() - begin).count();
  std::string log = (*process)->Log();

  const std::string prefix = "loom-orderer orderer.example.com: ";
  // "<prefix>libprotobuf: suppressed K similar message(s)" -> K, else nullopt.
  // (Parsed by hand: GCC 12 warns inside std::regex under the sanitizers.)
  const std::string suppressed_start = prefix + "libprotobuf: suppressed ";
  auto suppressed_count = [&](const std::string& line) -> std::optional<uint64_t> {
    if (line.rfind(suppressed_start, 0) != 0) return std::nullopt;
    size_t digits_end = line.find_first_not_of("0123456789", suppressed_start.size());
    if (digits_end == suppressed_start.size() || digits_end == std::string::npos) return std::nullopt;
    std::string rest = line.substr(digits_end);
    if (rest != " similar messages" && rest != " similar message") return std::nullopt;
    return std::stoull(line.substr(suppressed_start.size(), digits_end - suppressed_start.size()));
  };
  size_t routed = 0;
  uint64_t suppressed = 0;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_EQ(line.find("[libprotobuf"), std::string::npos) << "a raw libprotobuf line: " << line;
    if (auto count = suppressed_count(line)) {
      suppressed += *count;
    } else if (line.find("invalid UTF-8") != std::string::npos) {
      EXPECT_EQ(line.rfind(prefix + "libprotobuf ERROR ", 0), 0u) << line;
      ++routed;
    }
  }
  EXPECT_GE(routed, 1u) << log;
  // Fixed one-second windows: at most kLinesPerSecond lines in each window
  // that began during the run.
  EXPECT_LE(routed, static_cast<size_t>(kLinesPerSecond * (elapsed + 1))) << "elapsed " << elapsed << " s\n"
                                                                          << log.substr(0, 4000);
  // Every hostile envelope produced at least one libprotobuf line; each was
  // either written or counted.
  EXPECT_GE(routed + suppressed, kHostileEnvelopes) << log.substr(0, 4000);
}

}  // namespace
}  // namespace loom::testing
