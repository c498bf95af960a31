// TxTimeline: everything the network's nodes (and the lab's own clients)
// reported about one transaction, as spans on one time axis — the data behind
// `loomctl trace show`, the GUI's Flow view and loom-bench's Table 1.
//
// A span is one loom.TraceEvent seen from the transaction's side: its phase
// (the Observer phase name, "ENDORSED", or a client phase, "submit"), the lab's
// phase group (endorse | order | validate | commit | client), the node, and
// start/end in Unix nanoseconds of that node's wall clock. Block-level events
// (BLOCK_CUT, BLOCK_WRITTEN, BLOCK_RECEIVED, a block's COMMITTED) appear in
// every transaction of their block, with block_level set.
//
// Clocks: the nodes of one machine share its wall clock; for remote nodes the
// clocks are assumed synchronised (NTP), as in the Fabric paper.
//
// Plain values; thread-compatible. A span keeps its event serialized (a
// third of the memory of a parsed one; block-level events share one copy
// between the block's transactions) and parses it when asked.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "loom/observer.pb.h"
#include "peer/transaction.pb.h"

namespace loom::lab {

enum class PhaseGroup { kEndorse, kOrder, kValidate, kCommit, kClient };

// "endorse", "order", "validate", "commit", "client".
std::string_view PhaseGroupName(PhaseGroup group);
// The group of an Observer phase (PHASE_UNSPECIFIED: kClient).
PhaseGroup GroupOf(loom::TraceEvent::Phase phase);
// Whether events of `phase` are about a block rather than one transaction
// (they carry no tx_id; COMMITTED is block-level only without a tx_id).
bool IsBlockLevel(const loom::TraceEvent& event);

// The client phases the lab's own clients record (AddClientSpan).
inline constexpr std::string_view kClientSubmit = "submit";
inline constexpr std::string_view kClientEndorse = "endorse";
inline constexpr std::string_view kClientBroadcast = "broadcast";
inline constexpr std::string_view kClientCommitSeen = "commit-seen";
// A client span travels (and is stored) as a loom.TraceEvent with phase
// PHASE_UNSPECIFIED and this fact naming the client phase.
inline constexpr char kClientPhaseFact[] = "lab.client_phase";

using Facts = std::vector<std::pair<std::string, std::string>>;

// A client span as a TraceEvent (for the store and the joiner): `node` is the
// client's name ("client" when empty), `facts` are kept as the event's facts.
loom::TraceEvent MakeClientSpanEvent(const std::string& tx_id, std::string_view phase,
                                     int64_t start_unix_nanos, int64_t end_unix_nanos,
                                     const Facts& facts = {}, const std::string& node = "client",
                                     const std::string& channel = "");

// The typed detail of `event` flattened to key/value rows, by field number:
// the fields that are set, and every enum (its zero value, "VALID", means
// something); enum names, bytes in hex, nested fields as "outer.inner",
// repeated values joined by ","; the tx id lists of block-level details are
// left out (the span is already in each of those transactions). Then the
// event's own facts, sorted by key.
Facts FlattenFacts(const loom::TraceEvent& event);

struct TxSpan {
  std::string phase;  // Observer phase name ("VSCC_DONE") or client phase ("submit")
  PhaseGroup group = PhaseGroup::kClient;
  loom::TraceEvent::Phase observer_phase = loom::TraceEvent::PHASE_UNSPECIFIED;  // client spans: unspecified
  std::string node;
  int64_t start_unix_nanos = 0;
  int64_t end_unix_nanos = 0;
  bool block_level = false;
  uint64_t incarnation = 0;  // the event's identity in its node's stream
  uint64_t sequence = 0;
  std::shared_ptr<const std::string> record;  // the serialized loom.TraceEvent behind the span

  int64_t duration_nanos() const { return end_unix_nanos - start_unix_nanos; }
  // The event behind the span (parsed from `record`; empty if there is none).
  loom::TraceEvent event() const;
  Facts facts() const { return FlattenFacts(event()); }
};

struct TxTimeline {
  std::string tx_id;
  std::string channel;
  std::optional<uint64_t> block_number;  // the first block reported to hold it
  std::optional<uint32_t> tx_index;      // its position there
  // The final validation code per peer (from the peers' per-tx COMMITTED).
  std::map<std::string, protos::TxValidationCode> validation_codes;
  std::vector<TxSpan> spans;  // by start, end, node, phase, then the event's identity

  // The code every peer reported; nullopt when none did or they disagree.
  std::optional<protos::TxValidationCode> validation_code() const;
  // Peers reported different codes (a fork of the peers' state).
  bool codes_disagree() const;
  // "VALID", "MVCC_READ_CONFLICT", "DISAGREE", or "" when no peer reported.
  std::string validation_code_name() const;

  // The first span of `phase` (at `node` when not empty); nullptr if none.
  const TxSpan* Find(std::string_view phase, std::string_view node = {}) const;
  // Spans of `phase`, in span order.
  std::vector<const TxSpan*> FindAll(std::string_view phase) const;
  // Earliest start / latest end over all spans (0 when there are none).
  int64_t first_start() const;
  int64_t last_end() const;
};

// The name of a validation code ("VALID", "MVCC_READ_CONFLICT", "CODE_<n>").
std::string ValidationCodeName(protos::TxValidationCode code);

}  // namespace loom::lab
