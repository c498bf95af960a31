#include "core/chaincode/handler.h"

#include "core/chaincode/handler_registry.h"
#include "peer/chaincode.pb.h"

namespace loom::chaincode {

using Message = protos::ChaincodeMessage;

TransactionContext::TransactionContext(std::string chaincode, std::string channel_id, std::string tx_id,
                                       HandlerLimits limits)
    : chaincode_(std::move(chaincode)),
      channel_id_(std::move(channel_id)),
      tx_id_(std::move(tx_id)),
      limits_(limits) {}

Result<Message> TransactionContext::Next(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  while (true) {
    if (!failure_.ok()) return failure_;
    if (!queue_.empty()) {
      Message message = std::move(queue_.front());
      queue_.pop_front();
      return message;
    }
    if (arrived_.wait_until(lock, deadline) == std::cv_status::timeout && queue_.empty() && failure_.ok()) {
      return Status::DeadlineExceeded("chaincode " + chaincode_ + " did not answer in time");
    }
  }
}

void TransactionContext::Push(Message message) {
  {
    std::lock_guard lock(mutex_);
    if (!failure_.ok()) return;
    ++received_;
    if (received_ > limits_.max_requests_per_transaction) {
      failure_ = Status::InvalidArgument("chaincode " + chaincode_ + " sent more than " +
                                         std::to_string(limits_.max_requests_per_transaction) +
                                         " messages in transaction " + tx_id_);
    } else if (queue_.size() >= limits_.max_queued_messages) {
      failure_ = Status::InvalidArgument(
          "chaincode " + chaincode_ + " sent more than " + std::to_string(limits_.max_queued_messages) +
          " messages in transaction " + tx_id_ + " without waiting for replies");
      queue_.clear();
    } else {
      queue_.push_back(std::move(message));
    }
  }
  arrived_.notify_all();
}

void TransactionContext::Fail(Status failure) {
  {
    std::lock_guard lock(mutex_);
    if (!failure_.ok()) return;
    failure_ = std::move(failure);
    queue_.clear();
  }
  arrived_.notify_all();
}

Handler::Handler(HandlerRegistry* registry, std::shared_ptr<MessageStream> stream, HandlerLimits limits,
                 std::string origin)
    : registry_(registry), stream_(std::move(stream)), limits_(limits), origin_(std::move(origin)) {}

void Handler::SendError(const Message& about, const std::string& text) {
  Message error;
  error.set_type(Message::ERROR);
  error.set_payload(text);
  error.set_txid(about.txid());
  error.set_channel_id(about.channel_id());
  stream_->Send(error);
}

void Handler::Refuse(const std::string& text) {
  SendError(Message(), text);
  stream_->Close(text);
}

void Handler::OnMessage(const std::string& bytes) {
  Message message;
  if (!message.ParseFromString(bytes)) {
    SendError(message, "malformed ChaincodeMessage (" + std::to_string(bytes.size()) +
                           " bytes that do not parse) from " + origin_);
    return;
  }
  std::unique_lock lock(mutex_);
  if (closed_) return;
  if (!registered_) {
    lock.unlock();
    HandleRegister(message);
    return;
  }
  const std::string name = name_;
  if (message.type() == Message::KEEPALIVE) return;
  if (message.type() == Message::REGISTER) {
    lock.unlock();
    SendError(message, "chaincode " + name + " is already registered on this stream; REGISTER refused");
    return;
  }
  auto it = transactions_.find(TxKey(message.channel_id(), message.txid()));
  if (it == transactions_.end()) {
    lock.unlock();
    SendError(message, "no transaction " + message.txid() + " on channel '" + message.channel_id() +
                           "' is in progress for chaincode " + name + "; " +
                           Message::Type_Name(message.type()) + " refused");
    return;
  }
  std::shared_ptr<TransactionContext> context = it->second;
  lock.unlock();
  if (bytes.size() > limits_.max_message_bytes) {
    context->Fail(Status::InvalidArgument(
        "chaincode " + name + " sent a " + Message::Type_Name(message.type()) + " message of " +
        std::to_string(bytes.size()) + " bytes in transaction " + message.txid() + ", over the limit of " +
        std::to_string(limits_.max_message_bytes)));
    return;
  }
  context->Push(std::move(message));
}

void Handler::HandleRegister(const Message& message) {
  if (message.type() != Message::REGISTER) {
    Refuse("expected REGISTER as the first message from " + origin_ + ", got " +
           Message::Type_Name(message.type()));
    return;
  }
  protos::ChaincodeID id;
  if (!id.ParseFromString(message.payload()) || id.name().empty()) {
    Refuse("REGISTER from " + origin_ + " does not carry a ChaincodeID with a name");
    return;
  }
  {
    std::lock_guard lock(mutex_);
    if (closed_ || registered_) return;
    name_ = id.name();
    registered_ = true;
  }
  Status registered = registry_->Register(id.name(), shared_from_this(), [this] {
    Message reply;
    reply.set_type(Message::REGISTERED);
    stream_->Send(reply);
    reply.set_type(Message::READY);
    stream_->Send(reply);
  });
  if (!registered.ok()) Refuse(registered.message());
}

void Handler::OnStreamClosed(const std::string& reason) {
  std::map<TxKey, std::shared_ptr<TransactionContext>> transactions;
  std::string name;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
    closed_reason_ = reason;
    transactions.swap(transactions_);
    name = name_.empty() ? origin_ : "chaincode " + name_;
  }
  registry_->Deregister(this);
  for (auto& [key, context] : transactions)
    context->Fail(
        Status::Unavailable(name + ": stream ended (" + reason + ") during transaction " + key.second));
  registry_->Wake();
}

Result<std::shared_ptr<TransactionContext>> Handler::BeginTransaction(const std::string& channel_id,
                                                                      const std::string& tx_id) {
  std::lock_guard lock(mutex_);
  if (closed_) return Status::Unavailable("chaincode " + name_ + ": stream ended (" + closed_reason_ + ")");
  TxKey key(channel_id, tx_id);
  if (transactions_.count(key) != 0) {
    return Status::AlreadyExists("chaincode " + name_ + " is already running transaction " + tx_id +
                                 " on channel '" + channel_id + "'");
  }
  auto context = std::make_shared<TransactionContext>(name_, channel_id, tx_id, limits_);
  transactions_[key] = context;
  return context;
}

void Handler::EndTransaction(const std::string& channel_id, const std::string& tx_id) {
  std::lock_guard lock(mutex_);
  transactions_.erase(TxKey(channel_id, tx_id));
}

void Handler::Close(const std::string& reason) {
  stream_->Close(reason);
  OnStreamClosed(reason);
}

std::string Handler::name() const {
  std::lock_guard lock(mutex_);
  return name_;
}

bool Handler::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

std::string Handler::closed_reason() const {
  std::lock_guard lock(mutex_);
  return closed_reason_;
}

}  // namespace loom::chaincode
