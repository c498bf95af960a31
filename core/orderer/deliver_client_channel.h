// How a Deliver client (the orderer's DeliverBlockPuller, the peer's
// BlockDeliverer) dials an orderer: TLS credentials from PEM settings and a
// channel that accepts responses up to `max_message_bytes` and redials a
// restarted orderer within seconds (not after gRPC's default backoff of up
// to two minutes). The callers check the settings first. And what a failed
// Deliver call means.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "core/util/status.h"

namespace grpc {
class Channel;
class ChannelCredentials;
class Status;
}  // namespace grpc

namespace loom::orderer {

// InvalidArgument when the TLS settings do not go together: a client
// certificate without its key (or the reverse), or client settings or a
// server name override without root certificates.
Status CheckDeliverClientTls(const std::string& tls_root_certs_pem, const std::string& tls_client_cert_pem,
                             const std::string& tls_client_key_pem,
                             const std::string& tls_server_name_override);

// Insecure when `tls_root_certs_pem` is empty; else TLS to servers chaining
// to those roots, mutual when a client certificate and key are given.
std::shared_ptr<grpc::ChannelCredentials> DeliverClientCredentials(const std::string& tls_root_certs_pem,
                                                                   const std::string& tls_client_cert_pem,
                                                                   const std::string& tls_client_key_pem);

// `max_message_bytes` must fit an int. `tls_server_name_override` is the
// name expected in the server's certificate; none when empty.
std::shared_ptr<grpc::Channel> DialDeliverEndpoint(
    const std::string& address, const std::shared_ptr<grpc::ChannelCredentials>& credentials,
    size_t max_message_bytes, const std::string& tls_server_name_override);

// A Deliver call that ended with a gRPC error (not OK), as Unavailable:
// "unreachable: ..." or "Deliver failed with gRPC status <code>: ...".
Status DeliverCallFailure(const grpc::Status& status);

}  // namespace loom::orderer
