#include "core/endorser/proposal_trace.h"

#include "core/crypto/hash.h"
#include "core/trace/trace_hub.h"
#include "ledger/rwset/kvrwset/kv_rwset.pb.h"
#include "ledger/rwset/rwset.pb.h"

namespace loom::endorser {

ProposalTracer::ProposalTracer(trace::TraceHub* hub, std::string channel, std::string tx_id,
                               int64_t start_unix_nanos)
    : hub_(hub),
      channel_(std::move(channel)),
      tx_id_(std::move(tx_id)),
      start_unix_nanos_(start_unix_nanos) {}

loom::TraceEvent ProposalTracer::Event(loom::TraceEvent::Phase phase) const {
  loom::TraceEvent event;
  event.set_phase(phase);
  event.set_channel(channel_);
  event.set_tx_id(tx_id_);
  event.set_start_unix_nanos(start_unix_nanos_);
  event.set_end_unix_nanos(trace::UnixNanosNow());
  return event;
}

void ProposalTracer::Received() const {
  if (!hub_) return;
  loom::TraceEvent event = Event(loom::TraceEvent::PROPOSAL_RECEIVED);
  event.set_end_unix_nanos(start_unix_nanos_);
  hub_->Publish(std::move(event));
}

void ProposalTracer::Simulated(std::string_view chaincode, std::string_view function,
                               std::string_view results, const protos::Response& response) const {
  if (!hub_) return;
  loom::TraceEvent event = Event(loom::TraceEvent::SIMULATED);
  loom::SimulationDetail* detail = event.mutable_simulation();
  *detail = SummarizeResults(results);
  detail->set_chaincode(std::string(chaincode));
  detail->set_function(std::string(function));
  detail->set_response_status(response.status());
  detail->set_response_message(response.message());
  hub_->Publish(std::move(event));
}

void ProposalTracer::Endorsed(std::string_view chaincode, std::string_view creator_msp_id,
                              std::string_view endorser_msp_id,
                              const protos::ProposalResponse& response) const {
  if (!hub_) return;
  loom::TraceEvent event = Event(loom::TraceEvent::ENDORSED);
  loom::EndorsementDetail* detail = event.mutable_endorsement();
  detail->set_chaincode(std::string(chaincode));
  detail->set_creator_msp_id(std::string(creator_msp_id));
  detail->set_endorser_msp_id(std::string(endorser_msp_id));
  detail->set_status(response.response().status());
  detail->set_message(response.response().message());
  detail->set_payload_hash(crypto::Sha256(response.payload()));
  hub_->Publish(std::move(event));
}

void ProposalTracer::Rejected(std::string_view chaincode, std::string_view creator_msp_id, int32_t status,
                              std::string_view message) const {
  if (!hub_) return;
  loom::TraceEvent event = Event(loom::TraceEvent::PROPOSAL_REJECTED);
  loom::EndorsementDetail* detail = event.mutable_endorsement();
  detail->set_chaincode(std::string(chaincode));
  detail->set_creator_msp_id(std::string(creator_msp_id));
  detail->set_status(status);
  detail->set_message(std::string(message));
  hub_->Publish(std::move(event));
}

loom::SimulationDetail SummarizeResults(std::string_view results) {
  loom::SimulationDetail detail;
  rwset::TxReadWriteSet set;
  if (results.empty() || !set.ParseFromArray(results.data(), static_cast<int>(results.size()))) return detail;
  uint32_t reads = 0, writes = 0, deletes = 0, ranges = 0;
  for (const rwset::NsReadWriteSet& ns : set.ns_rwset()) {
    kvrwset::KVRWSet kv;
    if (!kv.ParseFromString(ns.rwset())) continue;
    reads += static_cast<uint32_t>(kv.reads_size());
    ranges += static_cast<uint32_t>(kv.range_queries_info_size());
    for (const kvrwset::KVWrite& write : kv.writes()) (write.is_delete() ? deletes : writes) += 1;
  }
  detail.set_reads(reads);
  detail.set_writes(writes);
  detail.set_deletes(deletes);
  detail.set_range_queries(ranges);
  return detail;
}

}  // namespace loom::endorser
