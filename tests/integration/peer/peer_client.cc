#include "tests/integration/peer/peer_client.h"

#include <grpcpp/grpcpp.h>

#include "core/orderer/deliver_handler.h"
#include "core/orderer/orderer_admin.h"
#include "core/orderer/seek_envelope.h"
#include "core/protocol/block.h"
#include "core/protocol/envelope.h"
#include "loom/peer_admin.grpc.pb.h"

namespace loom::testing {

std::string SeekFrom(const std::string& channel, const protocol::Signer& signer, uint64_t start) {
  auto envelope = orderer::CreateSeekEnvelope(
      channel, signer,
      orderer::MakeSeekInfo(orderer::SeekPoint::Number(start),
                            orderer::SeekPoint::Number(orderer::kDeliverForever)));
  return envelope.ok() ? envelope->SerializeAsString() : std::string();
}

PeerDeliverResult PeerDeliver(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                              const std::string& seek, Deadline deadline,
                              const std::function<bool(const protos::DeliverResponse&)>& on_response) {
  PeerDeliverResult result;
  RawStream stream(channel, method, deadline);
  if (!stream.Write(seek)) return result;
  while (auto message = stream.Read()) {
    protos::DeliverResponse response;
    if (!response.ParseFromString(*message)) break;
    if (response.Type_case() == protos::DeliverResponse::kStatus) {
      result.status = response.status();
      break;
    }
    result.responses.push_back(response);
    if (on_response && !on_response(response)) {
      stream.Cancel();
      break;
    }
  }
  stream.Finish();
  return result;
}

std::map<std::string, int> WaitForCommitted(const std::shared_ptr<grpc::Channel>& channel,
                                            const std::string& channel_id, const protocol::Signer& reader,
                                            const std::set<std::string>& tx_ids, Deadline deadline,
                                            std::vector<common::Block>* blocks) {
  std::map<std::string, int> codes;
  std::set<std::string> missing = tx_ids;
  if (missing.empty()) return codes;
  PeerDeliver(channel, kPeerDeliver, SeekFrom(channel_id, reader, 0), deadline,
              [&](const protos::DeliverResponse& response) {
                const common::Block& block = response.block();
                if (blocks) blocks->push_back(block);
                std::string filter = protocol::TransactionsFilter(block);
                for (int i = 0; i < block.data().data_size(); ++i) {
                  auto parsed = protocol::ParseEnvelopeBytes(block.data().data(i));
                  if (!parsed.ok()) continue;
                  const std::string& tx_id = parsed->channel_header.tx_id();
                  if (!missing.erase(tx_id)) continue;
                  codes[tx_id] =
                      static_cast<size_t>(i) < filter.size() ? static_cast<uint8_t>(filter[i]) : -1;
                }
                return !missing.empty();
              });
  return codes;
}

Result<std::vector<loom::PeerChannelInfo>> ListPeerChannels(const std::shared_ptr<grpc::Channel>& channel,
                                                            const protocol::Signer& admin,
                                                            Deadline deadline) {
  loom::AdminRequest request;
  request.mutable_list_channels();
  LOOM_ASSIGN_OR_RETURN(loom::SignedAdminRequest signed_request, orderer::SignAdminRequest(request, admin));
  auto stub = loom::PeerAdmin::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(deadline);
  loom::PeerListChannelsResponse response;
  grpc::Status status = stub->ListChannels(&context, signed_request, &response);
  if (!status.ok()) return Status::Unavailable("ListChannels: " + status.error_message());
  return std::vector<loom::PeerChannelInfo>(response.channels().begin(), response.channels().end());
}

}  // namespace loom::testing
