#include "core/peer/commit_trace.h"

#include <string_view>
#include <vector>

#include "core/protocol/block_header.h"
#include "core/protocol/envelope.h"
#include "msp/identities.pb.h"
#include "peer/transaction.pb.h"

namespace loom::peer {
namespace {

loom::TraceEvent NewEvent(loom::TraceEvent::Phase phase, const std::string& channel, uint64_t block_number) {
  loom::TraceEvent event;
  event.set_phase(phase);
  event.set_channel(channel);
  event.set_block_number(block_number);
  return event;
}

loom::TraceEvent NewTxEvent(loom::TraceEvent::Phase phase, const std::string& channel, uint64_t block_number,
                            uint32_t tx_index, const std::string& tx_id) {
  loom::TraceEvent event = NewEvent(phase, channel, block_number);
  event.set_tx_index(tx_index);
  event.set_tx_id(tx_id);
  return event;
}

// The MSP id of each endorsement of an endorser transaction (empty when the
// envelope does not get that far, "" for an identity that does not parse).
std::vector<std::string> EndorserMspIds(std::string_view envelope_bytes) {
  auto parsed = protocol::ParseEnvelopeBytes(envelope_bytes);
  protos::Transaction transaction;
  protos::ChaincodeActionPayload action_payload;
  if (!parsed.ok() || !transaction.ParseFromString(parsed->payload.data()) ||
      transaction.actions_size() != 1 || !action_payload.ParseFromString(transaction.actions(0).payload())) {
    return {};
  }
  std::vector<std::string> ids;
  for (const protos::Endorsement& endorsement : action_payload.action().endorsements()) {
    ::msp::SerializedIdentity identity;
    ids.push_back(identity.ParseFromString(endorsement.endorser()) ? identity.mspid() : "");
  }
  return ids;
}

bool WasIgnored(const validator::TxVerdict& verdict, size_t endorsement) {
  const std::string prefix = "endorsement " + std::to_string(endorsement) + " ";
  for (const std::string& ignored : verdict.ignored_endorsements) {
    if (ignored.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

void SetVersion(const std::optional<ledger::Version>& version, loom::KeyVersion* out) {
  out->set_block_num(version->block_num);
  out->set_tx_num(version->tx_num);
}

}  // namespace

loom::TraceEvent BlockReceivedEvent(const std::string& channel, const common::Block& block) {
  loom::TraceEvent event = NewEvent(loom::TraceEvent::BLOCK_RECEIVED, channel, block.header().number());
  loom::BlockDetail* detail = event.mutable_block();
  detail->set_header_hash(protocol::BlockHeaderHash(block.header()));
  detail->set_previous_hash(block.header().previous_hash());
  detail->set_tx_count(static_cast<uint32_t>(block.data().data_size()));
  detail->set_block_bytes(block.ByteSizeLong());
  for (const std::string& envelope : block.data().data()) {
    auto parsed = protocol::ParseEnvelopeBytes(envelope);
    detail->add_tx_ids(parsed.ok() ? parsed->channel_header.tx_id() : "");
  }
  return event;
}

loom::TraceEvent VsccEvent(const std::string& channel, const common::Block& block, uint32_t tx_index,
                           const validator::TxVerdict& verdict, const std::string& policy_text) {
  loom::TraceEvent event =
      NewTxEvent(loom::TraceEvent::VSCC_DONE, channel, block.header().number(), tx_index, verdict.tx_id);
  loom::VsccDetail* detail = event.mutable_vscc();
  detail->set_validation_code(verdict.code);
  detail->set_chaincode(verdict.chaincode);
  detail->set_policy(policy_text);
  if (verdict.header_type == common::ENDORSER_TRANSACTION) {
    std::vector<std::string> endorsers = EndorserMspIds(block.data().data(static_cast<int>(tx_index)));
    for (size_t i = 0; i < endorsers.size(); ++i) {
      if (!WasIgnored(verdict, i)) detail->add_satisfied_by(endorsers[i]);
    }
  }
  std::string reason = verdict.explanation;
  for (const std::string& ignored : verdict.ignored_endorsements) {
    reason += (reason.empty() ? "" : "; ") + ignored;
  }
  detail->set_reason(reason);
  return event;
}

loom::TraceEvent MvccEvent(const std::string& channel, uint64_t block_number, uint32_t tx_index,
                           const std::string& tx_id, protos::TxValidationCode code,
                           const validator::TxMvccResult* mvcc, const std::string& explanation) {
  loom::TraceEvent event = NewTxEvent(loom::TraceEvent::MVCC_DONE, channel, block_number, tx_index, tx_id);
  loom::MvccDetail* detail = event.mutable_mvcc();
  detail->set_validation_code(code);
  if (mvcc != nullptr && mvcc->read_conflict.has_value()) {
    const validator::ReadConflict& conflict = *mvcc->read_conflict;
    detail->set_namespace_(conflict.ns);
    detail->set_key(conflict.key);
    if (conflict.version_read) SetVersion(conflict.version_read, detail->mutable_version_read());
    if (conflict.version_found) SetVersion(conflict.version_found, detail->mutable_version_found());
    if (conflict.writer) detail->set_writer_tx_id(conflict.writer->tx_id);
  } else if (mvcc != nullptr && mvcc->phantom.has_value()) {
    const validator::PhantomConflict& phantom = *mvcc->phantom;
    detail->set_namespace_(phantom.ns);
    detail->set_key(phantom.key);
    detail->set_range_start(phantom.start_key);
    detail->set_range_end(phantom.end_key);
    if (phantom.version_read) SetVersion(phantom.version_read, detail->mutable_version_read());
    if (phantom.version_found) SetVersion(phantom.version_found, detail->mutable_version_found());
    if (phantom.writer) detail->set_writer_tx_id(phantom.writer->tx_id);
  }
  if (!explanation.empty()) (*event.mutable_facts())["explanation"] = explanation;
  return event;
}

loom::TraceEvent TxCommittedEvent(const std::string& channel, uint64_t block_number, uint32_t tx_index,
                                  const std::string& tx_id, protos::TxValidationCode code) {
  loom::TraceEvent event = NewTxEvent(loom::TraceEvent::COMMITTED, channel, block_number, tx_index, tx_id);
  event.mutable_commit()->set_validation_code(code);
  return event;
}

loom::TraceEvent BlockCommittedEvent(const std::string& channel, uint64_t block_number,
                                     const std::string& state_hash, uint32_t valid_count,
                                     uint32_t invalid_count) {
  loom::TraceEvent event = NewEvent(loom::TraceEvent::COMMITTED, channel, block_number);
  loom::CommitDetail* detail = event.mutable_commit();
  detail->set_state_hash(state_hash);
  detail->set_valid_count(valid_count);
  detail->set_invalid_count(invalid_count);
  return event;
}

}  // namespace loom::peer
