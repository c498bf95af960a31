// Committer throughput of the peer (issue 4, "Performance"): blocks of
// ENDORSER_TRANSACTIONs, each signed by its client and endorsed by two peers
// (Org1 and Org2, policy AND of both), are built first; then
//   validate-only      ValidateBlock (parallel phase on N threads + MVCC)
//                      of every block against the same committed state;
//   validate + commit  the same blocks validated and committed in order to
//                      a KvLedger (block append + fsync, one LevelDB batch);
// next to the machine's ECDSA P-256 verify rate on 1 and 2 threads measured
// in the same run. Every transaction costs three signature verifications
// (creator + two endorsements), so the 2-core ceiling is verify/s(2) / 3
// tx/s; the bench prints throughput as a ratio of it (target >= 0.85).
//
//   committer_throughput_bench [--blocks=N] [--txs=N] [--threads=N]
//
// Exit status 1 when a transaction is not VALID (the bench would measure
// the wrong path) or a step fails.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/channelconfig/config_reader.h"
#include "core/channelconfig/policy_manager.h"
#include "core/crypto/ecdsa.h"
#include "core/ledger/kv_ledger.h"
#include "core/policy/signature_policy_parser.h"
#include "core/protocol/block.h"
#include "core/protocol/block_header.h"
#include "core/protocol/serialized_identity.h"
#include "core/validator/block_validator.h"
#include "core/validator/committed_tx_ids.h"
#include "tests/support/endorser_transaction.h"
#include "tests/support/orderer_network.h"
#include "tests/support/temp_dir.h"
#include "tests/support/verify_ceiling.h"

namespace loom::testing {
namespace {

using Clock = std::chrono::steady_clock;
constexpr char kChannel[] = "mychannel";

struct Options {
  int blocks = 20;
  int txs_per_block = 200;
  int threads = 2;
};

bool ParseInt(const char* arg, const char* name, int* out) {
  size_t length = std::strlen(name);
  if (std::strncmp(arg, name, length) != 0) return false;
  *out = std::atoi(arg + length);
  return true;
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

int Fail(const std::string& what) {
  std::fprintf(stderr, "committer_throughput_bench: %s\n", what.c_str());
  return 1;
}

int Run(const Options& options) {
  TempDir dir("committer-bench");
  auto network = OrdererNetwork::Create((dir.path() / "net").string());
  if (!network.ok()) return Fail(network.status().ToString());
  auto config = channelconfig::ReadChannelConfig((*network)->genesis());
  if (!config.ok()) return Fail(config.status().ToString());
  auto policies = channelconfig::PolicyManager::Create(*config);
  if (!policies.ok()) return Fail(policies.status().ToString());
  auto client = (*network)->UserSigner("Org1", "User1");
  auto org1_peer = (*network)->PeerSigner("Org1");
  auto org2_peer = (*network)->PeerSigner("Org2");
  if (!client.ok() || !org1_peer.ok() || !org2_peer.ok()) return Fail("cannot load the network's signers");

  // Blocks 1..N on top of the genesis block; every transaction writes its
  // own key, so all are VALID and the MVCC phase runs its full path.
  std::printf("building %d blocks x %d transactions (2 endorsements each)...\n", options.blocks,
              options.txs_per_block);
  std::vector<common::Block> blocks;
  std::string previous_hash = protocol::BlockHeaderHash((*network)->genesis().header());
  for (int b = 0; b < options.blocks; ++b) {
    std::vector<std::string> envelopes;
    for (int t = 0; t < options.txs_per_block; ++t) {
      std::string key = "key-" + std::to_string(b) + "-" + std::to_string(t);
      auto tx = MakeEndorserTransactionWithRwSet(
          **client, **org1_peer, kChannel, "assets",
          TxRwSet{
              {TxRead{"assets", key, std::nullopt}}, {}, {TxWrite{"assets", key, std::string(100, 'v')}}});
      if (!tx.ok()) return Fail(tx.status().ToString());
      auto endorsed = AddEndorsements(*tx, **client, {org2_peer->get()});
      if (!endorsed.ok()) return Fail(endorsed.status().ToString());
      envelopes.push_back(endorsed->envelope);
    }
    blocks.push_back(protocol::NewBlock(b + 1, previous_hash, std::move(envelopes)));
    previous_hash = protocol::BlockHeaderHash(blocks.back().header());
  }
  const double total_txs = static_cast<double>(options.blocks) * options.txs_per_block;

  auto ledger = ledger::KvLedger::Open((dir.path() / "ledger").string());
  if (!ledger.ok()) return Fail(ledger.status().ToString());
  std::vector<uint8_t> genesis_codes(1, protos::VALID);
  if (Status s = (*ledger)->Commit((*network)->genesis(), genesis_codes); !s.ok()) return Fail(s.ToString());

  validator::TxValidatorConfig validator_config;
  validator_config.channel_id = kChannel;
  validator_config.msps = &(*policies)->msps();
  validator_config.endorsement_policy = [](const std::string&) {
    return policy::ParseSignaturePolicy("AND('Org1MSP.peer', 'Org2MSP.peer')");
  };
  validator_config.tx_id_committed = validator::CommittedTxIdsOf((*ledger)->block_store());
  validator::TxValidator validator(validator_config);

  // The verify ceiling, over a real transaction's payload and signature.
  common::Envelope sample;
  sample.ParseFromString(blocks[0].data().data(0));
  auto creator = protocol::ParseIdentity((*client)->serialized_identity());
  if (!creator.ok()) return Fail(creator.status().ToString());
  crypto::PublicKey key = creator->certificate.public_key();
  double verify_1 = VerifyRate(key, sample.payload(), sample.signature(), 1, 1.0);
  double verify_2 = VerifyRate(key, sample.payload(), sample.signature(), 2, 1.0);

  // Validate only: every block against the genesis state.
  Clock::time_point start = Clock::now();
  for (const common::Block& block : blocks) {
    auto result =
        validator::ValidateBlock(block, (*ledger)->state().NewSnapshot(), validator, options.threads);
    if (!result.ok()) return Fail(result.status().ToString());
    for (const validator::TxFinalResult& tx : result->txs) {
      if (tx.code != protos::VALID) return Fail("a transaction is not VALID: " + tx.explanation);
    }
  }
  double validate_seconds = SecondsSince(start);

  // Validate and commit, in order.
  start = Clock::now();
  for (const common::Block& block : blocks) {
    auto result =
        validator::ValidateBlock(block, (*ledger)->state().NewSnapshot(), validator, options.threads);
    if (!result.ok()) return Fail(result.status().ToString());
    if (Status s = (*ledger)->Commit(block, result->codes); !s.ok()) return Fail(s.ToString());
  }
  double commit_seconds = SecondsSince(start);

  double ceiling_2 = verify_2 / 3.0;
  double validate_rate = total_txs / validate_seconds;
  double commit_rate = total_txs / commit_seconds;
  std::printf("\ncommitter throughput (%d blocks x %d txs, %d validation threads)\n", options.blocks,
              options.txs_per_block, options.threads);
  std::printf("  %-44s %12.0f\n", "ECDSA P-256 verify/s, 1 thread", verify_1);
  std::printf("  %-44s %12.0f\n", "ECDSA P-256 verify/s, 2 threads", verify_2);
  std::printf("  %-44s %12.0f\n", "ceiling tx/s (2-thread verify / 3 per tx)", ceiling_2);
  std::printf("  %-44s %12.0f   ratio to ceiling %.2f\n", "validate-only tx/s", validate_rate,
              validate_rate / ceiling_2);
  std::printf("  %-44s %12.0f   ratio to ceiling %.2f\n", "validate + commit tx/s", commit_rate,
              commit_rate / ceiling_2);
  return 0;
}

}  // namespace
}  // namespace loom::testing

int main(int argc, char** argv) {
  loom::testing::Options options;
  for (int i = 1; i < argc; ++i) {
    if (!loom::testing::ParseInt(argv[i], "--blocks=", &options.blocks) &&
        !loom::testing::ParseInt(argv[i], "--txs=", &options.txs_per_block) &&
        !loom::testing::ParseInt(argv[i], "--threads=", &options.threads)) {
      std::fprintf(stderr, "usage: %s [--blocks=N] [--txs=N] [--threads=N]\n", argv[0]);
      return 2;
    }
  }
  if (options.blocks < 1 || options.txs_per_block < 1 || options.threads < 1) {
    std::fprintf(stderr, "--blocks, --txs and --threads must be at least 1\n");
    return 2;
  }
  return loom::testing::Run(options);
}
