// A fake peer for the shim's tests: the peer's side of Fabric's chaincode
// shim protocol over any stream, with a map-backed world state, key history,
// range queries served in small pages (has_more + QUERY_STATE_NEXT),
// pagination metadata, INVOKE_CHAINCODE answers, injected ERROR replies and
// a GET_STATE it can hold back (to prove transactions run concurrently).
// FakePeerServer serves it as protos.ChaincodeSupport over gRPC.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "ledger/queryresult/kv_query_result.pb.h"
#include "peer/chaincode.pb.h"
#include "peer/chaincode_shim.grpc.pb.h"
#include "peer/chaincode_shim.pb.h"
#include "peer/proposal_response.pb.h"

namespace loom::shim::testing {

using protos::ChaincodeMessage;

inline constexpr std::chrono::seconds kDeadline{30};

// The peer's end of one stream.
class PeerStream {
 public:
  virtual ~PeerStream() = default;
  virtual bool Read(ChaincodeMessage* message) = 0;
  virtual bool Write(const ChaincodeMessage& message) = 0;
  // Ends the stream from the peer's side.
  virtual void End() = 0;
};

class FakePeer {
 public:
  // ----- configuration (set before the chaincode connects) -----
  int range_page_size = 2;              // results per QueryResponse
  std::string error_key = "forbidden";  // GET_STATE of this key gets an ERROR
  std::string hold_key = "held";        // GET_STATE of this key waits for ReleaseHeld()
  // When set, REGISTER is answered with ERROR carrying this text.
  std::optional<std::string> refuse_register;
  bool send_keepalive = false;  // a KEEPALIVE right after READY

  // Runs the peer's side of `stream` until it ends. Called on the stream's
  // thread (the gRPC handler, or a test thread).
  void Serve(PeerStream& stream) {
    {
      std::lock_guard lock(mutex_);
      stream_ = &stream;
    }
    ChaincodeMessage message;
    while (stream.Read(&message)) {
      Handle(message);
      message.Clear();
    }
    std::lock_guard write_lock(write_mutex_);  // no Send is using the stream past this point
    std::lock_guard lock(mutex_);
    stream_ = nullptr;
    stream_ended_ = true;
    changed_.notify_all();
  }

  // ----- what the test drives -----
  // The name the chaincode registered with, once it did (nullopt at the deadline).
  std::optional<std::string> WaitForRegister() {
    std::unique_lock lock(mutex_);
    changed_.wait_until(lock, Deadline(), [&] { return registered_name_.has_value(); });
    return registered_name_;
  }

  // Sends `type` (TRANSACTION or INIT) and returns the chaincode's COMPLETED
  // or ERROR for it; nullopt at the deadline.
  std::optional<ChaincodeMessage> Execute(const std::string& tx_id, const std::vector<std::string>& args,
                                          ChaincodeMessage::Type type = ChaincodeMessage::TRANSACTION,
                                          const protos::SignedProposal* proposal = nullptr,
                                          const std::string& channel_id = "ch1") {
    protos::ChaincodeInput input;
    for (const std::string& arg : args) input.add_args(arg);
    ChaincodeMessage message;
    message.set_type(type);
    message.set_txid(tx_id);
    message.set_channel_id(channel_id);
    message.set_payload(input.SerializeAsString());
    if (proposal != nullptr) *message.mutable_proposal() = *proposal;
    return ExecuteMessage(message);
  }

  std::optional<ChaincodeMessage> ExecuteMessage(const ChaincodeMessage& message) {
    if (!Send(message)) return std::nullopt;
    return WaitForReply(message.txid());
  }

  std::optional<ChaincodeMessage> WaitForReply(const std::string& tx_id) {
    std::unique_lock lock(mutex_);
    changed_.wait_until(lock, Deadline(), [&] { return replies_.count(tx_id) > 0; });
    auto it = replies_.find(tx_id);
    if (it == replies_.end()) return std::nullopt;
    ChaincodeMessage reply = it->second;
    replies_.erase(it);
    return reply;
  }

  // Sends `message` to the chaincode once the handshake is done (false at
  // the deadline or when the stream ended).
  bool Send(const ChaincodeMessage& message) {
    {
      std::unique_lock lock(mutex_);
      if (!changed_.wait_until(lock, Deadline(), [&] { return ready_ || stream_ended_; }) || !ready_)
        return false;
    }
    return RawSend(message);
  }

  // Ends the stream from the peer's side.
  void EndStream() {
    std::lock_guard lock(write_mutex_);
    if (PeerStream* stream = CurrentStream()) stream->End();
  }

  bool WaitForStreamEnd() {
    std::unique_lock lock(mutex_);
    return changed_.wait_until(lock, Deadline(), [&] { return stream_ended_; });
  }

  // Waits until a GET_STATE of hold_key is parked; then answers it.
  bool WaitForHeld() {
    std::unique_lock lock(mutex_);
    return changed_.wait_until(lock, Deadline(), [&] { return held_.has_value(); });
  }
  void ReleaseHeld(const std::string& value) {
    ChaincodeMessage held;
    {
      std::lock_guard lock(mutex_);
      held = *held_;
      held_.reset();
    }
    Reply(held, ChaincodeMessage::RESPONSE, value);
  }

  bool WaitForKeepaliveEcho() {
    std::unique_lock lock(mutex_);
    return changed_.wait_until(lock, Deadline(), [&] { return keepalive_echoes_ > 0; });
  }

  // ----- what the test inspects -----
  std::map<std::string, std::string> State() {
    std::lock_guard lock(mutex_);
    return state_;
  }
  void Put(const std::string& key, const std::string& value, const std::string& tx_id = "setup") {
    std::lock_guard lock(mutex_);
    Write(key, value, false, tx_id);
  }
  std::vector<ChaincodeMessage> Requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  int CountRequests(ChaincodeMessage::Type type) {
    std::lock_guard lock(mutex_);
    int count = 0;
    for (const ChaincodeMessage& request : requests_) count += request.type() == type;
    return count;
  }
  std::set<std::string> OpenQueries() {
    std::lock_guard lock(mutex_);
    std::set<std::string> ids;
    for (const auto& [id, results] : open_queries_) ids.insert(id);
    return ids;
  }
  std::vector<protos::ChaincodeSpec> Invocations() {
    std::lock_guard lock(mutex_);
    return invocations_;
  }

 private:
  static std::chrono::steady_clock::time_point Deadline() {
    return std::chrono::steady_clock::now() + kDeadline;
  }

  bool RawSend(const ChaincodeMessage& message) {
    std::lock_guard lock(write_mutex_);
    PeerStream* stream = CurrentStream();
    return stream != nullptr && stream->Write(message);
  }

  PeerStream* CurrentStream() {
    std::lock_guard lock(mutex_);
    return stream_;
  }

  void Reply(const ChaincodeMessage& request, ChaincodeMessage::Type type, const std::string& payload) {
    ChaincodeMessage reply;
    reply.set_type(type);
    reply.set_payload(payload);
    reply.set_txid(request.txid());
    reply.set_channel_id(request.channel_id());
    RawSend(reply);
  }

  void Write(const std::string& key, const std::string& value, bool is_delete, const std::string& tx_id) {
    if (is_delete) {
      state_.erase(key);
    } else {
      state_[key] = value;
    }
    queryresult::KeyModification modification;
    modification.set_tx_id(tx_id);
    modification.set_value(value);
    modification.set_is_delete(is_delete);
    modification.mutable_timestamp()->set_seconds(1700000000 + static_cast<int64_t>(history_[key].size()));
    history_[key].push_front(modification);
  }

  // Serves the next page of an open query and forgets it once exhausted.
  protos::QueryResponse NextPage(const std::string& id) {
    protos::QueryResponse response;
    response.set_id(id);
    auto query = open_queries_.find(id);
    if (query == open_queries_.end()) return response;
    std::deque<std::string>& results = query->second;
    for (int i = 0; i < range_page_size && !results.empty(); ++i) {
      response.add_results()->set_resultbytes(results.front());
      results.pop_front();
    }
    response.set_has_more(!results.empty());
    if (results.empty()) open_queries_.erase(query);
    return response;
  }

  protos::QueryResponse OpenQuery(std::deque<std::string> results) {
    const std::string id = "query-" + std::to_string(++query_counter_);
    open_queries_[id] = std::move(results);
    return NextPage(id);
  }

  void Handle(const ChaincodeMessage& message) {
    std::unique_lock lock(mutex_);
    if (message.type() != ChaincodeMessage::REGISTER && message.type() != ChaincodeMessage::COMPLETED &&
        message.type() != ChaincodeMessage::ERROR && message.type() != ChaincodeMessage::KEEPALIVE) {
      requests_.push_back(message);
    }
    switch (message.type()) {
      case ChaincodeMessage::REGISTER: {
        protos::ChaincodeID id;
        id.ParseFromString(message.payload());
        registered_name_ = id.name();
        changed_.notify_all();
        lock.unlock();
        if (refuse_register) {
          Reply(message, ChaincodeMessage::ERROR, *refuse_register);
          return;
        }
        Reply(message, ChaincodeMessage::REGISTERED, "");
        Reply(message, ChaincodeMessage::READY, "");
        if (send_keepalive) Reply(message, ChaincodeMessage::KEEPALIVE, "");
        lock.lock();
        ready_ = true;
        changed_.notify_all();
        return;
      }
      case ChaincodeMessage::KEEPALIVE:
        ++keepalive_echoes_;
        changed_.notify_all();
        return;
      case ChaincodeMessage::COMPLETED:
      case ChaincodeMessage::ERROR:
        replies_[message.txid()] = message;
        changed_.notify_all();
        return;
      case ChaincodeMessage::GET_STATE: {
        protos::GetState request;
        request.ParseFromString(message.payload());
        if (request.key() == error_key) {
          lock.unlock();
          Reply(message, ChaincodeMessage::ERROR, "access denied for key " + request.key());
          return;
        }
        if (request.key() == hold_key) {
          held_ = message;
          changed_.notify_all();
          return;
        }
        auto it = state_.find(request.key());
        std::string value = it == state_.end() ? "" : it->second;
        lock.unlock();
        Reply(message, ChaincodeMessage::RESPONSE, value);
        return;
      }
      case ChaincodeMessage::PUT_STATE: {
        protos::PutState request;
        request.ParseFromString(message.payload());
        Write(request.key(), request.value(), false, message.txid());
        lock.unlock();
        Reply(message, ChaincodeMessage::RESPONSE, "");
        return;
      }
      case ChaincodeMessage::DEL_STATE: {
        protos::DelState request;
        request.ParseFromString(message.payload());
        Write(request.key(), "", true, message.txid());
        lock.unlock();
        Reply(message, ChaincodeMessage::RESPONSE, "");
        return;
      }
      case ChaincodeMessage::GET_STATE_BY_RANGE: {
        protos::GetStateByRange request;
        request.ParseFromString(message.payload());
        std::string start = request.startkey();
        int32_t page_limit = 0;
        if (!request.metadata().empty()) {
          protos::QueryMetadata metadata;
          metadata.ParseFromString(request.metadata());
          page_limit = metadata.pagesize();
          if (!metadata.bookmark().empty()) start = metadata.bookmark();
        }
        std::deque<std::string> results;
        std::string next_key;
        for (auto it = state_.lower_bound(start); it != state_.end(); ++it) {
          if (!request.endkey().empty() && it->first >= request.endkey()) break;
          if (page_limit > 0 && static_cast<int32_t>(results.size()) == page_limit) {
            next_key = it->first;
            break;
          }
          queryresult::KV kv;
          kv.set_namespace_("probe");
          kv.set_key(it->first);
          kv.set_value(it->second);
          results.push_back(kv.SerializeAsString());
        }
        const int fetched = static_cast<int>(results.size());
        protos::QueryResponse response = OpenQuery(std::move(results));
        if (page_limit > 0) {
          protos::QueryResponseMetadata metadata;
          metadata.set_fetched_records_count(fetched);
          metadata.set_bookmark(next_key);
          response.set_metadata(metadata.SerializeAsString());
        }
        lock.unlock();
        Reply(message, ChaincodeMessage::RESPONSE, response.SerializeAsString());
        return;
      }
      case ChaincodeMessage::GET_HISTORY_FOR_KEY: {
        protos::GetHistoryForKey request;
        request.ParseFromString(message.payload());
        std::deque<std::string> results;
        for (const auto& modification : history_[request.key()])
          results.push_back(modification.SerializeAsString());
        protos::QueryResponse response = OpenQuery(std::move(results));
        lock.unlock();
        Reply(message, ChaincodeMessage::RESPONSE, response.SerializeAsString());
        return;
      }
      case ChaincodeMessage::QUERY_STATE_NEXT: {
        protos::QueryStateNext request;
        request.ParseFromString(message.payload());
        if (open_queries_.count(request.id()) == 0) {
          lock.unlock();
          Reply(message, ChaincodeMessage::ERROR, "query iterator not found: " + request.id());
          return;
        }
        protos::QueryResponse response = NextPage(request.id());
        lock.unlock();
        Reply(message, ChaincodeMessage::RESPONSE, response.SerializeAsString());
        return;
      }
      case ChaincodeMessage::QUERY_STATE_CLOSE: {
        protos::QueryStateClose request;
        request.ParseFromString(message.payload());
        open_queries_.erase(request.id());
        protos::QueryResponse response;
        response.set_id(request.id());
        lock.unlock();
        Reply(message, ChaincodeMessage::RESPONSE, response.SerializeAsString());
        return;
      }
      case ChaincodeMessage::INVOKE_CHAINCODE: {
        protos::ChaincodeSpec spec;
        spec.ParseFromString(message.payload());
        invocations_.push_back(spec);
        lock.unlock();
        const std::string& name = spec.chaincode_id().name();
        if (name.rfind("missing", 0) == 0) {
          Reply(message, ChaincodeMessage::ERROR, "chaincode " + name + " not found");
          return;
        }
        std::string joined;
        for (const std::string& arg : spec.input().args()) joined += (joined.empty() ? "" : ",") + arg;
        protos::Response response;
        response.set_status(200);
        response.set_payload("called " + name + ":" + joined);
        ChaincodeMessage completed;
        completed.set_type(ChaincodeMessage::COMPLETED);
        completed.set_payload(response.SerializeAsString());
        Reply(message, ChaincodeMessage::RESPONSE, completed.SerializeAsString());
        return;
      }
      default:
        lock.unlock();
        Reply(message, ChaincodeMessage::ERROR,
              "fake peer: unexpected " + ChaincodeMessage::Type_Name(message.type()));
        return;
    }
  }

  std::mutex write_mutex_;  // serializes writes; taken before mutex_
  std::mutex mutex_;
  std::condition_variable changed_;
  PeerStream* stream_ = nullptr;
  bool stream_ended_ = false;
  bool ready_ = false;  // REGISTERED and READY sent
  std::optional<std::string> registered_name_;
  std::map<std::string, ChaincodeMessage> replies_;  // by tx id
  std::optional<ChaincodeMessage> held_;
  int keepalive_echoes_ = 0;
  std::map<std::string, std::string> state_;
  std::map<std::string, std::deque<queryresult::KeyModification>> history_;
  std::map<std::string, std::deque<std::string>> open_queries_;
  int query_counter_ = 0;
  std::vector<ChaincodeMessage> requests_;
  std::vector<protos::ChaincodeSpec> invocations_;
};

// Serves a FakePeer as protos.ChaincodeSupport on 127.0.0.1 (a free port).
class FakePeerServer {
 public:
  explicit FakePeerServer(FakePeer& peer) : service_(peer) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
  }
  ~FakePeerServer() { server_->Shutdown(std::chrono::system_clock::now()); }

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  bool ok() const { return server_ != nullptr && port_ != 0; }

 private:
  class Stream : public PeerStream {
   public:
    Stream(grpc::ServerContext* context, grpc::ServerReaderWriter<ChaincodeMessage, ChaincodeMessage>* stream)
        : context_(context), stream_(stream) {}
    bool Read(ChaincodeMessage* message) override { return stream_->Read(message); }
    bool Write(const ChaincodeMessage& message) override { return stream_->Write(message); }
    void End() override { context_->TryCancel(); }

   private:
    grpc::ServerContext* context_;
    grpc::ServerReaderWriter<ChaincodeMessage, ChaincodeMessage>* stream_;
  };

  class Service final : public protos::ChaincodeSupport::Service {
   public:
    explicit Service(FakePeer& peer) : peer_(peer) {}
    grpc::Status Register(grpc::ServerContext* context,
                          grpc::ServerReaderWriter<ChaincodeMessage, ChaincodeMessage>* stream) override {
      Stream adapter(context, stream);
      peer_.Serve(adapter);
      return grpc::Status::OK;
    }

   private:
    FakePeer& peer_;
  };

  Service service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

// Reads a COMPLETED message's protos.Response.
inline protos::Response CompletedResponse(const ChaincodeMessage& message) {
  protos::Response response;
  response.ParseFromString(message.payload());
  return response;
}

}  // namespace loom::shim::testing
