#include "core/orderer/deliver_client_channel.h"

#include <grpcpp/grpcpp.h>

namespace loom::orderer {

constexpr int kMaxReconnectBackoffMs = 5000;

Status CheckDeliverClientTls(const std::string& tls_root_certs_pem, const std::string& tls_client_cert_pem,
                             const std::string& tls_client_key_pem,
                             const std::string& tls_server_name_override) {
  if (tls_client_cert_pem.empty() != tls_client_key_pem.empty()) {
    return Status::InvalidArgument("a TLS client certificate needs its key, and the key its certificate");
  }
  if (tls_root_certs_pem.empty() && (!tls_client_cert_pem.empty() || !tls_server_name_override.empty())) {
    return Status::InvalidArgument("TLS client settings without TLS root certificates");
  }
  return Status::Ok();
}

std::shared_ptr<grpc::ChannelCredentials> DeliverClientCredentials(const std::string& tls_root_certs_pem,
                                                                   const std::string& tls_client_cert_pem,
                                                                   const std::string& tls_client_key_pem) {
  if (tls_root_certs_pem.empty()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = tls_root_certs_pem;
  ssl.pem_cert_chain = tls_client_cert_pem;
  ssl.pem_private_key = tls_client_key_pem;
  return grpc::SslCredentials(ssl);
}

std::shared_ptr<grpc::Channel> DialDeliverEndpoint(
    const std::string& address, const std::shared_ptr<grpc::ChannelCredentials>& credentials,
    size_t max_message_bytes, const std::string& tls_server_name_override) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(static_cast<int>(max_message_bytes));
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, kMaxReconnectBackoffMs);
  if (!tls_server_name_override.empty()) arguments.SetSslTargetNameOverride(tls_server_name_override);
  return grpc::CreateCustomChannel(address, credentials, arguments);
}

Status DeliverCallFailure(const grpc::Status& status) {
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    return Status::Unavailable("unreachable: " + status.error_message());
  }
  return Status::Unavailable("Deliver failed with gRPC status " +
                             std::to_string(static_cast<int>(status.error_code())) + ": " +
                             status.error_message());
}

}  // namespace loom::orderer
