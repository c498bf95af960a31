// ObserverService: the gRPC adapter that serves a TraceHub as Loom's
// `loom.Observer` service (Watch: a server stream per subscriber, callback
// API, no thread per client; Snapshot: the buffered events).
//
// This header keeps grpcpp out of its includers: register the service with
// `builder.RegisterService(observer.grpc_service())`. The ObserverService must
// outlive the grpc::Server it is registered with (shut the server down
// first); the hub must outlive the ObserverService. Shutting the hub down
// ends every Watch stream with OK after the queued events are sent.
#pragma once

#include <memory>

namespace grpc {
class Service;
}  // namespace grpc

namespace loom::trace {

class TraceHub;

class ObserverService {
 public:
  explicit ObserverService(TraceHub* hub);
  ~ObserverService();
  ObserverService(const ObserverService&) = delete;
  ObserverService& operator=(const ObserverService&) = delete;

  grpc::Service* grpc_service();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace loom::trace
