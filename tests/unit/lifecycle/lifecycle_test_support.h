// Shared by the lifecycle tests: the test network (Org1 and Org2 in
// "mychannel", Org3 outside; tests/support/orderer_network.h), a KvLedger
// committed block by block, and running `_lifecycle` functions through a
// TxSimulator whose read-write set becomes a real endorser transaction.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/channelconfig/config_reader.h"
#include "core/ledger/kv_ledger.h"
#include "core/ledger/tx_simulator.h"
#include "core/lifecycle/lifecycle_chaincode.h"
#include "core/protocol/block.h"
#include "core/protocol/block_header.h"
#include "ledger/rwset/rwset.pb.h"
#include "peer/lifecycle/lifecycle.pb.h"
#include "tests/support/endorser_transaction.h"
#include "tests/support/orderer_network.h"
#include "tests/support/temp_dir.h"

namespace loom::lifecycle::testing {

inline constexpr char kChannel[] = "mychannel";

// Crypto and the channel config, made once per test binary.
struct Network {
  loom::testing::TempDir dir{"lifecycle-net"};
  std::unique_ptr<loom::testing::OrdererNetwork> network;
  std::shared_ptr<const channelconfig::ChannelConfig> config;
  std::shared_ptr<protocol::Signer> org1_user, org1_peer, org2_peer, org3_peer;

  Network() {
    network = loom::testing::OrdererNetwork::Create(dir.path().string()).value();
    config = std::make_shared<const channelconfig::ChannelConfig>(
        channelconfig::ReadChannelConfig(network->genesis()).value());
    org1_user = network->UserSigner("Org1", "User1").value();
    org1_peer = network->PeerSigner("Org1").value();
    org2_peer = network->PeerSigner("Org2").value();
    org3_peer = network->PeerSigner("Org3").value();
  }
};

inline Network& Net() {
  static Network* network = new Network();
  return *network;
}

// A TxRwSet (the transaction builder's input) from a simulator's marshalled
// TxReadWriteSet: point reads and writes (range infos do not matter to
// commit).
inline loom::testing::TxRwSet ToTxRwSet(const std::string& rwset_bytes) {
  loom::testing::TxRwSet out;
  rwset::TxReadWriteSet set;
  EXPECT_TRUE(set.ParseFromString(rwset_bytes));
  for (const rwset::NsReadWriteSet& ns : set.ns_rwset()) {
    kvrwset::KVRWSet kv;
    EXPECT_TRUE(kv.ParseFromString(ns.rwset()));
    for (const kvrwset::KVRead& read : kv.reads()) {
      std::optional<loom::testing::TxReadVersion> version;
      if (read.has_version())
        version = loom::testing::TxReadVersion{read.version().block_num(), read.version().tx_num()};
      out.reads.push_back({ns.namespace_(), read.key(), version});
    }
    for (const kvrwset::KVWrite& write : kv.writes())
      out.writes.push_back({ns.namespace_(), write.key(), write.value(), write.is_delete()});
  }
  return out;
}

// A ledger in a temp folder, committed block by block.
class TestLedger {
 public:
  TestLedger() : ledger_(ledger::KvLedger::Open(dir_.File("ledger")).value()) {}

  ledger::KvLedger& ledger() { return *ledger_; }
  ledger::StateSnapshot Snapshot() const { return ledger_->state().NewSnapshot(); }

  // Commits one block of `envelopes` with `codes` (all VALID when empty).
  void CommitBlock(const std::vector<std::string>& envelopes, std::vector<uint8_t> codes = {}) {
    if (codes.empty()) codes.assign(envelopes.size(), protos::VALID);
    common::Block block = protocol::NewBlock(ledger_->Height(), last_hash_, envelopes);
    Status status = ledger_->Commit(block, codes);
    ASSERT_TRUE(status.ok()) << status.ToString();
    last_hash_ = protocol::BlockHeaderHash(block.header());
  }

 private:
  loom::testing::TempDir dir_{"lifecycle-ledger"};
  std::unique_ptr<ledger::KvLedger> ledger_;
  std::string last_hash_;
};

// What one `_lifecycle` call produced.
struct CallOutcome {
  Result<chaincode::InvocationResult> result = Status::Internal("not run");
  std::string rwset;  // the simulator's marshalled TxReadWriteSet

  int32_t status() const { return result.ok() ? result->response.status() : -1; }
  std::string message() const {
    return result.ok() ? result->response.message() : result.status().ToString();
  }
};

// Runs `function(args)` on `lifecycle` against the ledger's current state.
inline CallOutcome Call(LifecycleChaincode& lifecycle, TestLedger& ledger, const std::string& function,
                        const std::string& args, const std::string& channel = kChannel) {
  auto simulator = ledger::TxSimulator::Start("tx-" + function, ledger.ledger());
  chaincode::Invocation invocation;
  invocation.channel_id = channel;
  invocation.tx_id = "tx-" + function;
  invocation.chaincode_name = "_lifecycle";
  invocation.input.add_args(function);
  invocation.input.add_args(args);
  invocation.simulator = channel.empty() ? nullptr : simulator.get();
  CallOutcome outcome;
  outcome.result = lifecycle.Execute(invocation);
  outcome.rwset = simulator->Finish().value();
  return outcome;
}

// An endorser transaction carrying `outcome`'s rwset, endorsed by `endorsers`.
inline std::string LifecycleTx(const CallOutcome& outcome, std::vector<const protocol::Signer*> endorsers) {
  loom::testing::SignedTransaction tx =
      loom::testing::MakeEndorserTransactionWithRwSet(*Net().org1_user, *endorsers.front(), kChannel,
                                                      "_lifecycle", ToTxRwSet(outcome.rwset))
          .value();
  endorsers.erase(endorsers.begin());
  if (endorsers.empty()) return tx.envelope;
  return loom::testing::AddEndorsements(tx, *Net().org1_user, endorsers).value().envelope;
}

inline LifecycleChaincodeOptions ChannelOptions(PackageStore* packages = nullptr) {
  LifecycleChaincodeOptions options;
  options.packages = packages;
  options.channel_config =
      [](const std::string& channel) -> Result<std::shared_ptr<const channelconfig::ChannelConfig>> {
    if (channel != kChannel) return Status::NotFound("no channel " + channel);
    return Net().config;
  };
  return options;
}

inline ::lifecycle::CommitChaincodeDefinitionArgs CommitArgs(const std::string& name, int64_t sequence,
                                                             const std::string& version = "1.0") {
  ::lifecycle::CommitChaincodeDefinitionArgs args;
  args.set_name(name);
  args.set_sequence(sequence);
  args.set_version(version);
  return args;
}

}  // namespace loom::lifecycle::testing
