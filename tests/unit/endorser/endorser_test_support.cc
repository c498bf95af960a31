#include "endorser_test_support.h"

#include <gtest/gtest.h>

#include "core/channelconfig/config_reader.h"
#include "core/ledger/tx_simulator.h"
#include "core/protocol/block.h"
#include "core/protocol/envelope.h"
#include "core/protocol/txid.h"

namespace loom::endorser::testing {

Network& Net() {
  static Network* network = [] {
    auto* net = new Network();
    net->orderers = loom::testing::OrdererNetwork::Create(net->dir.path().string()).value();
    auto config = channelconfig::ReadChannelConfig(net->orderers->genesis());
    EXPECT_TRUE(config.ok()) << config.status().ToString();
    net->policies = channelconfig::PolicyManager::Create(*config).value();
    net->org1_user = net->orderers->UserSigner("Org1", "User1").value();
    net->org1_admin = net->orderers->UserSigner("Org1", "Admin").value();
    net->org1_peer = net->orderers->PeerSigner("Org1").value();
    net->org2_peer = net->orderers->PeerSigner("Org2").value();
    net->org3_user = net->orderers->UserSigner("Org3", "User1").value();
    return net;
  }();
  return *network;
}

TestChannel::TestChannel(std::string channel_name) : name(std::move(channel_name)) {
  auto opened = ledger::KvLedger::Open(dir.File("ledger"));
  EXPECT_TRUE(opened.ok()) << opened.status().ToString();
  ledger = std::move(*opened);
  Status committed = ledger->Commit(Net().orderers->genesis(), {protos::VALID});
  EXPECT_TRUE(committed.ok()) << committed.ToString();
}

EndorserChannel TestChannel::AsEndorserChannel() const {
  return EndorserChannel{name, ledger, Net().policies};
}

common::Block TestChannel::CommitBlock(const std::vector<std::string>& envelopes,
                                       std::vector<uint8_t> codes) {
  common::Block block =
      protocol::NewBlock(ledger->block_store().Height(), ledger->block_store().LastHeaderHash(), envelopes);
  if (codes.empty()) codes.assign(envelopes.size(), protos::VALID);
  Status committed = ledger->Commit(block, codes);
  EXPECT_TRUE(committed.ok()) << committed.ToString();
  // The stored block carries the codes in its TRANSACTIONS_FILTER.
  return ledger->block_store().GetBlock(block.header().number()).value();
}

BuiltProposal MakeProposal(const protocol::Signer& signer, const ProposalSpec& spec) {
  std::string creator = spec.creator.value_or(signer.serialized_identity());
  std::string nonce = spec.nonce.value_or(protocol::NewNonce());
  std::string tx_id = spec.tx_id.value_or(protocol::ComputeTxId(nonce, creator));

  protos::ChaincodeHeaderExtension extension;
  extension.mutable_chaincode_id()->set_name(spec.chaincode);
  common::ChannelHeader channel_header = protocol::MakeChannelHeader(
      spec.type, spec.channel, tx_id, std::chrono::system_clock::now(), extension.SerializeAsString());
  channel_header.set_epoch(spec.epoch);
  if (!spec.timestamp) channel_header.clear_timestamp();

  protos::ChaincodeInvocationSpec invocation;
  invocation.mutable_chaincode_spec()->set_type(protos::ChaincodeSpec::GOLANG);
  invocation.mutable_chaincode_spec()->mutable_chaincode_id()->set_name(spec.chaincode);
  for (const std::string& arg : spec.args)
    invocation.mutable_chaincode_spec()->mutable_input()->add_args(arg);
  protos::ChaincodeProposalPayload payload;
  payload.set_input(invocation.SerializeAsString());
  for (const auto& [key, value] : spec.transient) (*payload.mutable_transientmap())[key] = value;

  BuiltProposal built;
  common::Header header;
  header.set_channel_header(channel_header.SerializeAsString());
  header.set_signature_header(protocol::MakeSignatureHeader(creator, nonce).SerializeAsString());
  built.proposal.set_header(header.SerializeAsString());
  built.proposal.set_payload(payload.SerializeAsString());
  built.signed_proposal.set_proposal_bytes(built.proposal.SerializeAsString());
  built.signed_proposal.set_signature(signer.Sign(built.signed_proposal.proposal_bytes()).value());
  built.tx_id = tx_id;
  return built;
}

Result<chaincode::InvocationResult> TestChaincode::Execute(const chaincode::Invocation& invocation) {
  Seen seen{invocation.channel_id,
            invocation.tx_id,
            invocation.chaincode_name,
            invocation.chaincode_version,
            invocation.creator,
            {invocation.input.args().begin(), invocation.input.args().end()},
            invocation.deadline,
            invocation.signed_proposal != nullptr && invocation.proposal != nullptr,
            invocation.simulator != nullptr};
  {
    std::lock_guard lock(mutex_);
    last_ = seen;
  }
  const std::vector<std::string>& args = seen.args;
  const std::string& ns = invocation.chaincode_name;
  ledger::TxSimulator* state = invocation.simulator;
  chaincode::InvocationResult result;
  result.response.set_status(chaincode::kStatusOk);
  auto arg = [&](size_t i) { return i < args.size() ? args[i] : std::string(); };
  std::string function = arg(0);
  if (function == "put") {
    LOOM_RETURN_IF_ERROR(state->PutState(ns, arg(1), arg(2)));
    result.response.set_payload("ok");
  } else if (function == "get") {
    LOOM_ASSIGN_OR_RETURN(std::optional<std::string> value, state->GetState(ns, arg(1)));
    if (!value) {
      result.response.set_status(404);
      result.response.set_message("no key " + arg(1));
    } else {
      result.response.set_payload(*value);
    }
  } else if (function == "move") {
    LOOM_ASSIGN_OR_RETURN(std::optional<std::string> value, state->GetState(ns, arg(1)));
    LOOM_RETURN_IF_ERROR(state->DelState(ns, arg(1)));
    LOOM_RETURN_IF_ERROR(state->PutState(ns, arg(2), value.value_or("none")));
  } else if (function == "event") {
    LOOM_RETURN_IF_ERROR(state->PutState(ns, "ev", "1"));
    protos::ChaincodeEvent event;
    event.set_event_name(arg(1));
    event.set_payload(arg(2));
    result.event = event;
  } else if (function == "fail") {
    result.response.set_status(chaincode::kStatusError);
    result.response.set_message(arg(1));
  } else if (function == "timeout") {
    return Status::DeadlineExceeded("chaincode " + ns + " did not answer before the deadline");
  } else {
    result.response.set_status(chaincode::kStatusError);
    result.response.set_message("unknown function " + function);
  }
  return result;
}

std::optional<TestChaincode::Seen> TestChaincode::last() const {
  std::lock_guard lock(mutex_);
  return last_;
}

EndorserOptions Options(chaincode::ChaincodeExecutor* executor, std::vector<const TestChannel*> channels) {
  EndorserOptions options;
  options.executor = executor;
  options.channels = [channels](const std::string& id) -> std::optional<EndorserChannel> {
    for (const TestChannel* channel : channels)
      if (channel->name == id) return channel->AsEndorserChannel();
    return std::nullopt;
  };
  options.chaincode_versions = [](const EndorserChannel& channel,
                                  const std::string& chaincode) -> Result<std::string> {
    if (chaincode == "basic") return std::string("1.0");
    if (chaincode == "broken") return Status::Unavailable("the lifecycle's state cannot be read");
    return Status::NotFound("chaincode " + chaincode + " is not defined on channel " + channel.channel_id);
  };
  options.signer = Net().org1_peer;
  return options;
}

}  // namespace loom::endorser::testing
