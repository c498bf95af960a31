// Gateway: invoke and query chaincode on a network the way Fabric's
// gateway/SDK does — the client half of execute → order → validate.
//
// Invoke:
//  1. endorsers: the ones named in the options, else a set that satisfies
//     the chaincode's endorsement policy — the definition committed on the
//     channel (`_lifecycle` QueryChaincodeDefinition at a peer; for
//     `_lifecycle` itself the channel's LifecycleEndorsement), a channel
//     policy reference resolved with the channel's config — as the smallest
//     set of the channel's orgs that satisfies it, one peer per org (the
//     first the endpoints list);
//  2. endorse at all of them in parallel; any peer that does not answer,
//     a chaincode response with status >= 400, or endorsements whose
//     ProposalResponsePayloads differ make the invoke fail naming the
//     endorsers (as Fabric's "ProposalResponsePayloads do not match");
//  3. assemble, start commit watchers (DeliverFiltered at every endorser,
//     or the first only), broadcast to the channel's orderers in turn (the
//     next on UNAVAILABLE or SERVICE_UNAVAILABLE), and wait for the commit
//     at each watched peer; peers that disagree on the code are an error.
// An invalid commit is not an error: the result carries the code.
//
// Query: the proposal at one peer (the named one, else the first of the
// channel that answers); nothing is ordered.
//
// Every network call has the options' timeout. Thread-safe: a Gateway holds
// only its endpoints and identity.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/lab/endpoints.h"
#include "core/protocol/signer.h"
#include "core/util/status.h"

namespace loom::lab {

struct InvokeOptions {
  std::vector<std::string> peers;  // explicit endorsers (FQDN or prefix); empty = by policy
  bool wait_for_commit = true;
  // Wait for the commit at every endorser (so a query at any of them sees
  // the transaction), or only at the first as Fabric's gateway does.
  bool wait_at_every_endorser = true;
  std::chrono::milliseconds timeout{30000};
  std::map<std::string, std::string> transient;
};

struct EndorserResult {
  std::string name;
  std::string mspid;
  int32_t status = 0;
  std::string message;
};

// Durations in milliseconds: endorse from the proposal's creation to the
// last endorsement, order the broadcast until the orderer's answer, commit
// from then until the commit was seen at every watched peer (0 when not
// waited for); total from the call on, so it also covers choosing the
// endorsers (a definition query and a config block read).
struct PhaseTimes {
  double endorse_ms = 0;
  double order_ms = 0;
  double commit_ms = 0;
  double total_ms = 0;
};

struct InvokeResult {
  std::string tx_id;
  bool committed = false;  // false when not waited for
  int validation_code = 0;
  std::string validation_code_name;  // empty when not waited for
  uint64_t block_number = 0;
  std::string orderer;  // the orderer that accepted it
  std::vector<EndorserResult> endorsers;
  PhaseTimes phases;
  std::string payload;  // the chaincode's response payload
};

struct QueryOptions {
  std::string peer;  // FQDN or prefix; empty = the first peer of the channel that answers
  std::chrono::milliseconds timeout{30000};
  std::map<std::string, std::string> transient;
};

struct QueryResult {
  std::string peer;
  std::string mspid;
  int32_t status = 0;
  std::string message;
  std::string payload;
  double duration_ms = 0;
};

class Gateway {
 public:
  Gateway(NetworkEndpoints endpoints, std::shared_ptr<protocol::Signer> identity);

  // `args[0]` is the function.
  Result<InvokeResult> Invoke(const std::string& channel, const std::string& chaincode,
                              const std::vector<std::string>& args, const InvokeOptions& options = {}) const;
  // A chaincode response with status >= 400 is FailedPrecondition with the
  // chaincode's message.
  Result<QueryResult> Query(const std::string& channel, const std::string& chaincode,
                            const std::vector<std::string>& args, const QueryOptions& options = {}) const;

  // Step 1 of Invoke.
  Result<std::vector<const PeerEndpoint*>> ChooseEndorsers(const std::string& channel,
                                                           const std::string& chaincode,
                                                           std::chrono::milliseconds timeout) const;
  // The endorsement policy of `chaincode` on `channel`, in Fabric's syntax
  // (the flattened signature policy).
  Result<std::string> EndorsementPolicyText(const std::string& channel, const std::string& chaincode,
                                            std::chrono::milliseconds timeout) const;

  const NetworkEndpoints& endpoints() const { return endpoints_; }

 private:
  NetworkEndpoints endpoints_;
  std::shared_ptr<protocol::Signer> identity_;
};

}  // namespace loom::lab
