#include "app/lab/explain.h"

#include <cctype>

#include "app/lab/explain_facts.h"
#include "app/lab/explain_policy.h"
#include "core/protocol/block.h"
#include "core/protocol/envelope.h"
#include "core/validator/tx_rwset.h"
#include "peer/transaction.pb.h"

namespace loom::lab {
namespace {

std::optional<ledger::Version> FoundVersion(const ReplayedKey* found) {
  if (found == nullptr || found->deleted) return std::nullopt;
  return found->version;
}

std::string WriterText(const TxPosition& writer) {
  return "tx " + writer.tx_id + " (block " + std::to_string(writer.block_number) + ", tx " +
         std::to_string(writer.tx_index) + ")";
}

// The first read of `rwset` whose version differs from the replayed state.
std::optional<ReadConflictExplanation> FindReadConflict(const LedgerReplay& replay,
                                                        const validator::TxReadWriteSet& rwset) {
  for (const validator::NsReadWriteSet& ns : rwset.namespaces) {
    for (const validator::KeyRead& read : ns.reads) {
      const ReplayedKey* found = replay.Find(ns.ns, read.key);
      std::optional<ledger::Version> now = FoundVersion(found);
      if (now == read.version) continue;
      ReadConflictExplanation conflict{ns.ns, read.key, read.version, now, std::nullopt, false};
      if (found != nullptr) {
        conflict.writer = found->writer;
        conflict.writer_deleted = found->deleted;
      }
      return conflict;
    }
  }
  return std::nullopt;
}

std::optional<PhantomExplanation> FindPhantom(const LedgerReplay& replay,
                                              const validator::TxReadWriteSet& rwset) {
  for (const validator::NsReadWriteSet& ns : rwset.namespaces) {
    for (const validator::RangeQuery& query : ns.range_queries) {
      auto now = replay.Range(ns.ns, query.start_key, query.end_key, !query.itr_exhausted);
      PhantomExplanation phantom{ns.ns, query.start_key, query.end_key, query.itr_exhausted, "",
                                 "",    std::nullopt,    std::nullopt,  std::nullopt};
      size_t i = 0;
      for (; i < now.size() && i < query.raw_reads.size(); ++i) {
        const validator::KeyRead& read = query.raw_reads[i];
        const auto& [key, entry] = now[i];
        if (key == read.key && read.version == entry->version) continue;
        if (key == read.key) {
          phantom.key = key;
          phantom.change = "version changed";
          phantom.version_read = read.version;
          phantom.version_found = entry->version;
          phantom.writer = entry->writer;
        } else if (key < read.key) {
          phantom.key = key;
          phantom.change = "appeared";
          phantom.version_found = entry->version;
          phantom.writer = entry->writer;
        } else {
          phantom.key = read.key;
          phantom.change = "went";
          phantom.version_read = read.version;
          if (const ReplayedKey* gone = replay.Find(ns.ns, read.key)) phantom.writer = gone->writer;
        }
        return phantom;
      }
      if (i < now.size()) {
        phantom.key = now[i].first;
        phantom.change = "appeared";
        phantom.version_found = now[i].second->version;
        phantom.writer = now[i].second->writer;
        return phantom;
      }
      if (i < query.raw_reads.size()) {
        phantom.key = query.raw_reads[i].key;
        phantom.change = "went";
        phantom.version_read = query.raw_reads[i].version;
        if (const ReplayedKey* gone = replay.Find(ns.ns, phantom.key)) phantom.writer = gone->writer;
        return phantom;
      }
    }
  }
  return std::nullopt;
}

std::string RangeText(const PhantomExplanation& p) {
  return p.ns + " [" + p.start_key + ", " + (p.end_key.empty() ? "end" : p.end_key) +
         (p.itr_exhausted ? ")" : "]");
}

std::string JoinList(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

void ExplainMvcc(const LedgerReplay& replay, const validator::TxReadWriteSet& rwset, Explanation* out) {
  out->read_conflict = FindReadConflict(replay, rwset);
  if (!out->read_conflict) {
    out->summary =
        "MVCC_READ_CONFLICT, but every read matches the replayed state; the conflict is not visible "
        "in the blocks read (private data or a ledger that differs from this peer's)";
    return;
  }
  const ReadConflictExplanation& c = *out->read_conflict;
  out->summary = "The transaction read " + c.ns + "/" + c.key + " at version " + VersionText(c.version_read) +
                 ", but when it was validated the key was at version " + VersionText(c.version_found);
  if (c.writer)
    out->summary +=
        ", " + std::string(c.writer_deleted ? "deleted" : "written") + " by " + WriterText(*c.writer);
  out->summary += ". Another transaction changed the key between this one's endorsement and its validation.";
}

void ExplainPhantom(const LedgerReplay& replay, const validator::TxReadWriteSet& rwset, Explanation* out) {
  out->phantom = FindPhantom(replay, rwset);
  if (!out->phantom) {
    out->summary = "PHANTOM_READ_CONFLICT, but every range query matches the replayed state";
    return;
  }
  const PhantomExplanation& p = *out->phantom;
  out->summary = "The range " + RangeText(p) +
                 " the transaction queried changed before it was validated: key " + p.key + " " + p.change;
  if (p.writer) out->summary += " (" + WriterText(*p.writer) + ")";
  out->summary += ".";
}

void ExplainPolicy(const LedgerReplay& replay, const std::string& envelope, const std::string& chaincode,
                   Explanation* out) {
  Result<PolicyExplanation> policy = ExplainEndorsementPolicy(replay, envelope, chaincode);
  if (!policy.ok()) {
    out->summary =
        "ENDORSEMENT_POLICY_FAILURE; the policy could not be evaluated again: " + policy.status().message();
    return;
  }
  out->policy = std::move(*policy);
  const PolicyExplanation& p = *out->policy;
  std::vector<std::string> counted, bad;
  for (const EndorsementExplanation& e : p.endorsements) {
    if (e.satisfied_principal)
      counted.push_back(e.mspid + (e.role.empty() ? "" : " " + e.role));
    else
      bad.push_back(e.mspid + (e.mspid.empty() ? "" : ": ") + e.problem);
  }
  out->summary = "The endorsements do not satisfy " + chaincode + "'s endorsement policy " + p.policy;
  if (!p.policy_reference.empty())
    out->summary +=
        " (" + p.policy_reference + (p.reference_rule.empty() ? "" : " = " + p.reference_rule) + ")";
  out->summary += ". Counted: " + (counted.empty() ? std::string("none") : JoinList(counted)) + ".";
  if (!bad.empty()) out->summary += " Not counted: " + JoinList(bad) + ".";
  if (!p.orgs_needed.empty())
    out->summary += " Still needed: endorsements from " + JoinList(p.orgs_needed) + ".";
}

}  // namespace

std::string VersionText(const std::optional<ledger::Version>& version) {
  if (!version) return "absent";
  return std::to_string(version->block_num) + ":" + std::to_string(version->tx_num);
}

std::string ValidationCodeMeaning(int code) {
  switch (code) {
    case protos::VALID: return "the transaction is valid and its writes were committed";
    case protos::NIL_ENVELOPE: return "the block held an empty envelope";
    case protos::BAD_PAYLOAD: return "the envelope or its payload does not parse";
    case protos::BAD_COMMON_HEADER: return "the signature header is malformed or lacks creator or nonce";
    case protos::BAD_CREATOR_SIGNATURE:
      return "the creator is not a valid identity of a channel MSP, or its signature over the payload does "
             "not verify";
    case protos::INVALID_ENDORSER_TRANSACTION:
      return "the transaction's action, its payload or the proposal hash does not check out";
    case protos::INVALID_CONFIG_TRANSACTION: return "the config update was refused";
    case protos::UNSUPPORTED_TX_PAYLOAD: return "the header type is not one a peer commits";
    case protos::BAD_PROPOSAL_TXID: return "the tx id is not SHA-256(nonce || creator)";
    case protos::DUPLICATE_TXID: return "a transaction with the same tx id is already on the ledger";
    case protos::ENDORSEMENT_POLICY_FAILURE:
      return "the counted endorsements do not satisfy the chaincode's endorsement policy";
    case protos::MVCC_READ_CONFLICT:
      return "a key the transaction read changed version between endorsement and validation";
    case protos::PHANTOM_READ_CONFLICT:
      return "a range the transaction queried gained, lost or changed a key between endorsement and "
             "validation";
    case protos::UNKNOWN_TX_TYPE: return "the transaction type is unknown";
    case protos::TARGET_CHAIN_NOT_FOUND: return "the transaction names another channel";
    case protos::MARSHAL_TX_ERROR: return "the transaction could not be marshalled";
    case protos::NIL_TXACTION: return "the transaction has no action";
    case protos::EXPIRED_CHAINCODE: return "the chaincode was expired";
    case protos::CHAINCODE_VERSION_CONFLICT: return "the chaincode version changed";
    case protos::BAD_HEADER_EXTENSION: return "the channel header extension does not parse";
    case protos::BAD_CHANNEL_HEADER:
      return "the channel header is malformed, lacks a tx id or has a non-zero epoch";
    case protos::BAD_RESPONSE_PAYLOAD: return "the endorsed chaincode action does not parse";
    case protos::BAD_RWSET: return "the read-write set does not decode";
    case protos::ILLEGAL_WRITESET: return "the transaction writes a namespace other than its chaincode's";
    case protos::INVALID_WRITESET: return "the write set is invalid";
    case protos::INVALID_CHAINCODE:
      return "the chaincode has no definition in force, or its name or version is wrong";
    case protos::NOT_VALIDATED: return "the transaction was not validated";
    case protos::INVALID_OTHER_REASON:
      return "refused for another reason (a policy that does not compile, a validation plugin's verdict, "
             "private "
             "data or merkle-summarised range queries Loom cannot check)";
    default: return "unknown validation code " + std::to_string(code);
  }
}

Result<Explanation> ExplainTx(const LedgerReplay& replay, const common::Block& block, uint32_t index) {
  if (index >= static_cast<uint32_t>(block.data().data_size()))
    return Status::InvalidArgument("block " + std::to_string(block.header().number()) + " has no tx " +
                                   std::to_string(index));
  const std::string& envelope = block.data().data(static_cast<int>(index));
  std::string filter = protocol::TransactionsFilter(block);
  Explanation out;
  out.block_number = block.header().number();
  out.tx_index = index;
  out.validation_code = index < filter.size() ? static_cast<uint8_t>(filter[index]) : 0;
  out.validation_code_name = protocol::ValidationCodeName(out.validation_code);
  out.valid = out.validation_code == protos::VALID;
  out.meaning = ValidationCodeMeaning(out.validation_code);
  Result<protocol::ParsedEnvelope> parsed = protocol::ParseEnvelopeBytes(envelope);
  if (parsed.ok()) {
    out.channel = parsed->channel_header.channel_id();
    out.tx_id = parsed->channel_header.tx_id();
  } else {
    out.facts.push_back("the envelope does not parse: " + parsed.status().message());
  }
  std::string where = "Transaction " + out.tx_id + " (block " + std::to_string(out.block_number) + ", tx " +
                      std::to_string(index) + ")";
  if (out.valid) {
    out.summary = where + " is valid: nothing to explain.";
    return out;
  }

  Result<validator::TxReadWriteSet> rwset = validator::ExtractTxReadWriteSet(envelope);
  std::string chaincode;
  if (parsed.ok()) {
    protos::ChaincodeHeaderExtension extension;
    if (extension.ParseFromString(parsed->channel_header.extension()))
      chaincode = extension.chaincode_id().name();
  }
  switch (out.validation_code) {
    case protos::MVCC_READ_CONFLICT:
      if (rwset.ok()) ExplainMvcc(replay, *rwset, &out);
      break;
    case protos::PHANTOM_READ_CONFLICT:
      if (rwset.ok()) ExplainPhantom(replay, *rwset, &out);
      break;
    case protos::ENDORSEMENT_POLICY_FAILURE: ExplainPolicy(replay, envelope, chaincode, &out); break;
    case protos::DUPLICATE_TXID:
      if (const TxPosition* earlier = replay.FindTx(out.tx_id)) {
        out.duplicate_of = *earlier;
        out.summary = "The tx id was already used by " + WriterText(*earlier) + ", committed as " +
                      protocol::ValidationCodeName(earlier->validation_code) + ".";
      }
      break;
    default: out.facts = FactsForCode(replay, envelope, out.validation_code, out.block_number); break;
  }
  if (!rwset.ok() && (out.validation_code == protos::MVCC_READ_CONFLICT ||
                      out.validation_code == protos::PHANTOM_READ_CONFLICT))
    out.facts.push_back("the read-write set does not decode: " + rwset.status().message());
  if (out.summary.empty()) {
    out.summary = out.validation_code_name + ": " + out.meaning + ".";
    for (std::string fact : out.facts) {
      if (fact.empty()) continue;
      fact[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(fact[0])));
      out.summary += " " + fact + ".";
    }
  }
  out.summary = where + " is " + out.validation_code_name + ". " + out.summary;
  return out;
}

Result<Explanation> ExplainInBlocks(const std::vector<common::Block>& blocks, const std::string& tx_id) {
  if (blocks.empty()) return Status::InvalidArgument("no blocks to explain " + tx_id + " with");
  const common::Block& last = blocks.back();
  LOOM_ASSIGN_OR_RETURN(uint32_t index, FindTxInBlock(last, tx_id));
  LedgerReplay replay;
  for (size_t i = 0; i + 1 < blocks.size(); ++i) LOOM_RETURN_IF_ERROR(replay.ApplyBlock(blocks[i]));
  for (uint32_t i = 0; i < index; ++i) LOOM_RETURN_IF_ERROR(replay.ApplyTx(last, i));
  return ExplainTx(replay, last, index);
}

Result<Explanation> Explain(const LedgerReader& reader, const std::string& tx_id,
                            const std::string& channel) {
  LOOM_ASSIGN_OR_RETURN(TxRecord record, reader.GetTx(tx_id, channel));
  LOOM_ASSIGN_OR_RETURN(std::vector<common::Block> blocks,
                        reader.GetBlocks(record.channel, 0, record.block_number));
  if (blocks.empty() || blocks.back().header().number() != record.block_number)
    return Status::Unavailable("the peer did not deliver blocks 0.." + std::to_string(record.block_number));
  return ExplainInBlocks(blocks, record.tx_id);
}

}  // namespace loom::lab
