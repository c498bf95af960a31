// Trace events of a proposal's path through the endorser (loom.TraceEvent
// phases PROPOSAL_RECEIVED, SIMULATED, ENDORSED, PROPOSAL_REJECTED).
// Internal to loom_endorser. Publishing is a no-op without a hub.
// Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "loom/observer.pb.h"
#include "peer/proposal_response.pb.h"

namespace loom::trace {
class TraceHub;
}  // namespace loom::trace

namespace loom::endorser {

class ProposalTracer {
 public:
  ProposalTracer(trace::TraceHub* hub, std::string channel, std::string tx_id, int64_t start_unix_nanos);

  void Received() const;
  // `results` is the marshalled rwset.TxReadWriteSet ("" when the
  // simulation produced none).
  void Simulated(std::string_view chaincode, std::string_view function, std::string_view results,
                 const protos::Response& response) const;
  void Endorsed(std::string_view chaincode, std::string_view creator_msp_id, std::string_view endorser_msp_id,
                const protos::ProposalResponse& response) const;
  void Rejected(std::string_view chaincode, std::string_view creator_msp_id, int32_t status,
                std::string_view message) const;

 private:
  loom::TraceEvent Event(loom::TraceEvent::Phase phase) const;

  trace::TraceHub* hub_;
  std::string channel_;
  std::string tx_id_;
  int64_t start_unix_nanos_;
};

// Counts of a marshalled rwset.TxReadWriteSet, over every namespace;
// unparsable sets count as empty.
loom::SimulationDetail SummarizeResults(std::string_view results);

}  // namespace loom::endorser
