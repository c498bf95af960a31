#include "core/protocol/txid.h"

#include <gtest/gtest.h>

#include "core/protocol/envelope.h"
#include "test_support.h"

namespace loom::protocol {
namespace {

TEST(TxIdTest, IsHexSha256OfNonceThenCreator) {
  std::string nonce;
  for (int i = 0; i < 24; ++i) nonce.push_back(static_cast<char>(i));
  // python3: hashlib.sha256(bytes(range(24)) + b"creator-bytes").hexdigest()
  EXPECT_EQ(ComputeTxId(nonce, "creator-bytes"),
            "0c430263c6f36dbadd7a3346dd82bf70c8fbc9c66f642799c6ac7b8a1ec70bf9");
}

TEST(TxIdTest, OrderOfNonceAndCreatorMatters) {
  EXPECT_NE(ComputeTxId("ab", "cd"), ComputeTxId("cd", "ab"));
}

TEST(TxIdTest, NoncesAre24FreshBytes) {
  std::string first = NewNonce();
  std::string second = NewNonce();
  EXPECT_EQ(first.size(), kNonceSize);
  EXPECT_EQ(kNonceSize, 24u);
  EXPECT_NE(first, second);
}

TEST(TxIdTest, MatchesEveryTransactionIdInFabricSampleBlocks) {
  LOOM_REQUIRE_FABRIC_BLOCKS();
  int checked = 0;
  for (const common::Block& block : testing::LoadSample("sample_prod")) {
    for (const std::string& data : block.data().data()) {
      auto parsed = ParseEnvelopeBytes(data);
      ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
      if (parsed->channel_header.type() != common::ENDORSER_TRANSACTION) continue;
      EXPECT_EQ(ComputeTxId(parsed->signature_header.nonce(), parsed->signature_header.creator()),
                parsed->channel_header.tx_id());
      ++checked;
    }
  }
  EXPECT_EQ(checked, 7);
}

}  // namespace
}  // namespace loom::protocol
