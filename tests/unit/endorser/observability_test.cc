// What the endorser tells the Observer stream and /metrics: the trace
// events of an endorsed and of a refused proposal, and Fabric's endorser
// metrics for each kind of outcome.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/crypto/hash.h"
#include "core/endorser/endorser.h"
#include "core/ops/fabric_metrics.h"
#include "core/ops/metrics.h"
#include "core/trace/trace_hub.h"
#include "endorser_test_support.h"

namespace loom::endorser {
namespace {

using testing::MakeProposal;
using testing::Net;
using testing::ProposalSpec;
using testing::TestChaincode;
using testing::TestChannel;

struct Observed {
  TestChannel channel;
  TestChaincode chaincode;
  trace::TraceHub hub{trace::TraceHubOptions{"peer0.org1"}};
  ops::MetricsRegistry registry;
  std::unique_ptr<Endorser> endorser;

  Observed() {
    EndorserOptions options = testing::Options(&chaincode, {&channel});
    options.trace = &hub;
    options.metrics = &registry;
    endorser = Endorser::Create(std::move(options)).value();
  }

  std::vector<loom::TraceEvent> Events() const {
    std::vector<loom::TraceEvent> events;
    for (const auto& event : hub.Buffered(loom::EventFilter())) events.push_back(*event);
    return events;
  }

  double Count(const ops::MetricOpts& opts, std::initializer_list<std::string_view> labels = {}) {
    return registry.NewCounter(opts).value()->With(labels).Value();
  }
};

TEST(EndorserObservabilityTest, EndorsedProposalTrace) {
  Observed observed;
  ProposalSpec spec;
  spec.args = {"move", "from", "to"};
  testing::BuiltProposal built = MakeProposal(*Net().org1_user, spec);
  protos::ProposalResponse response = observed.endorser->ProcessProposal(built.signed_proposal);
  ASSERT_EQ(response.response().status(), 200) << response.response().message();

  std::vector<loom::TraceEvent> events = observed.Events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].phase(), loom::TraceEvent::PROPOSAL_RECEIVED);
  EXPECT_EQ(events[1].phase(), loom::TraceEvent::SIMULATED);
  EXPECT_EQ(events[2].phase(), loom::TraceEvent::ENDORSED);
  for (const loom::TraceEvent& event : events) {
    EXPECT_EQ(event.channel(), "mychannel");
    EXPECT_EQ(event.tx_id(), built.tx_id);
    EXPECT_EQ(event.node(), "peer0.org1");
    EXPECT_LE(event.start_unix_nanos(), event.end_unix_nanos());
  }
  const loom::SimulationDetail& simulation = events[1].simulation();
  EXPECT_EQ(simulation.chaincode(), "basic");
  EXPECT_EQ(simulation.function(), "move");
  EXPECT_EQ(simulation.reads(), 1u);
  EXPECT_EQ(simulation.writes(), 1u);
  EXPECT_EQ(simulation.deletes(), 1u);
  EXPECT_EQ(simulation.range_queries(), 0u);
  EXPECT_EQ(simulation.response_status(), 200);
  const loom::EndorsementDetail& endorsement = events[2].endorsement();
  EXPECT_EQ(endorsement.chaincode(), "basic");
  EXPECT_EQ(endorsement.creator_msp_id(), "Org1MSP");
  EXPECT_EQ(endorsement.endorser_msp_id(), "Org1MSP");
  EXPECT_EQ(endorsement.status(), 200);
  EXPECT_EQ(endorsement.payload_hash(), crypto::Sha256(response.payload()));

  EXPECT_EQ(observed.Count(ops::kEndorserProposalsReceived), 1);
  EXPECT_EQ(observed.Count(ops::kEndorserSuccessfulProposals), 1);
  auto* duration = observed.registry.NewHistogram(ops::kEndorserProposalDuration).value();
  EXPECT_EQ(duration->With({"mychannel", "basic", "true"}).Read().count, 1u);
}

TEST(EndorserObservabilityTest, RefusalsTraceAndCount) {
  Observed observed;
  // A malformed one, an ACL failure, a chaincode error, an executor failure.
  observed.endorser->ProcessProposal(MakeProposal(*Net().org1_user,
                                                  [] {
                                                    ProposalSpec spec;
                                                    spec.epoch = 1;
                                                    return spec;
                                                  }())
                                         .signed_proposal);
  observed.endorser->ProcessProposal(MakeProposal(*Net().org1_peer).signed_proposal);
  observed.endorser->ProcessProposal(MakeProposal(*Net().org1_user,
                                                  [] {
                                                    ProposalSpec spec;
                                                    spec.args = {"fail", "no such asset"};
                                                    return spec;
                                                  }())
                                         .signed_proposal);
  observed.endorser->ProcessProposal(MakeProposal(*Net().org1_user,
                                                  [] {
                                                    ProposalSpec spec;
                                                    spec.args = {"timeout"};
                                                    return spec;
                                                  }())
                                         .signed_proposal);

  EXPECT_EQ(observed.Count(ops::kEndorserProposalsReceived), 4);
  EXPECT_EQ(observed.Count(ops::kEndorserSuccessfulProposals), 0);
  EXPECT_EQ(observed.Count(ops::kEndorserProposalValidationFailures), 1);
  EXPECT_EQ(observed.Count(ops::kEndorserProposalAclFailures, {"mychannel", "basic"}), 1);
  EXPECT_EQ(observed.Count(ops::kEndorserEndorsementFailures, {"mychannel", "basic", "true"}), 1);
  EXPECT_EQ(observed.Count(ops::kEndorserEndorsementFailures, {"mychannel", "basic", "false"}), 1);
  auto* duration = observed.registry.NewHistogram(ops::kEndorserProposalDuration).value();
  EXPECT_EQ(duration->With({"mychannel", "basic", "false"}).Read().count, 3u);
  // The malformed one was refused before its chaincode name was read.
  EXPECT_EQ(duration->With({"mychannel", "", "false"}).Read().count, 1u);

  std::vector<loom::TraceEvent> events = observed.Events();
  std::vector<loom::TraceEvent::Phase> phases;
  for (const loom::TraceEvent& event : events) phases.push_back(event.phase());
  using P = loom::TraceEvent;
  EXPECT_EQ(phases, (std::vector<loom::TraceEvent::Phase>{
                        P::PROPOSAL_RECEIVED, P::PROPOSAL_REJECTED, P::PROPOSAL_RECEIVED,
                        P::PROPOSAL_REJECTED, P::PROPOSAL_RECEIVED, P::SIMULATED, P::PROPOSAL_REJECTED,
                        P::PROPOSAL_RECEIVED, P::PROPOSAL_REJECTED}));
  EXPECT_EQ(events[1].endorsement().status(), 500);
  EXPECT_NE(events[1].endorsement().message().find("epoch must be 0"), std::string::npos);
  EXPECT_NE(events[3].endorsement().message().find("access denied"), std::string::npos);
  EXPECT_EQ(events[5].simulation().response_status(), 500);
  EXPECT_EQ(events[6].endorsement().message(), "no such asset");
  EXPECT_EQ(events[6].endorsement().creator_msp_id(), "Org1MSP");

  // Fabric's names in the exposition.
  std::string exposition = observed.registry.Exposition();
  EXPECT_NE(exposition.find("endorser_proposals_received 4"), std::string::npos) << exposition;
  EXPECT_NE(exposition.find("endorser_propsal_duration_bucket{channel=\"mychannel\",chaincode=\"basic\""),
            std::string::npos);
}

}  // namespace
}  // namespace loom::endorser
