// LogEntry: one record of the ordering service's log, and how blocks point
// back into the log.
//
// The orderer appends every accepted envelope to a durable, ordered log
// (SoloLog; later Raft's log) before answering SUCCESS, and a ChainBuilder
// cuts blocks from the log. A kTimeToCut entry is BatchTimeout expiring,
// recorded in the log so that replaying the log cuts the same blocks.
//
// Encoding: the marshalled loom.OrdererLogEntry (core/proto/loom/
// orderer_log.proto), a stable protobuf encoding. Pure functions,
// thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/common.pb.h"
#include "core/util/status.h"

namespace loom::orderer {

struct LogEntry {
  enum Kind { kEnvelope, kTimeToCut };

  uint64_t index = 0;  // assigned by the log; 0 = not yet appended
  Kind kind = kEnvelope;
  std::string envelope;           // kEnvelope: the envelope bytes as received
  std::string channel;            // the channel the entry is for
  uint64_t cut_block_number = 0;  // kTimeToCut: the block the timer was set for

  static LogEntry Envelope(std::string channel, std::string envelope);
  static LogEntry TimeToCut(std::string channel, uint64_t cut_block_number);

  bool operator==(const LogEntry&) const = default;
};

// "envelope" / "time-to-cut".
const char* LogEntryKindName(LogEntry::Kind kind);

// OK when the entry can be stored and read back: a channel, and an envelope
// exactly when it is a kEnvelope entry. InvalidArgument naming the entry
// otherwise.
Status ValidateLogEntry(const LogEntry& entry);

std::string EncodeLogEntry(const LogEntry& entry);

// InvalidArgument, e.g. "log entry: not a loom.OrdererLogEntry (N bytes)",
// "log entry 7: unknown kind 9", "log entry 7: no channel",
// "log entry 7: envelope entry has no envelope",
// "log entry 7: time-to-cut entry carries an envelope".
Result<LogEntry> DecodeLogEntry(std::string_view bytes);

// The OrdererBlockMetadata.consenter_metadata that records `last_log_index`
// in a block, in the shape Fabric's block writer and Raft orderer use: a
// marshalled common.Metadata whose value is an etcdraft.BlockMetadata with
// raft_index = `last_log_index` (consenter ids stay empty for solo).
std::string EncodeConsenterMetadata(uint64_t last_log_index);

// The last log index recorded in `block`'s SIGNATURES metadata; 0 for block
// 0 (a genesis block holds no log entries) and for a block whose consenter
// metadata is empty. InvalidArgument naming the block when the metadata does
// not parse.
Result<uint64_t> LastLogIndexOfBlock(const common::Block& block);

}  // namespace loom::orderer
