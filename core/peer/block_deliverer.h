// BlockDeliverer: the peer's deliver client for one channel (Fabric's
// deliverservice). A thread keeps one orderer.AtomicBroadcast/Deliver stream
// open to one of the channel's orderers, asking for every block from the
// channel's Height() on (SeekInfo start = Height, stop = max, BLOCK_UNTIL_READY)
// in a DELIVER_SEEK_INFO envelope signed by the peer's signer (the orderers
// check it against /Channel/Readers), and hands each block to
// PeerChannel::SubmitBlock.
//
// When the stream ends, fails (unreachable, refused, a status instead of a
// block) or a block is refused by SubmitBlock (bad hash chain, signatures,
// ...), the stream is cancelled and the next endpoint is tried (round robin),
// after a backoff that starts at `initial_backoff` and doubles up to
// `max_backoff` while attempts keep failing; a stream that delivered a block
// resets it. Every reconnect logs why the last stream ended. A stream
// resumes at the channel's height, so a block is never skipped; blocks the
// channel already has are ignored by SubmitBlock.
//
// Endpoints: options.endpoints, or when empty the channel config's orderer
// endpoints, read again at every reconnect (a config block may move them).
// Plaintext unless TLS root certificates are given; a client certificate is
// optional (orderers that require mutual TLS).
//
// Stop() cancels the open call, wakes a backoff wait and joins the thread,
// promptly. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/peer/peer_channel.h"
#include "core/protocol/signer.h"
#include "core/util/status.h"

namespace loom::peer {

struct BlockDelivererOptions {
  std::vector<std::string> endpoints;  // "host:port"; empty: the channel config's
  std::string tls_root_certs_pem;      // TLS: off when empty
  std::string tls_client_cert_pem;     // optional, with the key: mutual TLS
  std::string tls_client_key_pem;
  std::string tls_server_name_override;  // optional: expected name in the orderers' certificates
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
  size_t max_message_bytes = 100u << 20;  // largest DeliverResponse accepted
  // One line per event worth a log line (connected, why a stream ended).
  std::function<void(const std::string& line)> log;
};

class BlockDeliverer {
 public:
  // Starts the thread. `channel` and `signer` must outlive the deliverer.
  // InvalidArgument for a null channel or signer, an empty endpoint, client
  // TLS material without root certificates, a certificate without its key
  // (or the reverse), or a zero/inverted backoff.
  static Result<std::unique_ptr<BlockDeliverer>> Start(PeerChannel* channel, const protocol::Signer* signer,
                                                       BlockDelivererOptions options);
  ~BlockDeliverer();  // Stop()
  BlockDeliverer(const BlockDeliverer&) = delete;
  BlockDeliverer& operator=(const BlockDeliverer&) = delete;

  // Ends the stream and the thread; returns once it has. Idempotent.
  void Stop();

  // The endpoint of the current (or last) stream; empty before the first.
  std::string current_endpoint() const;
  // Deliver streams opened so far.
  uint64_t streams_opened() const;
  // Why the last stream ended (OK while none has).
  Status last_problem() const;

 private:
  class Impl;  // block_deliverer.cc
  explicit BlockDeliverer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace loom::peer
