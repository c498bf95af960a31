// Helpers for the peer committer tests: the test network's crypto and
// genesis (tests/support/orderer_network.h: OrdererOrg, Org1, Org2 in
// "mychannel"), endorsed transactions, blocks signed as an orderer signs
// them, an endorsement policy source that reads overrides from the state,
// and a latch to force pipeline overlaps without sleeping.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "common/common.pb.h"
#include "core/ledger/kv_ledger.h"
#include "core/ledger/state_db.h"
#include "core/peer/peer_channel.h"
#include "core/policy/signature_policy_parser.h"
#include "core/protocol/block.h"
#include "core/protocol/block_header.h"
#include "core/protocol/block_signature.h"
#include "tests/support/endorser_transaction.h"
#include "tests/support/orderer_network.h"
#include "tests/support/temp_dir.h"

namespace loom::peer::testing {

using ::loom::testing::SignedTransaction;
using ::loom::testing::TxRead;
using ::loom::testing::TxReadVersion;
using ::loom::testing::TxRwSet;
using ::loom::testing::TxWrite;

inline constexpr char kChannel[] = "mychannel";
// Namespace and key prefix where PolicyBook finds policy overrides:
// _lifecycle / "policy/<chaincode>" = policy text.
inline constexpr char kPolicyNamespace[] = "_lifecycle";

inline std::chrono::steady_clock::time_point Deadline(int seconds = 30) {
  return std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
}

// One-shot signal with a deadline (no sleeps in tests).
class Latch {
 public:
  void Open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    changed_.notify_all();
  }
  bool Wait(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    return changed_.wait_until(lock, deadline, [&] { return open_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = false;
};

// Endorsement policies by chaincode: a default table, overridden by the
// committed state's _lifecycle/"policy/<chaincode>" (so a block can change
// a policy for the blocks after it). Unknown chaincodes: NotFound. Counts
// calls per chaincode and can run a hook on each call.
class PolicyBook {
 public:
  explicit PolicyBook(std::map<std::string, std::string> defaults) : defaults_(std::move(defaults)) {}

  EndorsementPolicySource Source() {
    return [this](const ledger::StateSnapshot& committed,
                  const std::string& chaincode) -> Result<common::SignaturePolicyEnvelope> {
      std::function<void(const std::string&)> hook;
      bool fail = false;
      {
        std::lock_guard lock(mutex_);
        ++calls_[chaincode];
        hook = on_call_;
        fail = fail_once_.erase(chaincode) > 0;
      }
      if (hook) hook(chaincode);
      if (fail) return Status::Internal("policy lookup of " + chaincode + " failed (injected)");
      LOOM_ASSIGN_OR_RETURN(std::optional<ledger::VersionedValue> override_text,
                            committed.Get(kPolicyNamespace, "policy/" + chaincode));
      if (override_text.has_value()) return policy::ParseSignaturePolicy(override_text->value);
      auto found = defaults_.find(chaincode);
      if (found == defaults_.end()) return Status::NotFound("chaincode " + chaincode + " is not defined");
      return policy::ParseSignaturePolicy(found->second);
    };
  }

  int calls(const std::string& chaincode) const {
    std::lock_guard lock(mutex_);
    auto found = calls_.find(chaincode);
    return found == calls_.end() ? 0 : found->second;
  }
  // The next lookup of `chaincode` fails with Internal.
  void FailOnce(const std::string& chaincode) {
    std::lock_guard lock(mutex_);
    fail_once_.insert(chaincode);
  }
  void set_on_call(std::function<void(const std::string&)> hook) {
    std::lock_guard lock(mutex_);
    on_call_ = std::move(hook);
  }

 private:
  const std::map<std::string, std::string> defaults_;
  mutable std::mutex mutex_;
  std::map<std::string, int> calls_;
  std::function<void(const std::string&)> on_call_;
  std::set<std::string> fail_once_;
};

// The network's signers and a chain of blocks after its genesis block.
class PeerTestNetwork {
 public:
  // `batch`: the genesis block's orderer batch settings (for tests that run
  // a real orderer).
  explicit PeerTestNetwork(const std::string& dir, const loom::testing::ChannelBatchSettings& batch = {}) {
    auto network = loom::testing::OrdererNetwork::Create(dir, batch);
    EXPECT_TRUE(network.ok()) << network.status().ToString();
    network_ = std::move(network).value();
    client_ = Must(network_->UserSigner("Org1", "User1"));
    org1_peer_ = Must(network_->PeerSigner("Org1"));
    org2_peer_ = Must(network_->PeerSigner("Org2"));
    orderer_ = Must(network_->OrdererSigner());
    previous_hash_ = protocol::BlockHeaderHash(genesis().header());
  }

  const common::Block& genesis() const { return network_->genesis(); }
  const loom::testing::OrdererNetwork& network() const { return *network_; }
  const protocol::Signer& client() const { return *client_; }
  const protocol::Signer& org1_peer() const { return *org1_peer_; }
  const protocol::Signer& org2_peer() const { return *org2_peer_; }
  const protocol::Signer& orderer() const { return *orderer_; }

  // A transaction invoking `chaincode` with `rwset`, endorsed by each of
  // `endorsers` (at least one), on `channel`.
  SignedTransaction Tx(const std::string& chaincode, const TxRwSet& rwset,
                       std::vector<const protocol::Signer*> endorsers = {},
                       const std::string& channel = kChannel) const {
    if (endorsers.empty()) endorsers = {org1_peer_.get()};
    auto tx =
        loom::testing::MakeEndorserTransactionWithRwSet(*client_, *endorsers[0], channel, chaincode, rwset);
    EXPECT_TRUE(tx.ok()) << tx.status().ToString();
    if (endorsers.size() > 1) {
      tx = loom::testing::AddEndorsements(*tx, *client_, {endorsers.begin() + 1, endorsers.end()});
      EXPECT_TRUE(tx.ok()) << tx.status().ToString();
    }
    return *tx;
  }
  SignedTransaction Write(const std::string& chaincode, const std::string& key, const std::string& value,
                          std::vector<const protocol::Signer*> endorsers = {}) const {
    return Tx(chaincode, TxRwSet{{}, {}, {TxWrite{chaincode, key, value}}}, std::move(endorsers));
  }

  // The next block of the chain with these envelopes, signed by `signer`
  // (the orderer by default) with last config `last_config`.
  common::Block NextBlock(const std::vector<SignedTransaction>& txs,
                          const protocol::Signer* signer = nullptr) {
    std::vector<std::string> envelopes;
    for (const SignedTransaction& tx : txs) envelopes.push_back(tx.envelope);
    return NextBlockOfEnvelopes(std::move(envelopes), signer);
  }
  common::Block NextBlockOfEnvelopes(std::vector<std::string> envelopes,
                                     const protocol::Signer* signer = nullptr) {
    common::Block block = protocol::NewBlock(next_number_, previous_hash_, std::move(envelopes));
    EXPECT_TRUE(protocol::SignBlock(&block, signer != nullptr ? *signer : *orderer_, last_config_).ok());
    previous_hash_ = protocol::BlockHeaderHash(block.header());
    ++next_number_;
    return block;
  }
  void set_last_config(uint64_t number) { last_config_ = number; }

  // Where the chain is, to build an alternative next block.
  struct State {
    std::string previous_hash;
    uint64_t next_number = 0;
    uint64_t last_config = 0;
  };
  State Save() const { return {previous_hash_, next_number_, last_config_}; }
  void Restore(const State& state) {
    previous_hash_ = state.previous_hash;
    next_number_ = state.next_number;
    last_config_ = state.last_config;
  }
  uint64_t next_number() const { return next_number_; }

 private:
  template <typename T>
  static T Must(Result<T> result) {
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return std::move(result).value();
  }

  std::unique_ptr<loom::testing::OrdererNetwork> network_;
  std::shared_ptr<protocol::Signer> client_;
  std::shared_ptr<protocol::Signer> org1_peer_;
  std::shared_ptr<protocol::Signer> org2_peer_;
  std::shared_ptr<protocol::Signer> orderer_;
  std::string previous_hash_;
  uint64_t next_number_ = 1;
  uint64_t last_config_ = 0;
};

// Every (namespace/key=value@version) of the given namespaces, in order.
inline std::vector<std::string> DumpState(const ledger::KvLedger& ledger,
                                          const std::vector<std::string>& namespaces) {
  std::vector<std::string> lines;
  for (const std::string& ns : namespaces) {
    ledger::StateRangeIterator it = ledger.state().GetRange(ns, "", "");
    while (true) {
      auto entry = it.Next();
      EXPECT_TRUE(entry.ok()) << entry.status().ToString();
      if (!entry.ok() || !entry->has_value()) break;
      lines.push_back(ns + "/" + (*entry)->key + "=" + (*entry)->value + "@" +
                      std::to_string((*entry)->version.block_num) + ":" +
                      std::to_string((*entry)->version.tx_num));
    }
  }
  return lines;
}

// The codes stored in a committed block's TRANSACTIONS_FILTER.
inline std::vector<uint8_t> StoredCodes(const ledger::KvLedger& ledger, uint64_t number) {
  auto block = ledger.block_store().GetBlock(number);
  EXPECT_TRUE(block.ok()) << block.status().ToString();
  if (!block.ok()) return {};
  std::string codes = protocol::TransactionsFilter(*block);
  return std::vector<uint8_t>(codes.begin(), codes.end());
}

}  // namespace loom::peer::testing
