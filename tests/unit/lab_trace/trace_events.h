// Hand-made trace events for the lab trace tests, shaped like the ones the
// nodes publish (core/endorser/proposal_trace.cc, core/peer/commit_trace.cc,
// nodes/orderer/orderer_telemetry.cc). Sequence 0 unless a test sets one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "loom/observer.pb.h"
#include "peer/transaction.pb.h"

namespace loom::lab::testing {

inline constexpr char kChannel[] = "mychannel";

inline loom::TraceEvent Event(const std::string& node, loom::TraceEvent::Phase phase,
                              const std::string& tx_id, int64_t start, int64_t end) {
  loom::TraceEvent event;
  event.set_node(node);
  event.set_incarnation(1);
  event.set_phase(phase);
  event.set_channel(kChannel);
  event.set_tx_id(tx_id);
  event.set_start_unix_nanos(start);
  event.set_end_unix_nanos(end);
  return event;
}

inline loom::TraceEvent Endorsed(const std::string& peer, const std::string& tx_id, int64_t start,
                                 int64_t end) {
  loom::TraceEvent event = Event(peer, loom::TraceEvent::ENDORSED, tx_id, start, end);
  event.mutable_endorsement()->set_chaincode("assets");
  event.mutable_endorsement()->set_endorser_msp_id(peer == "peer0.org1" ? "Org1MSP" : "Org2MSP");
  event.mutable_endorsement()->set_status(200);
  return event;
}

inline loom::TraceEvent BroadcastAccepted(const std::string& tx_id, int64_t start, int64_t end) {
  loom::TraceEvent event = Event("orderer", loom::TraceEvent::BROADCAST_ACCEPTED, tx_id, start, end);
  event.mutable_broadcast()->set_envelope_bytes(3000);
  event.mutable_broadcast()->set_header_type("ENDORSER_TRANSACTION");
  return event;
}

inline loom::TraceEvent BlockLevel(const std::string& node, loom::TraceEvent::Phase phase, uint64_t block,
                                   const std::vector<std::string>& tx_ids, int64_t start, int64_t end) {
  loom::TraceEvent event = Event(node, phase, "", start, end);
  event.set_block_number(block);
  if (phase == loom::TraceEvent::BLOCK_CUT) {
    event.mutable_block_cut()->set_reason(loom::BlockCutDetail::COUNT);
    event.mutable_block_cut()->set_tx_count(static_cast<uint32_t>(tx_ids.size()));
    for (const std::string& tx_id : tx_ids) event.mutable_block_cut()->add_tx_ids(tx_id);
  } else if (phase == loom::TraceEvent::COMMITTED) {
    event.mutable_commit()->set_state_hash(std::string("\x01\xab", 2));
    event.mutable_commit()->set_valid_count(static_cast<uint32_t>(tx_ids.size()));
  } else {
    event.mutable_block()->set_tx_count(static_cast<uint32_t>(tx_ids.size()));
    for (const std::string& tx_id : tx_ids) event.mutable_block()->add_tx_ids(tx_id);
  }
  return event;
}

inline loom::TraceEvent PerTx(const std::string& peer, loom::TraceEvent::Phase phase, uint64_t block,
                              uint32_t index, const std::string& tx_id, protos::TxValidationCode code,
                              int64_t start, int64_t end) {
  loom::TraceEvent event = Event(peer, phase, tx_id, start, end);
  event.set_block_number(block);
  event.set_tx_index(index);
  if (phase == loom::TraceEvent::VSCC_DONE) {
    event.mutable_vscc()->set_validation_code(code);
    event.mutable_vscc()->set_policy("AND('Org1MSP.peer','Org2MSP.peer')");
    event.mutable_vscc()->add_satisfied_by("Org1MSP");
    event.mutable_vscc()->add_satisfied_by("Org2MSP");
  } else if (phase == loom::TraceEvent::MVCC_DONE) {
    event.mutable_mvcc()->set_validation_code(code);
  } else {
    event.mutable_commit()->set_validation_code(code);
  }
  return event;
}

// A complete flow of one transaction alone in block `block`, at two peers
// and one orderer; times in ns from `t`: endorse [t, t+5ms], broadcast,
// cut, written, received, VSCC, MVCC, commit.
struct Flow {
  int64_t t = 1'000'000'000'000;
  int64_t endorse = 5'000'000;  // ns after t the last endorsement ends
  int64_t order = 100'000'000;  // from endorsement end to the peers' VSCC start
  int64_t vscc = 2'000'000;
  int64_t gap = 100'000;  // between VSCC end and MVCC start, MVCC end and commit start
  int64_t mvcc = 1'000'000;
  int64_t ledger = 3'000'000;
};

inline std::vector<loom::TraceEvent> FlowEvents(const std::string& tx_id, uint64_t block, const Flow& f,
                                                protos::TxValidationCode code = protos::VALID) {
  const int64_t endorsed = f.t + f.endorse, vscc_start = endorsed + f.order;
  const int64_t vscc_end = vscc_start + f.vscc, mvcc_start = vscc_end + f.gap, mvcc_end = mvcc_start + f.mvcc;
  const int64_t commit_start = mvcc_end + f.gap, commit_end = commit_start + f.ledger;
  std::vector<loom::TraceEvent> events = {
      Endorsed("peer0.org1", tx_id, f.t, f.t + f.endorse / 2),
      Endorsed("peer0.org2", tx_id, f.t + 1000, endorsed),
      BroadcastAccepted(tx_id, endorsed + 1000, endorsed + 2000),
      BlockLevel("orderer", loom::TraceEvent::BLOCK_CUT, block, {tx_id}, endorsed + 2000, endorsed + 3000),
      BlockLevel("orderer", loom::TraceEvent::BLOCK_WRITTEN, block, {tx_id}, endorsed + 3000,
                 endorsed + 4000),
  };
  for (const std::string peer : {"peer0.org1", "peer0.org2"}) {
    events.push_back(BlockLevel(peer, loom::TraceEvent::BLOCK_RECEIVED, block, {tx_id}, vscc_start - 5000,
                                vscc_start - 5000));
    events.push_back(
        PerTx(peer, loom::TraceEvent::VSCC_DONE, block, 0, tx_id, protos::VALID, vscc_start, vscc_end));
    events.push_back(PerTx(peer, loom::TraceEvent::MVCC_DONE, block, 0, tx_id, code, mvcc_start, mvcc_end));
    events.push_back(
        PerTx(peer, loom::TraceEvent::COMMITTED, block, 0, tx_id, code, commit_start, commit_end));
    events.push_back(BlockLevel(peer, loom::TraceEvent::COMMITTED, block, {tx_id}, commit_start, commit_end));
  }
  return events;
}

}  // namespace loom::lab::testing
