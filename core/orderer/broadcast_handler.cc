#include "core/orderer/broadcast_handler.h"

#include <utility>
#include <variant>

#include "core/channelconfig/policy_manager.h"
#include "core/orderer/signer_check.h"
#include "core/orderer/tx_id_guard.h"
#include "core/protocol/envelope.h"
#include "core/protocol/txid.h"
#include "msp/identities.pb.h"

namespace loom::orderer {
namespace {

// The Broadcast status for an order that failed: a Raft leader's refusal of
// a forwarded envelope keeps its meaning; anything else is the service.
common::Status ReplyStatusFor(const Status& status) {
  switch (status.code()) {
    case Status::Code::kPermissionDenied: return common::FORBIDDEN;
    case Status::Code::kInvalidArgument: return common::BAD_REQUEST;
    case Status::Code::kNotFound: return common::NOT_FOUND;
    default: return common::SERVICE_UNAVAILABLE;
  }
}

constexpr char kWritersPolicy[] = "/Channel/Writers";

BroadcastReply Reject(common::Status status, std::string info) {
  return BroadcastReply{status, std::move(info)};
}

std::chrono::nanoseconds Since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start);
}

}  // namespace

BroadcastHandler::BroadcastHandler(const ChannelRegistry* channels, EventSink events,
                                   std::function<Clock::time_point()> now)
    : channels_(channels), events_(std::move(events)), now_(std::move(now)) {}

BroadcastHandler::Checked BroadcastHandler::Check(std::string_view envelope_bytes) const {
  auto started = std::chrono::steady_clock::now();
  Checked checked;
  checked.event = std::make_shared<BroadcastEvent>();
  auto result = CheckRules(envelope_bytes, checked.event.get());
  checked.event->validate_duration = Since(started);
  if (auto* reply = std::get_if<BroadcastReply>(&result)) {
    checked.reply = std::move(*reply);
  } else {
    auto& [channel, envelope] = std::get<std::pair<std::shared_ptr<OrderingChannel>, std::string>>(result);
    checked.channel = std::move(channel);
    checked.envelope = std::move(envelope);
  }
  return checked;
}

std::variant<std::pair<std::shared_ptr<OrderingChannel>, std::string>, BroadcastReply>
BroadcastHandler::CheckRules(std::string_view envelope_bytes, BroadcastEvent* event) const {
  event->size_bytes = envelope_bytes.size();
  auto parsed = protocol::ParseEnvelopeBytes(envelope_bytes);
  if (!parsed.ok()) return Reject(common::BAD_REQUEST, parsed.status().message());
  const common::ChannelHeader& channel_header = parsed->channel_header;
  const common::SignatureHeader& signature_header = parsed->signature_header;
  event->channel = channel_header.channel_id();
  event->tx_id = channel_header.tx_id();
  event->header_type = channel_header.type();

  if (channel_header.channel_id().empty())
    return Reject(common::BAD_REQUEST, "channel header has no channel id");
  std::shared_ptr<OrderingChannel> channel = channels_->Find(channel_header.channel_id());
  if (channel == nullptr) {
    return Reject(common::NOT_FOUND,
                  "channel " + channel_header.channel_id() + " is not served by this orderer");
  }

  uint32_t max_bytes = channel->absolute_max_bytes();
  if (envelope_bytes.size() > max_bytes) {
    return Reject(common::REQUEST_ENTITY_TOO_LARGE,
                  "envelope is " + std::to_string(envelope_bytes.size()) +
                      " bytes, more than the channel's AbsoluteMaxBytes of " + std::to_string(max_bytes));
  }

  if (channel_header.type() == common::CONFIG_UPDATE) {
    return Reject(common::BAD_REQUEST, "config updates are not supported yet");
  }
  if (channel_header.type() != common::ENDORSER_TRANSACTION) {
    return Reject(common::BAD_REQUEST, "header type " + protocol::HeaderTypeName(channel_header.type()) +
                                           " is not accepted by Broadcast (only ENDORSER_TRANSACTION)");
  }

  if (signature_header.creator().empty())
    return Reject(common::BAD_REQUEST, "signature header has no creator");
  if (signature_header.nonce().empty()) return Reject(common::BAD_REQUEST, "signature header has no nonce");
  // Only the MSP id here, from the SerializedIdentity message: the
  // certificate is parsed (once, cached) by the channel's MSP in rule 6.
  ::msp::SerializedIdentity creator;
  if (!creator.ParseFromString(signature_header.creator()) || creator.mspid().empty()) {
    return Reject(common::BAD_REQUEST, "creator is not a msp.SerializedIdentity with an MSP id");
  }
  event->creator_mspid = creator.mspid();
  std::string expected_tx_id = protocol::ComputeTxId(signature_header.nonce(), signature_header.creator());
  if (channel_header.tx_id() != expected_tx_id) {
    return Reject(common::BAD_REQUEST, "tx id '" + channel_header.tx_id() +
                                           "' is not SHA-256(nonce || creator) = " + expected_tx_id);
  }

  const common::Envelope& envelope = parsed->envelope;
  if (envelope.signature().empty()) return Reject(common::FORBIDDEN, "envelope is not signed");
  protocol::SignedData signed_data{envelope.payload(), signature_header.creator(), envelope.signature()};
  Status allowed = CheckSigner(*channel->policy_manager(), kWritersPolicy, signed_data,
                               "write to channel " + channel_header.channel_id(), now_());
  if (!allowed.ok()) return Reject(common::FORBIDDEN, allowed.message());

  return std::make_pair(std::move(channel), envelope.SerializeAsString());
}

void BroadcastHandler::Submit(Checked checked, Done done) const {
  std::shared_ptr<BroadcastEvent> event = std::move(checked.event);
  auto refuse = [&](BroadcastReply reply) {
    event->reply = std::move(reply);
    if (events_) events_(*event);
    done(event->reply);
  };
  if (!checked.accepted()) return refuse(std::move(checked.reply));
  std::shared_ptr<OrderingChannel> channel = std::move(checked.channel);
  if (!channel->tx_ids().Claim(event->tx_id)) {
    return refuse(Reject(common::BAD_REQUEST, "duplicate tx id " + event->tx_id +
                                                  ": already ordered on channel " + event->channel));
  }
  auto enqueued = std::chrono::steady_clock::now();
  channel->Order(std::move(checked.envelope), event->tx_id,
                 [this, channel, event, enqueued, done = std::move(done)](Status ordered) {
                   event->enqueue_duration = Since(enqueued);
                   if (ordered.ok()) {
                     event->reply = BroadcastReply{common::SUCCESS, ""};
                   } else {
                     channel->tx_ids().Release(event->tx_id);
                     event->reply = Reject(ReplyStatusFor(ordered), "not ordered: " + ordered.message());
                   }
                   if (events_) events_(*event);
                   done(event->reply);
                 });
}

void BroadcastHandler::Handle(std::string_view envelope_bytes, Done done) const {
  Submit(Check(envelope_bytes), std::move(done));
}

}  // namespace loom::orderer
