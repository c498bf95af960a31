// core/orderer's AtomicBroadcast service — its Broadcast and Deliver
// handlers over a ChannelRegistry — served by gRPC on 127.0.0.1 at an
// ephemeral port, for tests that need a real orderer endpoint in-process.
// The server shuts down (cancelling open streams) when the object goes away;
// the registry and its channels must outlive it. LoadOrdererServerTls gives
// the credentials to serve over TLS as the network's orderer.
#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "core/cryptogen/layout.h"
#include "core/orderer/atomic_broadcast_service.h"
#include "core/orderer/broadcast_handler.h"
#include "core/orderer/deliver_handler.h"
#include "core/util/file_util.h"
#include "core/util/status.h"
#include "core/util/worker_pool.h"
#include "tests/support/orderer_network.h"

namespace loom::testing {

// The orderer's TLS material from an OrdererNetwork's crypto folder: server
// credentials for its certificate (no client certificate asked) and the CA
// certificate clients trust; the name to expect is "localhost".
struct OrdererServerTls {
  std::shared_ptr<grpc::ServerCredentials> credentials;
  std::string ca_pem;
};

inline Result<OrdererServerTls> LoadOrdererServerTls(const OrdererNetwork& network) {
  std::string tls_dir =
      cryptogen::OrdererFolder(network.crypto_dir(), network.Org("OrdererOrg"), "orderer") + "/tls";
  LOOM_ASSIGN_OR_RETURN(std::string cert, ReadFile(tls_dir + "/server.crt"));
  LOOM_ASSIGN_OR_RETURN(std::string key, ReadFile(tls_dir + "/server.key"));
  OrdererServerTls tls;
  LOOM_ASSIGN_OR_RETURN(tls.ca_pem, ReadFile(tls_dir + "/ca.crt"));
  grpc::SslServerCredentialsOptions options(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  options.pem_key_cert_pairs.push_back({key, cert});
  tls.credentials = grpc::SslServerCredentials(options);
  return tls;
}

class AtomicBroadcastServer {
 public:
  // `now` is the Deliver handler's clock (certificate expiry is judged by it).
  AtomicBroadcastServer(orderer::ChannelRegistry* registry,
                        std::shared_ptr<grpc::ServerCredentials> credentials,
                        orderer::AtomicBroadcastOptions options = {},
                        std::function<crypto::Clock::time_point()> now = crypto::Clock::now)
      : broadcast_(registry),
        deliver_(registry, std::move(now)),
        workers_(std::make_unique<util::WorkerPool>(2)) {
    service_ = orderer::MakeAtomicBroadcastService(&broadcast_, &deliver_, workers_.get(), options);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", std::move(credentials), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    EXPECT_NE(server_, nullptr);
    address_ = "127.0.0.1:" + std::to_string(port);
  }
  ~AtomicBroadcastServer() {
    server_->Shutdown(std::chrono::system_clock::now());
    workers_.reset();
  }
  AtomicBroadcastServer(const AtomicBroadcastServer&) = delete;
  AtomicBroadcastServer& operator=(const AtomicBroadcastServer&) = delete;

  const std::string& address() const { return address_; }

 private:
  orderer::BroadcastHandler broadcast_;
  orderer::DeliverHandler deliver_;
  std::unique_ptr<util::WorkerPool> workers_;
  std::unique_ptr<grpc::Service> service_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

}  // namespace loom::testing
