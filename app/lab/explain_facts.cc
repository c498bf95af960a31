#include "app/lab/explain_facts.h"

#include "core/channelconfig/policy_manager.h"
#include "core/lifecycle/definition.h"
#include "core/protocol/envelope.h"
#include "core/protocol/txid.h"
#include "core/validator/tx_rwset.h"
#include "peer/proposal.pb.h"
#include "peer/transaction.pb.h"

namespace loom::lab {
namespace {

std::string InvokedChaincode(const protocol::ParsedEnvelope& parsed) {
  protos::ChaincodeHeaderExtension extension;
  if (!extension.ParseFromString(parsed.channel_header.extension())) return {};
  return extension.chaincode_id().name();
}

void ChaincodeFacts(const LedgerReplay& replay, const protocol::ParsedEnvelope& parsed, uint64_t block_number,
                    std::vector<std::string>* facts) {
  std::string chaincode = InvokedChaincode(parsed);
  if (chaincode.empty()) {
    facts->push_back("the channel header names no chaincode");
    return;
  }
  if (chaincode == lifecycle::kLifecycleName) return;
  const ReplayedKey* metadata =
      replay.Find(lifecycle::kLifecycleName, lifecycle::DefinitionMetadataKey(chaincode));
  if (metadata == nullptr || metadata->deleted) {
    facts->push_back("no definition of chaincode " + chaincode + " was in force when block " +
                     std::to_string(block_number) + " was validated");
  } else {
    facts->push_back("a definition of chaincode " + chaincode + " was in force (committed by tx " +
                     metadata->writer.tx_id + " in block " + std::to_string(metadata->writer.block_number) +
                     "); the transaction's chaincode name or version does not match it");
  }
}

void WritesetFacts(const std::string& envelope, const protocol::ParsedEnvelope& parsed,
                   std::vector<std::string>* facts) {
  Result<validator::TxReadWriteSet> rwset = validator::ExtractTxReadWriteSet(envelope);
  if (!rwset.ok()) return;
  std::string written;
  for (const validator::NsReadWriteSet& ns : rwset->namespaces)
    if (!ns.writes.empty()) written += (written.empty() ? "" : ", ") + ns.ns;
  facts->push_back("the transaction invokes " + InvokedChaincode(parsed) +
                   " and writes namespaces: " + (written.empty() ? "none" : written));
}

void CreatorFacts(const LedgerReplay& replay, const protocol::ParsedEnvelope& parsed,
                  std::vector<std::string>* facts) {
  Status signature = protocol::VerifyEnvelopeCreatorSignature(parsed.envelope);
  facts->push_back(signature.ok() ? "the creator's signature verifies with its certificate's key"
                                  : "the creator's signature does not verify: " + signature.message());
  if (replay.config() == nullptr) return;
  Result<std::shared_ptr<const channelconfig::PolicyManager>> manager =
      channelconfig::PolicyManager::Create(*replay.config());
  if (!manager.ok()) return;
  Result<msp::Identity> identity = (*manager)->msps().DeserializeIdentity(parsed.signature_header.creator());
  if (!identity.ok()) {
    facts->push_back("the creator is not an identity of the channel's MSPs: " + identity.status().message());
    return;
  }
  crypto::Clock::time_point at{std::chrono::seconds(parsed.channel_header.timestamp().seconds())};
  Status valid = identity->Validate(at);
  facts->push_back(valid.ok() ? "the creator " + identity->Describe() + " is a valid member of its MSP"
                              : "the creator " + identity->Describe() + " is not valid: " + valid.message());
}

}  // namespace

std::vector<std::string> FactsForCode(const LedgerReplay& replay, const std::string& envelope, int code,
                                      uint64_t block_number) {
  std::vector<std::string> facts;
  Result<protocol::ParsedEnvelope> parsed = protocol::ParseEnvelopeBytes(envelope);
  if (!parsed.ok()) return facts;
  switch (code) {
    case protos::INVALID_CHAINCODE: ChaincodeFacts(replay, *parsed, block_number, &facts); break;
    case protos::ILLEGAL_WRITESET: WritesetFacts(envelope, *parsed, &facts); break;
    case protos::BAD_CREATOR_SIGNATURE: CreatorFacts(replay, *parsed, &facts); break;
    case protos::BAD_PROPOSAL_TXID: {
      std::string expected =
          protocol::ComputeTxId(parsed->signature_header.nonce(), parsed->signature_header.creator());
      facts.push_back("the tx id is " + parsed->channel_header.tx_id() + "; SHA-256(nonce || creator) is " +
                      expected);
      break;
    }
    case protos::TARGET_CHAIN_NOT_FOUND:
      facts.push_back(
          "the transaction names channel '" + parsed->channel_header.channel_id() + "'" +
          (replay.config() ? ", the block belongs to '" + replay.config()->channel_id + "'" : ""));
      break;
    default: break;
  }
  return facts;
}

}  // namespace loom::lab
