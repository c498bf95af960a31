// Test clients of a running loom-peer: its protos.Deliver (full and
// filtered blocks, raw bytes over the orderer tests' RawStream) and its
// admin service. Every call has a deadline.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/common.pb.h"
#include "core/protocol/signer.h"
#include "core/util/status.h"
#include "loom/peer_admin.pb.h"
#include "peer/events.pb.h"
#include "tests/integration/orderer/orderer_client.h"

namespace loom::testing {

inline constexpr char kPeerDeliver[] = "/protos.Deliver/Deliver";
inline constexpr char kPeerDeliverFiltered[] = "/protos.Deliver/DeliverFiltered";
inline constexpr char kPeerDeliverWithPrivateData[] = "/protos.Deliver/DeliverWithPrivateData";

// A seek from block `start` on, forever (BLOCK_UNTIL_READY), signed by `signer`.
std::string SeekFrom(const std::string& channel, const protocol::Signer& signer, uint64_t start);

struct PeerDeliverResult {
  std::vector<protos::DeliverResponse> responses;  // blocks / filtered blocks, in order
  std::optional<common::Status> status;            // set when the peer ended the request with a status
};

// Sends `seek` on `method` and reads responses until a status arrives, the
// stream ends, or `on_response` returns false (then the stream is cancelled).
PeerDeliverResult PeerDeliver(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                              const std::string& seek, Deadline deadline,
                              const std::function<bool(const protos::DeliverResponse&)>& on_response = {});

// tx id -> validation code, read from the peer's committed blocks (Deliver,
// from block 0) until every id in `tx_ids` has been seen or the deadline
// passes. Blocks seen go to `blocks` when given.
std::map<std::string, int> WaitForCommitted(const std::shared_ptr<grpc::Channel>& channel,
                                            const std::string& channel_id, const protocol::Signer& reader,
                                            const std::set<std::string>& tx_ids, Deadline deadline,
                                            std::vector<common::Block>* blocks = nullptr);

// loom.PeerAdmin/ListChannels signed by `admin`.
Result<std::vector<loom::PeerChannelInfo>> ListPeerChannels(const std::shared_ptr<grpc::Channel>& channel,
                                                            const protocol::Signer& admin, Deadline deadline);

}  // namespace loom::testing
