#include "core/orderer/admin_service_adapter.h"

namespace loom::orderer {
namespace {

grpc::StatusCode ToGrpcCode(Status::Code code) {
  switch (code) {
    case Status::Code::kOk: return grpc::StatusCode::OK;
    case Status::Code::kInvalidArgument: return grpc::StatusCode::INVALID_ARGUMENT;
    case Status::Code::kNotFound: return grpc::StatusCode::NOT_FOUND;
    case Status::Code::kAlreadyExists: return grpc::StatusCode::ALREADY_EXISTS;
    case Status::Code::kPermissionDenied: return grpc::StatusCode::PERMISSION_DENIED;
    case Status::Code::kFailedPrecondition: return grpc::StatusCode::FAILED_PRECONDITION;
    case Status::Code::kUnavailable: return grpc::StatusCode::UNAVAILABLE;
    case Status::Code::kDeadlineExceeded: return grpc::StatusCode::DEADLINE_EXCEEDED;
    case Status::Code::kCorruption: return grpc::StatusCode::DATA_LOSS;
    case Status::Code::kIoError:
    case Status::Code::kInternal: return grpc::StatusCode::INTERNAL;
  }
  return grpc::StatusCode::UNKNOWN;
}

}  // namespace

grpc::Status ToGrpcStatus(const Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(ToGrpcCode(status.code()), status.message());
}

}  // namespace loom::orderer
