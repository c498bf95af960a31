// Hand-built channel blocks for the client-layer tests: the OrdererNetwork's
// genesis block (channel "mychannel", Org1 and Org2, Endorsement = MAJORITY)
// followed by blocks of endorser transactions with chosen validation codes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/lifecycle/definition.h"
#include "core/protocol/block.h"
#include "core/protocol/block_header.h"
#include "peer/lifecycle/chaincode_definition.pb.h"
#include "peer/lifecycle/db.pb.h"
#include "peer/policy.pb.h"
#include "tests/support/endorser_transaction.h"
#include "tests/support/orderer_network.h"
#include "tests/support/temp_dir.h"

namespace loom::testing {

class LabChain {
 public:
  static std::unique_ptr<LabChain> Create() {
    auto chain = std::make_unique<LabChain>();
    auto network = OrdererNetwork::Create(chain->dir_.File("net"));
    if (!network.ok()) return nullptr;
    chain->network_ = std::move(*network);
    chain->client_ = *chain->network_->UserSigner("Org1", "User1");
    chain->org1_peer_ = *chain->network_->PeerSigner("Org1");
    chain->org2_peer_ = *chain->network_->PeerSigner("Org2");
    chain->blocks_.push_back(chain->network_->genesis());
    return chain;
  }

  // An endorser transaction of `chaincode`, endorsed by `endorser`.
  SignedTransaction Tx(const std::string& chaincode, const TxRwSet& rwset, const protocol::Signer& endorser,
                       std::vector<std::string> args = {"Put"}) const {
    EndorserTransactionOptions options;
    options.args = std::move(args);
    return *MakeEndorserTransactionWithRwSet(*client_, endorser, "mychannel", chaincode, rwset, options);
  }

  // Appends a block of `txs` with these validation codes.
  const common::Block& Append(const std::vector<SignedTransaction>& txs, const std::vector<uint8_t>& codes) {
    std::vector<std::string> envelopes;
    for (const SignedTransaction& tx : txs) envelopes.push_back(tx.envelope);
    const common::Block& last = blocks_.back();
    common::Block block =
        protocol::NewBlock(last.header().number() + 1, protocol::BlockHeaderHash(last.header()), envelopes);
    block.mutable_metadata()->set_metadata(common::TRANSACTIONS_FILTER,
                                           std::string(codes.begin(), codes.end()));
    blocks_.push_back(block);
    return blocks_.back();
  }

  // The `_lifecycle` write defining `chaincode` with a channel policy reference.
  static TxWrite DefinitionWrite(const std::string& chaincode, const std::string& reference) {
    protos::ApplicationPolicy policy;
    policy.set_channel_config_policy_reference(reference);
    ::lifecycle::ChaincodeValidationInfo validation;
    validation.set_validation_plugin("vscc");
    validation.set_validation_parameter(policy.SerializeAsString());
    ::lifecycle::StateData data;
    data.set_bytes(validation.SerializeAsString());
    return TxWrite{"_lifecycle", lifecycle::DefinitionFieldKey(chaincode, "ValidationInfo"),
                   data.SerializeAsString()};
  }

  const std::vector<common::Block>& blocks() const { return blocks_; }
  // Blocks 0..number.
  std::vector<common::Block> Upto(uint64_t number) const {
    return std::vector<common::Block>(blocks_.begin(), blocks_.begin() + static_cast<long>(number) + 1);
  }
  const protocol::Signer& org1_peer() const { return *org1_peer_; }
  const protocol::Signer& org2_peer() const { return *org2_peer_; }
  const protocol::Signer& client() const { return *client_; }

 private:
  TempDir dir_{"lab-client"};
  std::unique_ptr<OrdererNetwork> network_;
  std::shared_ptr<protocol::Signer> client_, org1_peer_, org2_peer_;
  std::vector<common::Block> blocks_;
};

}  // namespace loom::testing
