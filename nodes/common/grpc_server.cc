#include "nodes/common/grpc_server.h"

#include <grpcpp/grpcpp.h>

#include "core/util/file_util.h"

namespace loom::nodes {

Result<std::shared_ptr<grpc::ServerCredentials>> ServerCredentials(const orderer::TlsSettings& tls) {
  if (!tls.enabled) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions options(tls.client_ca_file.empty()
                                                ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                                                : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  LOOM_ASSIGN_OR_RETURN(pair.private_key, ReadFile(tls.key_file));
  LOOM_ASSIGN_OR_RETURN(pair.cert_chain, ReadFile(tls.cert_file));
  options.pem_key_cert_pairs.push_back(std::move(pair));
  if (!tls.client_ca_file.empty()) {
    LOOM_ASSIGN_OR_RETURN(options.pem_root_certs, ReadFile(tls.client_ca_file));
  }
  return grpc::SslServerCredentials(options);
}

Result<ListeningServer> Serve(const orderer::HostPort& address,
                              const std::shared_ptr<grpc::ServerCredentials>& credentials,
                              const std::vector<grpc::Service*>& services, const orderer::NodeLimits& limits,
                              std::string_view what) {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(address.ToString(), credentials, &port);
  for (grpc::Service* service : services) builder.RegisterService(service);
  builder.SetMaxReceiveMessageSize(static_cast<int>(limits.max_message_bytes));
  builder.SetMaxSendMessageSize(static_cast<int>(limits.max_message_bytes));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             static_cast<int>(limits.max_concurrent_streams));
  ListeningServer listening;
  listening.server = builder.BuildAndStart();
  if (listening.server == nullptr || port == 0) {
    std::string prefix = what.empty() ? "" : std::string(what) + ": ";
    return Status::IoError(prefix + "cannot listen on " + address.ToString() +
                           " (address in use, or not an address of this machine)");
  }
  listening.address = orderer::HostPort{address.host, static_cast<uint16_t>(port)}.ToString();
  return listening;
}

}  // namespace loom::nodes
