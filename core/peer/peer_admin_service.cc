#include "core/peer/peer_admin_service.h"

#include "core/orderer/admin_service_adapter.h"
#include "loom/peer_admin.grpc.pb.h"

namespace loom::peer {

std::unique_ptr<grpc::Service> MakePeerAdminService(PeerAdmin* admin, PeerAdminServiceOptions options) {
  using Service =
      orderer::AdminServiceAdapter<loom::PeerAdmin::CallbackService, PeerAdmin, loom::PeerJoinChannelResponse,
                                   loom::PeerListChannelsResponse, PeerAdminServiceOptions>;
  return std::make_unique<Service>(admin, std::move(options));
}

}  // namespace loom::peer
