#include "core/orderer/deliver_handler.h"

#include <google/protobuf/util/time_util.h>

#include "core/channelconfig/policy_manager.h"
#include "core/ledger/block_store.h"
#include "core/orderer/signer_check.h"
#include "core/protocol/envelope.h"
#include "core/protocol/serialized_identity.h"
#include "orderer/ab.pb.h"

namespace loom::orderer {
namespace {

DeliverStatus Refuse(common::Status status, std::string info) {
  return DeliverStatus{status, std::move(info)};
}

// The block number a position names, given the chain's height now.
Result<uint64_t> PositionNumber(const ::orderer::SeekPosition& position, uint64_t height, const char* which) {
  switch (position.Type_case()) {
    case ::orderer::SeekPosition::kOldest: return uint64_t{0};
    case ::orderer::SeekPosition::kNewest: return height == 0 ? uint64_t{0} : height - 1;
    case ::orderer::SeekPosition::kSpecified: return position.specified().number();
    default: return Status::InvalidArgument(std::string("SeekInfo.") + which + " has no position type");
  }
}

std::string FormatSeconds(std::chrono::seconds seconds) {
  if (seconds.count() % 60 == 0) return std::to_string(seconds.count() / 60) + "m";
  return std::to_string(seconds.count()) + "s";
}

std::string FormatTime(crypto::Clock::time_point at) {
  auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(at.time_since_epoch()).count();
  return google::protobuf::util::TimeUtil::ToString(
      google::protobuf::util::TimeUtil::NanosecondsToTimestamp(nanos));
}

}  // namespace

DeliverAccess::DeliverAccess(protocol::SignedData request, Clock::time_point expires_at,
                             std::shared_ptr<const channelconfig::PolicyManager> admitted_under,
                             std::function<Clock::time_point()> now)
    : request_(std::move(request)),
      expires_at_(expires_at),
      checked_under_(std::move(admitted_under)),
      now_(std::move(now)) {}

Status DeliverAccess::Recheck(const DeliverSource& channel) {
  if (!now_) return Status::Ok();
  Clock::time_point now = now_();
  if (now > expires_at_) {
    return Status::PermissionDenied(protocol::DescribeIdentity(request_.identity) +
                                    " may no longer read channel " + channel.channel_id() +
                                    ": its certificate expired at " + FormatTime(expires_at_));
  }
  std::shared_ptr<const channelconfig::PolicyManager> current = channel.policy_manager();
  // Holding the last manager keeps its address from being reused, so equal
  // pointers mean the same config.
  if (current == checked_under_) return Status::Ok();
  Status allowed =
      CheckSigner(*current, channel.readers_policy(), request_, "read channel " + channel.channel_id(), now);
  if (!allowed.ok()) {
    return Status::PermissionDenied(protocol::DescribeIdentity(request_.identity) +
                                    " may no longer read channel " + channel.channel_id() +
                                    " after a config change: " + allowed.message());
  }
  checked_under_ = std::move(current);
  return Status::Ok();
}

DeliverCursor::DeliverCursor(SeekRequest request) : request_(std::move(request)), next_(request_.start) {}

DeliverCursor::Step DeliverCursor::TryNext() {
  Step step;
  if (done_ || next_ > request_.stop) {
    done_ = true;
    step.kind = Step::kDone;
    return step;
  }
  uint64_t height = request_.channel->deliverable_height();
  if (next_ >= height) {
    if (request_.channel->stopped()) {
      done_ = true;
      step.kind = Step::kDone;
      step.status = Refuse(common::SERVICE_UNAVAILABLE,
                           "channel " + request_.channel->channel_id() + " is shutting down");
      return step;
    }
    if (!request_.fail_if_not_ready) return step;  // kWait
    done_ = true;
    step.kind = Step::kDone;
    step.status =
        Refuse(common::NOT_FOUND, "block " + std::to_string(next_) + " of channel " +
                                      request_.channel->channel_id() + " does not exist yet (height " +
                                      std::to_string(height) + ") and FAIL_IF_NOT_READY was asked");
    return step;
  }
  Status allowed = request_.access.Recheck(*request_.channel);
  if (!allowed.ok()) {
    done_ = true;
    step.kind = Step::kDone;
    step.status = Refuse(common::FORBIDDEN, allowed.message());
    return step;
  }
  auto bytes = request_.channel->GetBlockBytes(next_);
  if (!bytes.ok()) {
    done_ = true;
    step.kind = Step::kDone;
    step.status = Refuse(common::SERVICE_UNAVAILABLE,
                         "reading block " + std::to_string(next_) + ": " + bytes.status().message());
    return step;
  }
  step.kind = Step::kBlock;
  step.number = next_;
  step.block_bytes = std::move(*bytes);
  // The last block of a "forever" request is never reached; do not wrap.
  if (next_ == request_.stop) {
    done_ = true;
  } else {
    ++next_;
  }
  return step;
}

DeliverCursor::Step DeliverCursor::Next(std::chrono::steady_clock::time_point deadline) {
  Step step = TryNext();
  if (step.kind != Step::kWait) return step;
  // A finished `done_` is handled by TryNext; here the block is just missing.
  if (!request_.channel->WaitForBlock(next_, deadline)) {
    if (std::chrono::steady_clock::now() < deadline) {
      done_ = true;
      step.kind = Step::kDone;
      step.status = Refuse(common::SERVICE_UNAVAILABLE,
                           "channel " + request_.channel->channel_id() + " is shutting down");
    }
    return step;
  }
  return TryNext();
}

DeliverHandler::DeliverHandler(const ChannelRegistry* channels, std::function<Clock::time_point()> now,
                               std::chrono::seconds time_window)
    : DeliverHandler(
          [channels](const std::string& id) -> std::shared_ptr<DeliverSource> { return channels->Find(id); },
          "orderer", std::move(now), time_window) {}

DeliverHandler::DeliverHandler(FindSourceFn find, std::string node_kind,
                               std::function<Clock::time_point()> now, std::chrono::seconds time_window)
    : find_(std::move(find)),
      node_kind_(std::move(node_kind)),
      now_(std::move(now)),
      time_window_(time_window) {}

std::variant<SeekRequest, DeliverStatus> DeliverHandler::Check(std::string_view envelope_bytes) const {
  auto parsed = protocol::ParseEnvelopeBytes(envelope_bytes);
  if (!parsed.ok()) return Refuse(common::BAD_REQUEST, parsed.status().message());
  const common::ChannelHeader& channel_header = parsed->channel_header;
  if (channel_header.type() != common::DELIVER_SEEK_INFO) {
    return Refuse(common::BAD_REQUEST, "header type " + protocol::HeaderTypeName(channel_header.type()) +
                                           " is not a Deliver request (DELIVER_SEEK_INFO)");
  }
  if (!channel_header.has_timestamp()) return Refuse(common::BAD_REQUEST, "channel header has no timestamp");
  auto sent = Clock::from_time_t(channel_header.timestamp().seconds()) +
              std::chrono::duration_cast<Clock::duration>(
                  std::chrono::nanoseconds(channel_header.timestamp().nanos()));
  Clock::time_point now = now_();
  auto apart = sent > now ? sent - now : now - sent;
  if (apart > time_window_) {
    return Refuse(common::BAD_REQUEST,
                  "envelope timestamp " +
                      google::protobuf::util::TimeUtil::ToString(channel_header.timestamp()) +
                      " is more than " + FormatSeconds(time_window_) + " from the " + node_kind_ + "'s time");
  }
  if (channel_header.channel_id().empty())
    return Refuse(common::BAD_REQUEST, "channel header has no channel id");

  std::shared_ptr<DeliverSource> channel = find_(channel_header.channel_id());
  if (channel == nullptr) {
    return Refuse(common::NOT_FOUND,
                  "channel " + channel_header.channel_id() + " is not served by this " + node_kind_);
  }

  const common::Envelope& envelope = parsed->envelope;
  const std::string& creator = parsed->signature_header.creator();
  if (creator.empty()) return Refuse(common::FORBIDDEN, "request has no creator in its signature header");
  if (envelope.signature().empty()) return Refuse(common::FORBIDDEN, "request is not signed");
  protocol::SignedData signed_data{envelope.payload(), creator, envelope.signature()};
  std::shared_ptr<const channelconfig::PolicyManager> policies = channel->policy_manager();
  Status allowed = CheckSigner(*policies, channel->readers_policy(), signed_data,
                               "read channel " + channel_header.channel_id(), now);
  if (!allowed.ok()) return Refuse(common::FORBIDDEN, allowed.message());
  // The check above deserialized it (the MSP caches it), so this cannot fail.
  auto requester = policies->msps().DeserializeIdentity(creator);
  if (!requester.ok()) return Refuse(common::FORBIDDEN, requester.status().message());
  Clock::time_point expires_at = requester->certificate().NotAfter();

  ::orderer::SeekInfo seek;
  if (!seek.ParseFromString(parsed->payload.data())) {
    return Refuse(common::BAD_REQUEST, "payload data is not an orderer.SeekInfo");
  }
  if (!seek.has_start()) return Refuse(common::BAD_REQUEST, "SeekInfo has no start position");
  if (!seek.has_stop()) return Refuse(common::BAD_REQUEST, "SeekInfo has no stop position");

  uint64_t height = channel->deliverable_height();
  auto start = PositionNumber(seek.start(), height, "start");
  if (!start.ok()) return Refuse(common::BAD_REQUEST, start.status().message());
  auto stop = PositionNumber(seek.stop(), height, "stop");
  if (!stop.ok()) return Refuse(common::BAD_REQUEST, stop.status().message());
  // As Fabric: a newest start with a newest stop is that one block, even if
  // another is appended in between.
  if (seek.start().has_newest() && seek.stop().has_newest()) *stop = *start;
  if (*stop < *start) {
    return Refuse(common::BAD_REQUEST,
                  "start block " + std::to_string(*start) + " is after stop block " + std::to_string(*stop));
  }

  SeekRequest request;
  request.channel = std::move(channel);
  request.start = *start;
  request.stop = *stop;
  request.fail_if_not_ready = seek.behavior() == ::orderer::SeekInfo::FAIL_IF_NOT_READY;
  request.requester = requester->mspid();
  request.access = DeliverAccess(std::move(signed_data), expires_at, std::move(policies), now_);
  return request;
}

}  // namespace loom::orderer
