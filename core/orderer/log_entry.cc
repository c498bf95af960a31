#include "core/orderer/log_entry.h"

#include "core/protocol/block_signature.h"
#include "loom/orderer_log.pb.h"
#include "orderer/etcdraft/metadata.pb.h"

namespace loom::orderer {

LogEntry LogEntry::Envelope(std::string channel, std::string envelope) {
  LogEntry entry;
  entry.kind = kEnvelope;
  entry.channel = std::move(channel);
  entry.envelope = std::move(envelope);
  return entry;
}

LogEntry LogEntry::TimeToCut(std::string channel, uint64_t cut_block_number) {
  LogEntry entry;
  entry.kind = kTimeToCut;
  entry.channel = std::move(channel);
  entry.cut_block_number = cut_block_number;
  return entry;
}

const char* LogEntryKindName(LogEntry::Kind kind) {
  return kind == LogEntry::kEnvelope ? "envelope" : "time-to-cut";
}

Status ValidateLogEntry(const LogEntry& entry) {
  const std::string where = "log entry " + std::to_string(entry.index);
  if (entry.channel.empty()) return Status::InvalidArgument(where + ": no channel");
  switch (entry.kind) {
    case LogEntry::kEnvelope:
      if (entry.envelope.empty()) return Status::InvalidArgument(where + ": envelope entry has no envelope");
      return Status::Ok();
    case LogEntry::kTimeToCut:
      if (!entry.envelope.empty()) {
        return Status::InvalidArgument(where + ": time-to-cut entry carries an envelope");
      }
      return Status::Ok();
  }
  return Status::InvalidArgument(where + ": unknown kind " + std::to_string(static_cast<int>(entry.kind)));
}

std::string EncodeLogEntry(const LogEntry& entry) {
  OrdererLogEntry message;
  message.set_index(entry.index);
  message.set_kind(entry.kind == LogEntry::kEnvelope ? OrdererLogEntry::ENVELOPE
                                                     : OrdererLogEntry::TIME_TO_CUT);
  message.set_channel(entry.channel);
  message.set_envelope(entry.envelope);
  message.set_cut_block_number(entry.cut_block_number);
  return message.SerializeAsString();
}

Result<LogEntry> DecodeLogEntry(std::string_view bytes) {
  OrdererLogEntry message;
  if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Status::InvalidArgument("log entry: not a loom.OrdererLogEntry (" + std::to_string(bytes.size()) +
                                   " bytes)");
  }
  LogEntry entry;
  entry.index = message.index();
  switch (message.kind()) {
    case OrdererLogEntry::ENVELOPE: entry.kind = LogEntry::kEnvelope; break;
    case OrdererLogEntry::TIME_TO_CUT: entry.kind = LogEntry::kTimeToCut; break;
    default:
      return Status::InvalidArgument("log entry " + std::to_string(entry.index) + ": unknown kind " +
                                     std::to_string(message.kind()));
  }
  entry.channel = std::move(*message.mutable_channel());
  entry.envelope = std::move(*message.mutable_envelope());
  entry.cut_block_number = message.cut_block_number();
  LOOM_RETURN_IF_ERROR(ValidateLogEntry(entry));
  return entry;
}

std::string EncodeConsenterMetadata(uint64_t last_log_index) {
  etcdraft::BlockMetadata raft_metadata;
  raft_metadata.set_raft_index(last_log_index);
  common::Metadata metadata;
  metadata.set_value(raft_metadata.SerializeAsString());
  return metadata.SerializeAsString();
}

Result<uint64_t> LastLogIndexOfBlock(const common::Block& block) {
  const uint64_t number = block.header().number();
  if (number == 0) return uint64_t{0};
  const std::string where = "block " + std::to_string(number);
  auto signatures = protocol::BlockSignaturesMetadata(block);
  if (!signatures.ok()) return signatures.status().WithContext(where);
  common::OrdererBlockMetadata orderer_metadata;
  if (!orderer_metadata.ParseFromString(signatures->value())) {
    return Status::InvalidArgument(where + ": SIGNATURES metadata value is not an OrdererBlockMetadata");
  }
  common::Metadata consenter_metadata;
  if (!consenter_metadata.ParseFromString(orderer_metadata.consenter_metadata())) {
    return Status::InvalidArgument(where + ": consenter metadata is not a common.Metadata");
  }
  etcdraft::BlockMetadata raft_metadata;
  if (!raft_metadata.ParseFromString(consenter_metadata.value())) {
    return Status::InvalidArgument(where + ": consenter metadata value is not an etcdraft.BlockMetadata");
  }
  return raft_metadata.raft_index();
}

}  // namespace loom::orderer
