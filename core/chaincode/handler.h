// Handler: the peer's end of one chaincode stream (after Fabric's
// core/chaincode/handler.go), from the chaincode's REGISTER to the end of the
// stream.
//
// Protocol, as Fabric's peer plays it: the first message must be REGISTER
// with a ChaincodeID payload; the handler registers the name in the
// HandlerRegistry and answers REGISTERED then READY. Anything else first, an
// empty or already registered name, ends the stream with an ERROR naming the
// problem. After that every message belongs to a transaction the runtime
// started on this stream (keyed by channel and tx id) and is queued on its
// TransactionContext; a message for no such transaction, a second REGISTER,
// or bytes that are not a ChaincodeMessage get an ERROR reply and change
// nothing. KEEPALIVE is ignored.
//
// Untrusted input: each transaction may receive at most
// `max_requests_per_transaction` messages and hold at most
// `max_queued_messages` unprocessed ones (a shim waits for each reply), and
// no message may exceed `max_message_bytes`; breaking a limit fails that
// transaction with a message saying which (TransactionContext::Next).
//
// Thread safety: everything is thread-safe. The transport's calls
// (OnMessage, OnStreamClosed) never block; the runtime's Next blocks the
// calling (Execute) thread only.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "core/chaincode/message_stream.h"
#include "core/util/status.h"
#include "peer/chaincode_shim.pb.h"

namespace loom::chaincode {

class HandlerRegistry;

struct HandlerLimits {
  size_t max_message_bytes = 100 * 1024 * 1024;  // Fabric's default gRPC message limit
  size_t max_requests_per_transaction = 100000;
  size_t max_queued_messages = 1000;
};

// The messages of one transaction in progress on a stream, in arrival order.
class TransactionContext {
 public:
  TransactionContext(std::string chaincode, std::string channel_id, std::string tx_id, HandlerLimits limits);

  // The next message from the chaincode for this transaction, waiting until
  // `deadline`: DeadlineExceeded then; Unavailable once the stream ended;
  // InvalidArgument once the chaincode broke a limit (the message says which).
  Result<protos::ChaincodeMessage> Next(std::chrono::steady_clock::time_point deadline);

  // From the transport; never blocks.
  void Push(protos::ChaincodeMessage message);
  // Fails the transaction (first failure wins).
  void Fail(Status failure);

  const std::string& tx_id() const { return tx_id_; }
  const std::string& channel_id() const { return channel_id_; }

 private:
  const std::string chaincode_;
  const std::string channel_id_;
  const std::string tx_id_;
  const HandlerLimits limits_;
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::deque<protos::ChaincodeMessage> queue_;
  size_t received_ = 0;
  Status failure_;
};

class Handler : public StreamListener, public std::enable_shared_from_this<Handler> {
 public:
  // `registry` must outlive the handler. `origin` names the stream's other
  // end in errors ("chaincode stream from ipv4:127.0.0.1:5555").
  Handler(HandlerRegistry* registry, std::shared_ptr<MessageStream> stream, HandlerLimits limits,
          std::string origin);

  void OnMessage(const std::string& bytes) override;
  void OnStreamClosed(const std::string& reason) override;

  // Starts routing (channel_id, tx_id) messages to a new context.
  // AlreadyExists when that transaction already runs on this stream (a
  // chaincode invoking itself), Unavailable once the stream ended.
  Result<std::shared_ptr<TransactionContext>> BeginTransaction(const std::string& channel_id,
                                                               const std::string& tx_id);
  void EndTransaction(const std::string& channel_id, const std::string& tx_id);

  void Send(const protos::ChaincodeMessage& message) { stream_->Send(message); }
  void Close(const std::string& reason);

  // The name the chaincode registered ("" before REGISTER).
  std::string name() const;
  bool closed() const;
  std::string closed_reason() const;
  const std::string& origin() const { return origin_; }

 private:
  using TxKey = std::pair<std::string, std::string>;  // channel, tx id

  void HandleRegister(const protos::ChaincodeMessage& message);
  void SendError(const protos::ChaincodeMessage& about, const std::string& text);
  void Refuse(const std::string& text);  // an ERROR, then the end of the stream

  HandlerRegistry* const registry_;
  const std::shared_ptr<MessageStream> stream_;
  const HandlerLimits limits_;
  const std::string origin_;

  mutable std::mutex mutex_;
  std::string name_;
  bool registered_ = false;
  bool closed_ = false;
  std::string closed_reason_;
  std::map<TxKey, std::shared_ptr<TransactionContext>> transactions_;
};

}  // namespace loom::chaincode
