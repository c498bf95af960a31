// Proposals come from any client: ProcessProposal must answer every input
// with a response, never crash, and endorse (status 200 with an endorsement
// whose signature verifies) only what it ran successfully; every other
// answer has an error status and a message. Input: 'S' + SignedProposal
// bytes, processed as they are; otherwise Proposal bytes that the harness
// signs as Org1's User1 (creator set and tx id fixed up when the header
// parses), so the checks past the signature and the chaincode are reached.
// The in-harness chaincode runs args as state operations on the simulator:
// put k v, get k, del k, range a b, fail m, event n p. Crypto and a ledger
// with the genesis block are made once per process in a temporary folder.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "core/channelconfig/config_reader.h"
#include "core/endorser/endorser.h"
#include "core/ledger/kv_ledger.h"
#include "core/ledger/tx_simulator.h"
#include "core/protocol/serialized_identity.h"
#include "core/protocol/txid.h"
#include "tests/support/orderer_network.h"

namespace {

using loom::Result;
using loom::Status;
using loom::chaincode::Invocation;
using loom::chaincode::InvocationResult;

class StateChaincode : public loom::chaincode::ChaincodeExecutor {
 public:
  Result<InvocationResult> Execute(const Invocation& invocation) override {
    const auto& args = invocation.input.args();
    auto arg = [&](int i) { return i < args.size() ? args[i] : std::string(); };
    loom::ledger::TxSimulator* state = invocation.simulator;
    const std::string& ns = invocation.chaincode_name;
    InvocationResult result;
    result.response.set_status(loom::chaincode::kStatusOk);
    std::string function = arg(0);
    if (function == "put") {
      LOOM_RETURN_IF_ERROR(state->PutState(ns, arg(1), arg(2)));
    } else if (function == "get") {
      LOOM_ASSIGN_OR_RETURN(std::optional<std::string> value, state->GetState(ns, arg(1)));
      result.response.set_payload(value.value_or(""));
    } else if (function == "del") {
      LOOM_RETURN_IF_ERROR(state->DelState(ns, arg(1)));
    } else if (function == "range") {
      LOOM_ASSIGN_OR_RETURN(loom::ledger::RangeQueryIterator * iterator,
                            state->GetStateByRange(ns, arg(1), arg(2)));
      while (true) {
        LOOM_ASSIGN_OR_RETURN(auto entry, iterator->Next());
        if (!entry) break;
      }
    } else if (function == "event") {
      protos::ChaincodeEvent event;
      event.set_event_name(arg(1));
      event.set_payload(arg(2));
      result.event = event;
    } else {
      result.response.set_status(loom::chaincode::kStatusError);
      result.response.set_message("no function " + function);
    }
    return result;
  }
};

struct Setup {
  loom::testing::ScratchDir dir{"loom_endorser_fuzz"};
  std::unique_ptr<loom::testing::OrdererNetwork> network;
  std::shared_ptr<loom::protocol::Signer> client;
  std::shared_ptr<loom::ledger::KvLedger> ledger;
  StateChaincode chaincode;
  std::unique_ptr<loom::endorser::Endorser> endorser;

  Setup() {
    auto created = loom::testing::OrdererNetwork::Create(dir.path().string());
    if (!created.ok()) std::abort();
    network = std::move(created).value();
    auto config = loom::channelconfig::ReadChannelConfig(network->genesis());
    if (!config.ok()) std::abort();
    auto manager = loom::channelconfig::PolicyManager::Create(*config);
    auto user = network->UserSigner("Org1", "User1");
    auto peer = network->PeerSigner("Org1");
    auto opened = loom::ledger::KvLedger::Open(dir.Path("ledger"));
    if (!manager.ok() || !user.ok() || !peer.ok() || !opened.ok()) std::abort();
    client = *user;
    ledger = std::move(*opened);
    if (!ledger->Commit(network->genesis(), {protos::VALID}).ok()) std::abort();
    loom::endorser::EndorserOptions options;
    options.executor = &chaincode;
    std::shared_ptr<const loom::channelconfig::PolicyManager> policies = *manager;
    options.channels = [this,
                        policies](const std::string& id) -> std::optional<loom::endorser::EndorserChannel> {
      if (id != "mychannel") return std::nullopt;
      return loom::endorser::EndorserChannel{id, ledger, policies};
    };
    options.signer = *peer;
    auto made = loom::endorser::Endorser::Create(std::move(options));
    if (!made.ok()) std::abort();
    endorser = std::move(*made);
  }
};

// The proposal with the client as creator and a matching tx id, when its
// header parses; otherwise as it is.
std::string FixUpHeader(const std::string& proposal_bytes, const std::string& creator) {
  protos::Proposal proposal;
  common::Header header;
  common::ChannelHeader channel_header;
  common::SignatureHeader signature_header;
  if (!proposal.ParseFromString(proposal_bytes) || !header.ParseFromString(proposal.header()) ||
      !channel_header.ParseFromString(header.channel_header()) ||
      !signature_header.ParseFromString(header.signature_header())) {
    return proposal_bytes;
  }
  signature_header.set_creator(creator);
  if (signature_header.nonce().empty()) signature_header.set_nonce(std::string(24, '\x01'));
  channel_header.set_tx_id(loom::protocol::ComputeTxId(signature_header.nonce(), creator));
  header.set_channel_header(channel_header.SerializeAsString());
  header.set_signature_header(signature_header.SerializeAsString());
  proposal.set_header(header.SerializeAsString());
  return proposal.SerializeAsString();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Setup* setup = new Setup();
  std::string input(reinterpret_cast<const char*>(data), size);
  protos::ProposalResponse response;
  if (!input.empty() && input[0] == 'S') {
    response = setup->endorser->ProcessProposalBytes(std::string_view(input).substr(1));
  } else {
    protos::SignedProposal signed_proposal;
    signed_proposal.set_proposal_bytes(FixUpHeader(input, setup->client->serialized_identity()));
    auto signature = setup->client->Sign(signed_proposal.proposal_bytes());
    if (!signature.ok()) std::abort();
    signed_proposal.set_signature(*signature);
    response = setup->endorser->ProcessProposal(signed_proposal);
  }

  const int32_t status = response.response().status();
  if (response.has_endorsement()) {
    // Endorsed: a success whose signature covers payload || endorser.
    if (status >= loom::chaincode::kStatusErrorThreshold || response.payload().empty()) std::abort();
    const protos::Endorsement& endorsement = response.endorsement();
    if (!loom::protocol::VerifySignatureByIdentity(
             endorsement.endorser(), response.payload() + endorsement.endorser(), endorsement.signature())
             .ok()) {
      std::abort();
    }
  } else if (status < loom::chaincode::kStatusErrorThreshold || response.response().message().empty() ||
             (status < loom::chaincode::kStatusError && !response.payload().empty())) {
    std::abort();  // a refusal has an error status and a reason (a payload only for a chaincode ERROR)
  }
  return 0;
}
