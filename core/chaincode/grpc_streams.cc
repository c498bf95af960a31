#include "core/chaincode/grpc_streams.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <limits>
#include <mutex>
#include <optional>
#include <vector>

#include "core/util/grpc_bytes.h"
#include "peer/chaincode_shim.grpc.pb.h"

namespace loom::chaincode {
namespace {

using util::ByteBufferToString;
using util::StringToByteBuffer;

// State shared by both directions: the write queue and why the stream ended.
// Operations are decided under the lock and started after releasing it
// (gRPC may run a reaction inline).
struct StreamState {
  std::mutex mutex;
  std::deque<std::string> queue;
  grpc::ByteBuffer writing_buffer;
  bool writing = false;
  bool over = false;     // no more writes: closed, broken or finished
  bool closing = false;  // close requested: end once the queue is written
  std::string reason;    // first reason the stream ended

  void End(const std::string& why) {
    if (reason.empty()) reason = why;
    over = true;
  }
  // The next buffer to write, if a write may start now.
  grpc::ByteBuffer* NextWrite() {
    if (writing || over || queue.empty()) return nullptr;
    writing_buffer = StringToByteBuffer(queue.front());
    queue.pop_front();
    writing = true;
    return &writing_buffer;
  }
};

// What an Outbox forwards to; reference counted so a Send racing with the
// end of the call never touches a deleted reactor.
class ReactorCore {
 public:
  virtual ~ReactorCore() = default;
  // Queues a message (dropped once the stream is over).
  void Enqueue(std::string bytes) {
    std::unique_lock lock(state_.mutex);
    if (state_.over) return;
    state_.queue.push_back(std::move(bytes));
    Run(lock);
  }
  // Ends the stream once the queued messages are written.
  void RequestClose(const std::string& reason) {
    std::unique_lock lock(state_.mutex);
    if (state_.reason.empty()) state_.reason = reason;
    state_.closing = true;
    Run(lock);
  }
  void Ref() { refs_.fetch_add(1, std::memory_order_relaxed); }
  void Unref() {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

 protected:
  // Starts the write or finish `state_` allows now; releases `lock` first
  // (gRPC may run a reaction inline).
  virtual void Run(std::unique_lock<std::mutex>& lock) = 0;

  StreamState state_;

 private:
  std::atomic<int> refs_{1};  // gRPC's, released in OnDone
};

// The MessageStream handed to the listener; detached when the call is done.
class Outbox final : public MessageStream {
 public:
  explicit Outbox(ReactorCore* reactor) : reactor_(reactor) {}
  void Send(const protos::ChaincodeMessage& message) override {
    if (ReactorCore* reactor = Acquire()) {
      reactor->Enqueue(message.SerializeAsString());
      reactor->Unref();
    }
  }
  void Close(const std::string& reason) override {
    if (ReactorCore* reactor = Acquire()) {
      reactor->RequestClose(reason);
      reactor->Unref();
    }
  }
  void Detach() {
    std::lock_guard lock(mutex_);
    reactor_ = nullptr;
  }

 private:
  ReactorCore* Acquire() {
    std::lock_guard lock(mutex_);
    if (reactor_ != nullptr) reactor_->Ref();
    return reactor_;
  }
  std::mutex mutex_;
  ReactorCore* reactor_;
};

using ServerReactor = grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>;

class RegisterReactor final : public ServerReactor, public ReactorCore {
 public:
  RegisterReactor(const AcceptStream& accept, const std::string& origin)
      : outbox_(std::make_shared<Outbox>(this)), listener_(accept(outbox_, origin)) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      std::unique_lock lock(state_.mutex);
      state_.End("the chaincode closed the stream");
      Run(lock);
      return;
    }
    listener_->OnMessage(ByteBufferToString(request_));
    request_.Clear();
    {
      // No Finish while the next read is being started (outside the lock:
      // a reaction may run inline).
      std::lock_guard lock(state_.mutex);
      if (finished_) return;
      read_starting_ = true;
    }
    StartRead(&request_);
    std::unique_lock lock(state_.mutex);
    read_starting_ = false;
    Run(lock);
  }
  void OnWriteDone(bool ok) override {
    std::unique_lock lock(state_.mutex);
    state_.writing = false;
    if (!ok) state_.End("a write to the chaincode failed");
    Run(lock);
  }
  void OnCancel() override {
    std::unique_lock lock(state_.mutex);
    state_.End("the stream was cancelled");
    Run(lock);
  }
  void OnDone() override {
    outbox_->Detach();
    std::string reason;
    {
      std::lock_guard lock(state_.mutex);
      reason = state_.reason.empty() ? "the stream ended" : state_.reason;
    }
    listener_->OnStreamClosed(reason);
    Unref();
  }

 private:
  void Run(std::unique_lock<std::mutex>& lock) override {
    if (finished_) return;
    if (state_.closing && state_.queue.empty() && !state_.writing) state_.End(state_.reason);
    grpc::ByteBuffer* write = state_.NextWrite();
    bool finish = false;
    if (state_.over && !state_.writing && !read_starting_) finish = finished_ = true;
    lock.unlock();
    if (write) StartWrite(write);
    if (finish) Finish(grpc::Status::OK);
  }

  bool finished_ = false;       // guarded by state_.mutex
  bool read_starting_ = false;  // guarded by state_.mutex
  grpc::ByteBuffer request_;
  std::shared_ptr<Outbox> outbox_;
  std::shared_ptr<StreamListener> listener_;
};

class ChaincodeSupportService final
    : public protos::ChaincodeSupport::WithRawCallbackMethod_Register<protos::ChaincodeSupport::Service> {
 public:
  explicit ChaincodeSupportService(AcceptStream accept) : accept_(std::move(accept)) {}
  ServerReactor* Register(grpc::CallbackServerContext* context) override {
    return new RegisterReactor(accept_, "chaincode stream from " + context->peer());
  }

 private:
  AcceptStream accept_;
};

using ClientReactor = grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>;

grpc::ChannelArguments ChannelArguments(size_t max_message_bytes) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(
      static_cast<int>(std::min<size_t>(max_message_bytes, std::numeric_limits<int>::max())));
  return arguments;
}

class ConnectReactor final : public ClientReactor, public ReactorCore {
 public:
  ConnectReactor(const std::string& address, size_t max_message_bytes, const AcceptStream& accept)
      : channel_(grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(),
                                           ChannelArguments(max_message_bytes))),
        stub_(channel_),
        outbox_(std::make_shared<Outbox>(this)),
        listener_(accept(outbox_, "chaincode server " + address)) {}

  std::shared_ptr<MessageStream> outbox() const { return outbox_; }

  void Start() {
    stub_.PrepareBidiStreamingCall(&context_, "/protos.Chaincode/Connect", grpc::StubOptions(), this);
    AddHold();  // writes may start from other threads until the stream is over
    StartRead(&response_);
    StartCall();
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      std::unique_lock lock(state_.mutex);
      state_.End("the chaincode server ended the stream");
      Run(lock);
      return;
    }
    listener_->OnMessage(ByteBufferToString(response_));
    response_.Clear();
    StartRead(&response_);
  }
  void OnWriteDone(bool ok) override {
    std::unique_lock lock(state_.mutex);
    state_.writing = false;
    if (!ok) state_.End("a write to the chaincode server failed");
    Run(lock);
  }
  void OnDone(const grpc::Status& status) override {
    outbox_->Detach();
    std::string reason;
    {
      std::lock_guard lock(state_.mutex);
      reason = state_.reason;
    }
    if (!status.ok()) reason += (reason.empty() ? "" : ": ") + status.error_message();
    listener_->OnStreamClosed(reason.empty() ? "the stream ended" : reason);
    Unref();
  }

 private:
  void Run(std::unique_lock<std::mutex>& lock) override {
    if (state_.closing && state_.queue.empty() && !state_.writing) state_.End(state_.reason);
    grpc::ByteBuffer* write = state_.NextWrite();
    bool release = false;
    if (state_.over && !state_.writing && !released_) release = released_ = true;
    // Once over for any reason (closed, a failed write), cancel so the
    // pending read ends too and OnDone follows.
    bool cancel = state_.over && !cancelled_;
    if (cancel) cancelled_ = true;
    lock.unlock();
    if (write) StartWrite(write);
    if (cancel) context_.TryCancel();
    if (release) RemoveHold();
  }

  std::shared_ptr<grpc::Channel> channel_;
  grpc::GenericStub stub_;
  grpc::ClientContext context_;
  bool released_ = false;  // these two guarded by state_.mutex
  bool cancelled_ = false;
  grpc::ByteBuffer response_;
  std::shared_ptr<Outbox> outbox_;
  std::shared_ptr<StreamListener> listener_;
};

}  // namespace

std::unique_ptr<grpc::Service> MakeChaincodeSupportService(AcceptStream accept) {
  return std::make_unique<ChaincodeSupportService>(std::move(accept));
}

Result<std::shared_ptr<MessageStream>> DialChaincode(const std::string& address, size_t max_message_bytes,
                                                     const AcceptStream& accept) {
  if (address.empty()) return Status::InvalidArgument("chaincode server address is empty");
  auto* reactor = new ConnectReactor(address, max_message_bytes, accept);
  // Taken before Start: once the call runs, the reactor may end at any time.
  std::shared_ptr<MessageStream> stream = reactor->outbox();
  reactor->Start();
  return stream;
}

}  // namespace loom::chaincode
