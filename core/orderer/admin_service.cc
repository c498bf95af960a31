#include "core/orderer/admin_service.h"

#include "core/orderer/admin_service_adapter.h"
#include "loom/orderer_admin.grpc.pb.h"

namespace loom::orderer {

std::unique_ptr<grpc::Service> MakeOrdererAdminService(OrdererAdmin* admin,
                                                       OrdererAdminServiceOptions options) {
  using Service = orderer::AdminServiceAdapter<loom::OrdererAdmin::CallbackService, OrdererAdmin,
                                               loom::JoinChannelResponse, loom::ListChannelsResponse,
                                               OrdererAdminServiceOptions>;
  return std::make_unique<Service>(admin, std::move(options));
}

}  // namespace loom::orderer
