// One block stream shared by every transaction of a run (never one per tx):
// a peer's DeliverFiltered (what a client sees commit, with each
// transaction's validation code) or an orderer's Deliver (whole blocks, for
// --order-only: when a transaction was cut into a block). Both start at the
// newest block; each block arriving calls `on_block` on the stream's own
// thread with the time it arrived. Start returns once the first block came,
// so nothing broadcast afterwards can be missed.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/common.pb.h"
#include "core/protocol/signer.h"
#include "core/util/status.h"

namespace grpc {
class Channel;
class ClientContext;
}  // namespace grpc

namespace loom::bench {

struct BlockTx {
  std::string tx_id;
  int code = 0;  // protos::TxValidationCode; 0 (VALID) for orderer blocks, which carry none yet
};

using BlockCallback = std::function<void(uint64_t block_number, const std::vector<BlockTx>& txs,
                                         std::chrono::steady_clock::time_point arrived)>;

class BlockEventStream {
 public:
  enum class Source { kPeerFiltered, kOrdererBlocks };
  static Result<std::unique_ptr<BlockEventStream>> Start(
      Source source, const std::shared_ptr<grpc::Channel>& node, const std::string& channel,
      const protocol::Signer& signer, BlockCallback on_block, std::chrono::milliseconds timeout);
  ~BlockEventStream();  // cancels the stream and joins its thread
  BlockEventStream(const BlockEventStream&) = delete;
  BlockEventStream& operator=(const BlockEventStream&) = delete;

 private:
  BlockEventStream() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::thread reader_;
};

// A Broadcast stream kept open for many envelopes (what Fabric's SDKs do):
// one envelope at a time, answered in order. When the stream breaks it is
// reopened, to the next orderer of `orderers` (a Raft follower forwards to
// the leader), each orderer tried once per envelope. Every stream ends by
// `deadline` at the latest, so a silent orderer cannot hold a client thread
// past the run. Not thread-safe: one per client thread.
class BroadcastStream {
 public:
  BroadcastStream(std::vector<std::shared_ptr<grpc::Channel>> orderers,
                  std::chrono::system_clock::time_point deadline);
  ~BroadcastStream();
  // The orderer's answer status (common::Status: 200 = SUCCESS) and info;
  // an error only when no answer came.
  Result<std::pair<int, std::string>> Send(const common::Envelope& envelope);

 private:
  void Close();
  std::vector<std::shared_ptr<grpc::Channel>> orderers_;
  size_t current_ = 0;  // the orderer the stream goes to
  std::chrono::system_clock::time_point deadline_;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace loom::bench
