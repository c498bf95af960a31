// Shared pieces of the endorser tests: the network (cryptogen identities of
// Org1 and Org2 in "mychannel", Org3 outside it; tests/support/
// orderer_network.h), a channel with a real KvLedger holding the genesis
// block, a proposal builder whose every field a test can spoil, and an
// in-test chaincode that reads and writes through the invocation's
// simulator.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/common.pb.h"
#include "core/chaincode/invocation.h"
#include "core/channelconfig/policy_manager.h"
#include "core/endorser/endorser.h"
#include "core/endorser/endorser_channel.h"
#include "core/ledger/kv_ledger.h"
#include "core/protocol/signer.h"
#include "peer/proposal.pb.h"
#include "tests/support/orderer_network.h"
#include "tests/support/temp_dir.h"

namespace loom::endorser::testing {

inline constexpr char kChannel[] = "mychannel";

// The crypto material and channel policies, made once per test binary.
struct Network {
  loom::testing::TempDir dir{"endorser-net"};
  std::unique_ptr<loom::testing::OrdererNetwork> orderers;
  std::shared_ptr<const channelconfig::PolicyManager> policies;
  std::shared_ptr<protocol::Signer> org1_user, org1_admin, org1_peer, org2_peer, org3_user;
};
Network& Net();

// A channel's ledger in a fresh folder with the genesis block committed.
struct TestChannel {
  loom::testing::TempDir dir{"endorser-ledger"};
  std::shared_ptr<ledger::KvLedger> ledger;
  std::string name = kChannel;

  explicit TestChannel(std::string channel_name = kChannel);
  EndorserChannel AsEndorserChannel() const;
  // Appends a block of `envelopes` with `codes` (default: every
  // transaction VALID); returns it.
  common::Block CommitBlock(const std::vector<std::string>& envelopes, std::vector<uint8_t> codes = {});
};

// Every part of a proposal, defaulting to a well-formed invocation of
// `chaincode` on "mychannel"; tests change one field to spoil it.
struct ProposalSpec {
  std::string channel = kChannel;
  std::string chaincode = "basic";
  std::vector<std::string> args = {"put", "k1", "v1"};
  std::map<std::string, std::string> transient;
  common::HeaderType type = common::ENDORSER_TRANSACTION;
  uint64_t epoch = 0;
  bool timestamp = true;
  std::optional<std::string> nonce;    // default: a fresh one
  std::optional<std::string> creator;  // default: the signer's identity
  std::optional<std::string> tx_id;    // default: derived from nonce and creator
};

struct BuiltProposal {
  protos::SignedProposal signed_proposal;
  protos::Proposal proposal;
  std::string tx_id;
};

BuiltProposal MakeProposal(const protocol::Signer& signer, const ProposalSpec& spec = {});

// The in-test chaincode. Functions (args[0]):
//   put k v     writes k=v, answers "ok"
//   get k       reads k, answers its value (404 when absent)
//   move k to   reads k, deletes it and writes its value (or "none") under `to`
//   event n p   writes ev=1 and sets event n with payload p
//   fail msg    answers status 500 with message msg
//   timeout     Status DeadlineExceeded (the chaincode did not answer)
// Records the last invocation for assertions. Thread-safe.
class TestChaincode : public chaincode::ChaincodeExecutor {
 public:
  Result<chaincode::InvocationResult> Execute(const chaincode::Invocation& invocation) override;

  struct Seen {
    std::string channel_id, tx_id, chaincode_name, chaincode_version, creator;
    std::vector<std::string> args;
    std::chrono::steady_clock::time_point deadline;
    bool had_proposal = false;
    bool had_simulator = false;
  };
  std::optional<Seen> last() const;

 private:
  mutable std::mutex mutex_;
  std::optional<Seen> last_;
};

// Options for an Endorser over `channels`, executing through `executor`,
// signing as Org1's peer; "basic" is defined at version "1.0", "broken"'s
// lookup fails with Unavailable, every other user chaincode is undefined.
EndorserOptions Options(chaincode::ChaincodeExecutor* executor, std::vector<const TestChannel*> channels);

}  // namespace loom::endorser::testing
