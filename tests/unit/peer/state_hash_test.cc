// The state hash encoding, byte for byte as peer_channel.h documents it:
// the final updates of VALID transactions only, sorted by namespace and key,
// deletes, the codes; and the chaining.
#include "core/peer/state_hash.h"

#include <gtest/gtest.h>

#include "core/crypto/hash.h"
#include "core/ledger/ledger_db.h"
#include "peer_test_support.h"

namespace loom::peer {
namespace {

using testing::PeerTestNetwork;
using testing::TxRwSet;
using testing::TxWrite;

std::string U32(uint32_t value) {
  std::string out;
  ledger::AppendBigEndian32(&out, value);
  return out;
}
std::string U64(uint64_t value) {
  std::string out;
  ledger::AppendBigEndian64(&out, value);
  return out;
}
std::string Bytes(const std::string& text) {
  return U32(static_cast<uint32_t>(text.size())) + text;
}

class StateHashTest : public ::testing::Test {
 protected:
  loom::testing::TempDir dir_{"state-hash"};
  PeerTestNetwork net_{dir_.File("network")};
};

TEST_F(StateHashTest, EncodesTheFinalValidUpdatesSortedThenTheCodes) {
  auto tx0 = net_.Tx("b", TxRwSet{{}, {}, {TxWrite{"b", "z", "first"}, TxWrite{"b", "y", "2"}}});
  auto tx1 = net_.Tx("a", TxRwSet{{}, {}, {TxWrite{"a", "x", "", true}}});
  auto tx2 = net_.Tx("b", TxRwSet{{}, {}, {TxWrite{"b", "never", "invalid tx"}}});
  auto tx3 = net_.Tx("b", TxRwSet{{}, {}, {TxWrite{"b", "z", "last"}}});
  common::Block block = net_.NextBlock({tx0, tx1, tx2, tx3});
  const std::string codes = {0, 0, static_cast<char>(protos::MVCC_READ_CONFLICT), 0};

  std::string expected = U64(1) + U32(3) +                                           //
                         Bytes("a") + Bytes("x") + std::string(1, 0) +               // delete
                         Bytes("b") + Bytes("y") + std::string(1, 1) + Bytes("2") +  //
                         Bytes("b") + Bytes("z") + std::string(1, 1) + Bytes("last") + U32(4) + codes;
  auto input = StateHashInput(block, codes);
  ASSERT_TRUE(input.ok()) << input.status().ToString();
  EXPECT_EQ(*input, expected);

  std::string previous(32, '\x05');
  auto hash = ComputeStateHash(previous, block, codes);
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(*hash, crypto::Sha256(previous + expected));

  // Another code, another hash, even with the same updates.
  std::string other_codes = codes;
  other_codes[2] = static_cast<char>(protos::ENDORSEMENT_POLICY_FAILURE);
  EXPECT_NE(*ComputeStateHash(previous, block, other_codes), *hash);
  // Another previous hash, another hash.
  EXPECT_NE(*ComputeStateHash(InitialStateHash(), block, codes), *hash);
}

TEST_F(StateHashTest, RefusesAWrongCodeCount) {
  common::Block block = net_.NextBlock({net_.Write("a", "k", "v")});
  auto hash = ComputeStateHash(InitialStateHash(), block, std::string(2, '\0'));
  EXPECT_EQ(hash.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(hash.status().message().find("block 1"), std::string::npos);
}

TEST_F(StateHashTest, KnowsConfigBlocks) {
  EXPECT_TRUE(IsConfigBlock(net_.genesis()));
  EXPECT_FALSE(IsConfigBlock(net_.NextBlock({net_.Write("a", "k", "v")})));
  EXPECT_FALSE(IsConfigBlock(common::Block()));
  EXPECT_EQ(InitialStateHash(), std::string(32, '\0'));
}

}  // namespace
}  // namespace loom::peer
