// Explain: why a committed transaction got its validation code, in facts a
// person can check — what `loomctl explain TXID` prints and the GUI's
// inspector shows for an invalid transaction.
//
// The answer comes from replaying the channel's blocks up to the
// transaction (explain_replay.h): the state it was validated against is the
// replayed state after every earlier VALID transaction, so
//  - MVCC_READ_CONFLICT names the first read whose version differs: the
//    key, the version read, the version found and the transaction that wrote
//    (or deleted) what was found, with its block;
//  - PHANTOM_READ_CONFLICT names the range and the first key that appeared,
//    went or changed version;
//  - ENDORSEMENT_POLICY_FAILURE names the policy of the chaincode definition
//    in force at that block (Fabric's syntax, and the channel policy it
//    refers to), each endorsement — counted or not and why (bad signature,
//    unknown org, invalid identity, duplicate, not a role the policy wants)
//    with its org and role — the principals no endorsement satisfied and
//    the orgs still needed;
//  - DUPLICATE_TXID names the earlier transaction with the same id;
//  - other codes say what the code means in Loom, with the facts known.
// A VALID transaction is "valid": nothing to explain.
//
// ExplainInBlocks is pure (given the blocks); Explain reads the blocks from
// the network. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/lab/explain_replay.h"
#include "app/lab/ledger_reader.h"
#include "common/common.pb.h"
#include "core/util/status.h"

namespace loom::lab {

// A version as "block:tx"; nullopt renders as "absent".
std::string VersionText(const std::optional<ledger::Version>& version);

struct ReadConflictExplanation {
  std::string ns;
  std::string key;
  std::optional<ledger::Version> version_read;   // nullopt: read as absent
  std::optional<ledger::Version> version_found;  // nullopt: absent or deleted
  std::optional<TxPosition> writer;              // who wrote (or deleted) what was found
  bool writer_deleted = false;
};

struct PhantomExplanation {
  std::string ns;
  std::string start_key;
  std::string end_key;  // empty: to the end of the namespace
  bool itr_exhausted = true;
  std::string key;     // the first key that differs
  std::string change;  // "appeared", "went", "version changed"
  std::optional<ledger::Version> version_read;
  std::optional<ledger::Version> version_found;
  std::optional<TxPosition> writer;
};

struct EndorsementExplanation {
  uint32_t index = 0;
  std::string mspid;
  std::string subject;
  std::string role;                  // "peer", "client", "admin", "orderer"; empty when unknown
  bool counted = false;              // passed the identity and signature checks
  bool satisfied_principal = false;  // a principal of the policy used it
  std::string problem;  // why it did not help: "bad signature: ...", "unknown org", "not a peer ..."
};

struct PolicyExplanation {
  std::string chaincode;
  std::string policy;            // the flattened signature policy, Fabric syntax
  std::string policy_reference;  // "/Channel/Application/Endorsement" when the definition names one
  std::string reference_rule;    // that policy's own rule, "MAJORITY Endorsement"
  std::vector<EndorsementExplanation> endorsements;
  std::vector<std::string> unsatisfied_principals;  // "'Org2MSP.peer'"
  std::vector<std::string> orgs_needed;             // MSP ids, sorted
};

struct Explanation {
  std::string channel;
  std::string tx_id;
  uint64_t block_number = 0;
  uint32_t tx_index = 0;
  int validation_code = 0;
  std::string validation_code_name;
  bool valid = false;
  std::string meaning;  // what the code means in Loom
  std::string summary;  // one plain-language paragraph
  std::optional<ReadConflictExplanation> read_conflict;
  std::optional<PhantomExplanation> phantom;
  std::optional<PolicyExplanation> policy;
  std::optional<TxPosition> duplicate_of;
  std::vector<std::string> facts;  // further findings, one line each
};

// What a validation code means, one sentence.
std::string ValidationCodeMeaning(int code);

// `blocks` are the channel's blocks 0..B in order, B the block holding
// `tx_id`. NotFound when the tx is not in block B.
Result<Explanation> ExplainInBlocks(const std::vector<common::Block>& blocks, const std::string& tx_id);

// Explains transaction `index` of `block` against `replay`, which must hold
// the state before it (every earlier block and every earlier tx of `block`).
Result<Explanation> ExplainTx(const LedgerReplay& replay, const common::Block& block, uint32_t index);

// Finds the tx (on `channel`, or on every channel of the reader; a full id
// or a unique prefix, as LedgerReader::GetTx), reads the blocks up to it
// and explains it.
Result<Explanation> Explain(const LedgerReader& reader, const std::string& tx_id,
                            const std::string& channel = {});

}  // namespace loom::lab
