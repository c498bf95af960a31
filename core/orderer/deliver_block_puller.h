// DeliverBlockPuller: a BlockPuller that fetches a channel's blocks from
// other orderers over their public orderer.AtomicBroadcast/Deliver, as
// Fabric's cluster block puller does.
//
// Each fetch is one Deliver stream carrying one DELIVER_SEEK_INFO envelope
// signed by this orderer's identity (the other orderers must let it read:
// /Channel/Readers): seek specified N .. N+range_size-1, FAIL_IF_NOT_READY,
// so an orderer with fewer blocks answers with what it has and NOT_FOUND.
// The verified blocks of the range are cached, so sequential PullBlock calls
// open one stream per `range_size` blocks; the cache holds at most one range
// and a block leaves it when it is returned (asking again re-fetches).
//
// Every block is checked (CheckDeliveredBlock, block_check.h) before it is
// cached or returned, first failure wins:
//   header number is not the one asked for                  Corruption
//   header data hash != SHA-256 of its data                 Corruption
//   previous_hash != the header hash of the block before it
//     (within a range, and across ranges when the puller
//     verified that block)                                   Corruption
//   SIGNATURES metadata does not parse                      Corruption
//   the orderer signatures do not satisfy the channel's
//     /Channel/Orderer/BlockValidation policy (evaluated
//     with the PolicyManager given at Create, now)          PermissionDenied
// Block 0 (the genesis block) is signed by nobody: instead of the signature
// check, its header hash must equal `genesis_header_hash` (Corruption when
// it differs, PermissionDenied when that option is empty).
// A range is cut at its first bad block; the good blocks before it stay.
//
// Endpoints are tried in turn, starting with the one that served the last
// range; one that is down, times out, refuses the request, lacks the block
// or serves a bad block is skipped. When none provides block N the error
// names every endpoint and what happened there, and its code is:
//   Corruption/PermissionDenied  some endpoint served a block N that failed
//                                the checks (the first such failure's code)
//   NotFound                     every endpoint answered that it has no
//                                block N (yet), or does not serve the channel
//   Unavailable                  otherwise (down, timed out, refused, ...)
//
// Each Deliver stream has a deadline of `call_timeout` (so one PullBlock
// takes at most endpoints x call_timeout). Connections are plaintext unless
// TLS root certificates are given; a client certificate is optional (for
// orderers that require mutual TLS). An unreachable orderer fails fast and
// is dialed again in the background (at most 5 s apart).
//
// Thread-safe: PullBlock calls are serialized.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/common.pb.h"
#include "core/orderer/block_check.h"
#include "core/orderer/block_puller.h"
#include "core/protocol/signer.h"
#include "core/util/status.h"

namespace grpc {
class Channel;
}  // namespace grpc
namespace loom::channelconfig {
class PolicyManager;
}  // namespace loom::channelconfig

namespace loom::orderer {

struct DeliverBlockPullerOptions {
  std::vector<std::string> endpoints;             // "host:port" of the other orderers' Deliver service
  std::chrono::milliseconds call_timeout{10000};  // deadline of each Deliver stream
  uint64_t range_size = 64;                       // blocks asked for per stream (at least 1)
  size_t max_message_bytes = 100u << 20;          // largest DeliverResponse accepted
  // TLS: off when `tls_root_certs_pem` is empty.
  std::string tls_root_certs_pem;   // CA certificates the orderers' TLS certificates chain to
  std::string tls_client_cert_pem;  // optional, with the key: mutual TLS
  std::string tls_client_key_pem;
  std::string tls_server_name_override;  // optional: expected name in the servers' certificates
  // The header hash of the channel's block 0 (protocol::BlockHeaderHash),
  // when block 0 may be pulled; empty: block 0 is refused.
  std::string genesis_header_hash;
};

class DeliverBlockPuller : public BlockPuller {
 public:
  // `signer` (this orderer's identity) must outlive the puller; `policies`
  // are the channel's (BlockValidation). InvalidArgument for no endpoints,
  // an empty endpoint, range_size 0, a client certificate without key (or
  // the reverse) or client TLS material without root certificates.
  static Result<std::unique_ptr<DeliverBlockPuller>> Create(
      std::string channel_id, const protocol::Signer* signer,
      std::shared_ptr<const channelconfig::PolicyManager> policies, DeliverBlockPullerOptions options);
  ~DeliverBlockPuller() override;

  Result<common::Block> PullBlock(uint64_t number) override;

  // Deliver streams opened so far (for tests and metrics).
  uint64_t streams_opened() const;

 private:
  struct Endpoint {
    std::string address;
    std::shared_ptr<grpc::Channel> channel;
  };
  // What one endpoint gave for a range starting at `first`.
  struct Fetch {
    std::vector<common::Block> blocks;  // verified, consecutive from `first`
    Status problem;                     // why it stopped short (OK when the range is complete)
  };

  DeliverBlockPuller(std::string channel_id, const protocol::Signer* signer,
                     std::shared_ptr<const channelconfig::PolicyManager> policies,
                     DeliverBlockPullerOptions options, std::vector<Endpoint> endpoints);

  // Blocks `first`.. of one range from `endpoint`; `previous_hash`: the
  // header hash of block first-1, when known.
  Fetch FetchRange(const Endpoint& endpoint, uint64_t first, std::optional<std::string> previous_hash);
  // OK when `block` may be block `number` following a header hash of
  // `previous_hash` (when known).
  Status CheckBlock(const common::Block& block, uint64_t number,
                    const std::optional<std::string>& previous_hash) const;

  const std::string channel_id_;
  const protocol::Signer* const signer_;
  const std::shared_ptr<const channelconfig::PolicyManager> policies_;
  const DeliverBlockPullerOptions options_;
  const std::vector<Endpoint> endpoints_;

  mutable std::mutex mutex_;
  size_t preferred_endpoint_ = 0;                 // guarded by mutex_
  std::map<uint64_t, common::Block> cache_;       // guarded by mutex_; verified blocks of the last range
  std::optional<uint64_t> last_verified_number_;  // guarded by mutex_
  std::string last_verified_hash_;                // guarded by mutex_; header hash of that block
  uint64_t streams_opened_ = 0;                   // guarded by mutex_
};

}  // namespace loom::orderer
