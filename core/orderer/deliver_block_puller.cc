#include "core/orderer/deliver_block_puller.h"

#include <grpcpp/grpcpp.h>

#include <limits>
#include <utility>

#include "core/channelconfig/policy_manager.h"
#include "core/orderer/block_check.h"
#include "core/orderer/deliver_client_channel.h"
#include "core/orderer/seek_envelope.h"
#include "core/protocol/block_header.h"
#include "orderer/ab.grpc.pb.h"

namespace loom::orderer {
namespace {

// What an orderer's Deliver stream ended with, when it did not send blocks.
Status FromDeliverStatus(common::Status status, uint64_t next_number) {
  std::string name = common::Status_Name(status);
  if (status == common::NOT_FOUND) {
    return Status::NotFound("has no block " + std::to_string(next_number) + " (" + name + ")");
  }
  return Status::Unavailable("answered " + name + " when asked from block " + std::to_string(next_number));
}

Status FromGrpcStatus(const grpc::Status& status, std::chrono::milliseconds timeout) {
  switch (status.error_code()) {
    case grpc::StatusCode::OK: return Status::Unavailable("the Deliver stream ended without a status");
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return Status::Unavailable("no complete answer within " + std::to_string(timeout.count()) +
                                 " ms (DEADLINE_EXCEEDED)");
    default: return DeliverCallFailure(status);
  }
}

}  // namespace

Result<std::unique_ptr<DeliverBlockPuller>> DeliverBlockPuller::Create(
    std::string channel_id, const protocol::Signer* signer,
    std::shared_ptr<const channelconfig::PolicyManager> policies, DeliverBlockPullerOptions options) {
  std::string what = "block puller of channel " + channel_id;
  if (signer == nullptr) return Status::InvalidArgument(what + ": no signer");
  if (policies == nullptr) return Status::InvalidArgument(what + ": no policy manager");
  if (auto policy = policies->Find(kBlockValidationPolicyPath); !policy.ok()) {
    return Status::FailedPrecondition(what + ": the channel config has no " + kBlockValidationPolicyPath +
                                      " policy (" + policy.status().message() + ")");
  }
  if (options.endpoints.empty()) return Status::InvalidArgument(what + ": no endpoints");
  if (options.range_size == 0) return Status::InvalidArgument(what + ": range_size must be at least 1");
  LOOM_RETURN_IF_ERROR(CheckDeliverClientTls(options.tls_root_certs_pem, options.tls_client_cert_pem,
                                             options.tls_client_key_pem, options.tls_server_name_override)
                           .WithContext(what));
  if (options.max_message_bytes > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return Status::InvalidArgument(what + ": max_message_bytes above 2 GiB");
  }

  std::shared_ptr<grpc::ChannelCredentials> credentials = DeliverClientCredentials(
      options.tls_root_certs_pem, options.tls_client_cert_pem, options.tls_client_key_pem);
  std::vector<Endpoint> endpoints;
  for (size_t i = 0; i < options.endpoints.size(); ++i) {
    const std::string& address = options.endpoints[i];
    if (address.empty())
      return Status::InvalidArgument(what + ": endpoints[" + std::to_string(i) + "] is empty");
    endpoints.push_back({address, DialDeliverEndpoint(address, credentials, options.max_message_bytes,
                                                      options.tls_server_name_override)});
  }
  return std::unique_ptr<DeliverBlockPuller>(new DeliverBlockPuller(
      std::move(channel_id), signer, std::move(policies), std::move(options), std::move(endpoints)));
}

DeliverBlockPuller::DeliverBlockPuller(std::string channel_id, const protocol::Signer* signer,
                                       std::shared_ptr<const channelconfig::PolicyManager> policies,
                                       DeliverBlockPullerOptions options, std::vector<Endpoint> endpoints)
    : channel_id_(std::move(channel_id)),
      signer_(signer),
      policies_(std::move(policies)),
      options_(std::move(options)),
      endpoints_(std::move(endpoints)) {}

DeliverBlockPuller::~DeliverBlockPuller() = default;

uint64_t DeliverBlockPuller::streams_opened() const {
  std::lock_guard lock(mutex_);
  return streams_opened_;
}

Result<common::Block> DeliverBlockPuller::PullBlock(uint64_t number) {
  std::lock_guard lock(mutex_);
  if (auto cached = cache_.find(number); cached != cache_.end()) {
    common::Block block = std::move(cached->second);
    cache_.erase(cache_.begin(), std::next(cached));
    return block;
  }
  cache_.clear();
  std::optional<std::string> previous_hash;
  if (number > 0 && last_verified_number_ == number - 1) previous_hash = last_verified_hash_;

  std::string report;
  Status check_failure;  // the first block that came back and failed the checks
  bool all_not_found = true;
  for (size_t attempt = 0; attempt < endpoints_.size(); ++attempt) {
    size_t index = (preferred_endpoint_ + attempt) % endpoints_.size();
    const Endpoint& endpoint = endpoints_[index];
    Fetch fetch = FetchRange(endpoint, number, previous_hash);
    if (!fetch.blocks.empty()) {
      preferred_endpoint_ = index;
      last_verified_number_ = number + fetch.blocks.size() - 1;
      last_verified_hash_ = protocol::BlockHeaderHash(fetch.blocks.back().header());
      for (size_t i = 1; i < fetch.blocks.size(); ++i) cache_.emplace(number + i, std::move(fetch.blocks[i]));
      return std::move(fetch.blocks.front());
    }
    Status problem =
        fetch.problem.ok() ? Status::Unavailable("sent no block " + std::to_string(number)) : fetch.problem;
    report += (report.empty() ? "" : "; ") + endpoint.address + ": " + problem.message();
    if (check_failure.ok() && (problem.IsCorruption() || problem.IsPermissionDenied()))
      check_failure = problem;
    if (!problem.IsNotFound()) all_not_found = false;
  }
  std::string message =
      "pulling block " + std::to_string(number) + " of channel " + channel_id_ + ": " + report;
  if (check_failure.IsCorruption()) return Status::Corruption(message);
  if (check_failure.IsPermissionDenied()) return Status::PermissionDenied(message);
  if (all_not_found) return Status::NotFound(message);
  return Status::Unavailable(message);
}

DeliverBlockPuller::Fetch DeliverBlockPuller::FetchRange(const Endpoint& endpoint, uint64_t first,
                                                         std::optional<std::string> previous_hash) {
  Fetch fetch;
  uint64_t room = std::numeric_limits<uint64_t>::max() - first;
  uint64_t last = first + std::min(options_.range_size - 1, room);
  auto seek = CreateSeekEnvelope(channel_id_, *signer_,
                                 MakeSeekInfo(SeekPoint::Number(first), SeekPoint::Number(last),
                                              ::orderer::SeekInfo::FAIL_IF_NOT_READY));
  if (!seek.ok()) {
    fetch.problem = Status::Unavailable("signing the seek request: " + seek.status().message());
    return fetch;
  }

  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + options_.call_timeout);
  ::orderer::AtomicBroadcast::Stub stub(endpoint.channel);
  std::unique_ptr<grpc::ClientReaderWriter<common::Envelope, ::orderer::DeliverResponse>> stream =
      stub.Deliver(&context);
  ++streams_opened_;
  // A failed write shows up as the stream's final status below.
  if (stream->Write(*seek)) stream->WritesDone();

  ::orderer::DeliverResponse response;
  bool answered = false;  // a status arrived, or the blocks went wrong: stop reading
  while (!answered && stream->Read(&response)) {
    uint64_t next = first + fetch.blocks.size();
    if (response.has_block()) {
      if (next > last) break;  // more than asked for: the range is complete anyway
      Status check = CheckBlock(response.block(), next, previous_hash);
      if (!check.ok()) {
        fetch.problem = check;
        answered = true;
        continue;
      }
      previous_hash = protocol::BlockHeaderHash(response.block().header());
      fetch.blocks.push_back(std::move(*response.mutable_block()));
      continue;
    }
    answered = true;
    if (response.Type_case() != ::orderer::DeliverResponse::kStatus) {
      fetch.problem = Status::Unavailable("sent a DeliverResponse with neither block nor status");
    } else if (response.status() != common::SUCCESS || fetch.blocks.empty()) {
      fetch.problem = FromDeliverStatus(response.status(), next);
    }
  }
  bool range_complete = first + fetch.blocks.size() > last;
  // Whatever the server still has to say does not matter: do not wait for it.
  if (answered || range_complete) context.TryCancel();
  grpc::Status final_status = stream->Finish();
  if (!answered && !range_complete) fetch.problem = FromGrpcStatus(final_status, options_.call_timeout);
  return fetch;
}

Status DeliverBlockPuller::CheckBlock(const common::Block& block, uint64_t number,
                                      const std::optional<std::string>& previous_hash) const {
  return CheckDeliveredBlock(block, number, previous_hash, *policies_, options_.genesis_header_hash);
}

}  // namespace loom::orderer
