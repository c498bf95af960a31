#include "chaincode/shim/chat.h"

#include <condition_variable>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "chaincode/shim/chaincode_stub.h"
#include "chaincode/shim/peer_requester.h"
#include "peer/chaincode.pb.h"
#include "peer/proposal_response.pb.h"

namespace loom::shim {
namespace {

using protos::ChaincodeMessage;

std::string TypeName(ChaincodeMessage::Type type) {
  return ChaincodeMessage::Type_Name(type);
}

// Replies are routed by (channel id, tx id); the separator keeps ("ab", "c")
// and ("a", "bc") apart.
std::string RouteKey(const std::string& channel_id, const std::string& tx_id) {
  return channel_id + '\0' + tx_id;
}

// State shared by the reading loop and the transaction threads. Held by
// shared_ptr so a transaction thread that outlives ChatWithPeer (see
// ChatOptions::drain_timeout) still has it.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(MessageStream* stream, Chaincode& chaincode) : stream_(stream), chaincode_(chaincode) {}

  // Serializes writes: gRPC allows one Write at a time.
  bool Send(const ChaincodeMessage& message) {
    std::lock_guard lock(write_mutex_);
    return stream_ != nullptr && stream_->Write(message);
  }

  // Sends `request` for its transaction and waits for the peer's reply.
  Result<ChaincodeMessage> Call(const ChaincodeMessage& request) {
    const std::string key = RouteKey(request.channel_id(), request.txid());
    {
      std::lock_guard lock(mutex_);
      if (stream_ended_) return Unavailable(request, "the stream to the peer has ended");
      if (!pending_.emplace(key, std::nullopt).second) {
        return Status::FailedPrecondition("transaction " + request.txid() +
                                          " already has a request in flight to the peer");
      }
    }
    if (!Send(request)) {
      std::lock_guard lock(mutex_);
      pending_.erase(key);
      return Unavailable(request, "could not send it to the peer");
    }
    std::unique_lock lock(mutex_);
    auto pending = pending_.find(key);
    replied_.wait(lock, [&] { return pending->second.has_value() || stream_ended_; });
    std::optional<ChaincodeMessage> reply = std::move(pending->second);
    pending_.erase(pending);
    if (!reply) return Unavailable(request, "the stream to the peer ended before the reply");
    return std::move(*reply);
  }

  // Hands a RESPONSE or ERROR to the transaction waiting for it; false when
  // none is.
  bool Deliver(ChaincodeMessage reply) {
    std::lock_guard lock(mutex_);
    auto pending = pending_.find(RouteKey(reply.channel_id(), reply.txid()));
    if (pending == pending_.end() || pending->second.has_value()) return false;
    pending->second = std::move(reply);
    replied_.notify_all();
    return true;
  }

  void StartTransaction(ChaincodeMessage message) {
    {
      std::lock_guard lock(mutex_);
      ++running_;
    }
    std::thread([self = shared_from_this(), message = std::move(message)] {
      self->RunTransaction(message);
      std::lock_guard lock(self->mutex_);
      --self->running_;
      self->replied_.notify_all();
    }).detach();
  }

  // Fails every waiting request, waits up to `timeout` for the running
  // transactions, then detaches the stream so nothing touches it again.
  void End(std::chrono::milliseconds timeout) {
    {
      std::unique_lock lock(mutex_);
      stream_ended_ = true;
      replied_.notify_all();
      replied_.wait_for(lock, timeout, [&] { return running_ == 0; });
    }
    std::lock_guard lock(write_mutex_);
    stream_ = nullptr;
  }

 private:
  static Status Unavailable(const ChaincodeMessage& request, const std::string& why) {
    return Status::Unavailable("[" + request.txid() + "] " + TypeName(request.type()) + ": " + why);
  }

  // PeerRequester of one transaction: tags requests with its channel and tx id.
  class TransactionRequester : public PeerRequester {
   public:
    TransactionRequester(Session& session, const ChaincodeMessage& transaction)
        : session_(session), channel_id_(transaction.channel_id()), tx_id_(transaction.txid()) {}

    Result<std::string> Request(ChaincodeMessage::Type type, std::string payload) override {
      ChaincodeMessage request;
      request.set_type(type);
      request.set_payload(std::move(payload));
      request.set_txid(tx_id_);
      request.set_channel_id(channel_id_);
      LOOM_ASSIGN_OR_RETURN(ChaincodeMessage reply, session_.Call(request));
      if (reply.type() == ChaincodeMessage::RESPONSE) return std::move(*reply.mutable_payload());
      if (reply.type() == ChaincodeMessage::ERROR) return Status::FailedPrecondition(reply.payload());
      return Status::Internal("[" + tx_id_ + "] incorrect chaincode message " + TypeName(reply.type()) +
                              " received in reply to " + TypeName(type) + ". Expecting RESPONSE or ERROR");
    }

   private:
    Session& session_;
    std::string channel_id_;
    std::string tx_id_;
  };

  void RunTransaction(const ChaincodeMessage& message) {
    ChaincodeMessage reply = Execute(message);
    reply.set_txid(message.txid());
    reply.set_channel_id(message.channel_id());
    Send(reply);  // a failed send means the peer is gone; it no longer waits for the answer
  }

  ChaincodeMessage Execute(const ChaincodeMessage& message) {
    ChaincodeMessage reply;
    TransactionRequester requester(*this, message);
    Result<std::unique_ptr<ChaincodeStub>> stub = ChaincodeStub::Create(requester, message);
    if (!stub.ok()) {
      reply.set_type(ChaincodeMessage::ERROR);
      reply.set_payload("failed to create new ChaincodeStub: " + stub.status().message());
      return reply;
    }
    Response response;
    try {
      response =
          message.type() == ChaincodeMessage::INIT ? chaincode_.Init(**stub) : chaincode_.Invoke(**stub);
    } catch (const std::exception& e) {
      reply.set_type(ChaincodeMessage::ERROR);
      reply.set_payload(TypeName(message.type()) + " threw an exception: " + e.what());
      return reply;
    } catch (...) {
      reply.set_type(ChaincodeMessage::ERROR);
      reply.set_payload(TypeName(message.type()) + " threw an exception that is not a std::exception");
      return reply;
    }
    if ((*stub)->event()) *reply.mutable_chaincode_event() = *(*stub)->event();
    // Fabric's shim answers a failed Init with ERROR (its message), and any
    // Invoke with COMPLETED: the endorser reads the status from the Response.
    if (message.type() == ChaincodeMessage::INIT && response.status >= kError) {
      reply.set_type(ChaincodeMessage::ERROR);
      reply.set_payload(response.message);
      return reply;
    }
    protos::Response wire;
    wire.set_status(response.status);
    wire.set_message(response.message);
    wire.set_payload(response.payload);
    reply.set_type(ChaincodeMessage::COMPLETED);
    reply.set_payload(wire.SerializeAsString());
    return reply;
  }

  std::mutex write_mutex_;
  MessageStream* stream_;  // guarded by write_mutex_; null once the chat ended
  Chaincode& chaincode_;

  std::mutex mutex_;
  std::condition_variable replied_;
  // Route key -> the reply, once it arrived; present while a request waits.
  std::map<std::string, std::optional<ChaincodeMessage>> pending_;
  bool stream_ended_ = false;
  int running_ = 0;
};

enum class HandshakeState { kCreated, kEstablished, kReady };

const char* StateName(HandshakeState state) {
  switch (state) {
    case HandshakeState::kCreated: return "created";
    case HandshakeState::kEstablished: return "established";
    case HandshakeState::kReady: return "ready";
  }
  return "?";
}

std::string Describe(const ChaincodeMessage& message) {
  std::string text = TypeName(message.type());
  if (message.type() == ChaincodeMessage::ERROR) text += " (" + message.payload() + ")";
  return text;
}

}  // namespace

Status ChatWithPeer(MessageStream& stream, const std::string& chaincode_name, Chaincode& chaincode,
                    const ChatOptions& options) {
  auto session = std::make_shared<Session>(&stream, chaincode);
  protos::ChaincodeID chaincode_id;
  chaincode_id.set_name(chaincode_name);
  ChaincodeMessage register_message;
  register_message.set_type(ChaincodeMessage::REGISTER);
  register_message.set_payload(chaincode_id.SerializeAsString());
  if (!session->Send(register_message)) {
    session->End(options.drain_timeout);
    return Status::Unavailable("error sending chaincode REGISTER: the stream to the peer is broken");
  }

  HandshakeState state = HandshakeState::kCreated;
  Status result = Status::Ok();
  ChaincodeMessage message;
  while (stream.Read(&message)) {
    if (message.type() == ChaincodeMessage::KEEPALIVE) {
      session->Send(message);
      continue;
    }
    std::string unexpected;
    switch (state) {
      case HandshakeState::kCreated:
        if (message.type() == ChaincodeMessage::REGISTERED) {
          state = HandshakeState::kEstablished;
        } else {
          unexpected = "expected REGISTERED from the peer, received " + Describe(message);
        }
        break;
      case HandshakeState::kEstablished:
        if (message.type() == ChaincodeMessage::READY) {
          state = HandshakeState::kReady;
        } else {
          unexpected = "expected READY from the peer, received " + Describe(message);
        }
        break;
      case HandshakeState::kReady:
        if (message.type() == ChaincodeMessage::RESPONSE || message.type() == ChaincodeMessage::ERROR) {
          // A reply nobody waits for (its transaction already gave up) is dropped.
          session->Deliver(std::move(message));
        } else if (message.type() == ChaincodeMessage::INIT ||
                   message.type() == ChaincodeMessage::TRANSACTION) {
          session->StartTransaction(std::move(message));
        } else {
          unexpected = "[" + message.txid() + "] chaincode cannot handle message (" +
                       TypeName(message.type()) + ") while in state: ready";
        }
        break;
    }
    if (!unexpected.empty()) {
      if (state != HandshakeState::kReady) {
        unexpected =
            "handshake with the peer failed in state " + std::string(StateName(state)) + ": " + unexpected;
      }
      ChaincodeMessage error;
      error.set_type(ChaincodeMessage::ERROR);
      error.set_payload(unexpected);
      error.set_txid(message.txid());
      session->Send(error);
      result = Status::FailedPrecondition(unexpected);
      break;
    }
    message.Clear();
  }
  session->End(options.drain_timeout);
  if (result.ok() && state != HandshakeState::kReady) {
    return Status::Unavailable("the peer ended the stream during the handshake (state " +
                               std::string(StateName(state)) + ")");
  }
  return result;
}

}  // namespace loom::shim
