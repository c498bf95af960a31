#include "core/orderer/raft_fsm.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "loom/raft_snapshot.pb.h"

namespace loom::orderer {

std::string FrameRaftCommand(std::string_view encoded_entry) {
  const uint32_t length = static_cast<uint32_t>(encoded_entry.size());
  std::string command;
  command.reserve((4 + encoded_entry.size() + 7) / 8 * 8);
  for (int shift = 0; shift < 32; shift += 8) command.push_back(static_cast<char>((length >> shift) & 0xff));
  command.append(encoded_entry);
  command.resize((command.size() + 7) / 8 * 8, '\0');
  return command;
}

std::string EncodeRaftCommand(const LogEntry& entry) {
  return FrameRaftCommand(EncodeLogEntry(entry));
}

Result<LogEntry> DecodeRaftCommand(std::string_view command) {
  if (command.size() < 4) {
    return Status::InvalidArgument("raft command: " + std::to_string(command.size()) +
                                   " bytes, shorter than its length prefix");
  }
  uint32_t length = 0;
  for (int i = 0; i < 4; ++i)
    length |= static_cast<uint32_t>(static_cast<unsigned char>(command[i])) << (8 * i);
  if (length > command.size() - 4) {
    return Status::InvalidArgument("raft command: its entry is " + std::to_string(length) +
                                   " bytes but only " + std::to_string(command.size() - 4) + " follow");
  }
  return DecodeLogEntry(command.substr(4, length));
}

std::string EncodeRaftSnapshot(const RaftSnapshotState& snapshot) {
  RaftSnapshot message;
  message.set_applied_index(snapshot.applied_index);
  message.set_height(snapshot.height);
  message.set_last_block_log_index(snapshot.last_block_log_index);
  for (const LogEntry& entry : snapshot.pending) message.add_pending(EncodeLogEntry(entry));
  return message.SerializeAsString();
}

Result<RaftSnapshotState> DecodeRaftSnapshot(std::string_view bytes) {
  RaftSnapshot message;
  if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Status::InvalidArgument("raft snapshot: not a loom.RaftSnapshot (" + std::to_string(bytes.size()) +
                                   " bytes)");
  }
  RaftSnapshotState snapshot;
  snapshot.applied_index = message.applied_index();
  snapshot.height = message.height();
  snapshot.last_block_log_index = message.last_block_log_index();
  const std::string where = "raft snapshot at index " + std::to_string(snapshot.applied_index);
  if (snapshot.height == 0)
    return Status::InvalidArgument(where + ": height 0 (a chain holds its genesis block)");
  if (snapshot.height == 1 && snapshot.last_block_log_index != 0) {
    return Status::InvalidArgument(
        where + ": the chain holds only its genesis block, which records log index 0, not " +
        std::to_string(snapshot.last_block_log_index));
  }
  uint64_t previous_index = snapshot.last_block_log_index;
  for (int i = 0; i < message.pending_size(); ++i) {
    const std::string pending_where = where + ", pending entry " + std::to_string(i);
    auto entry = DecodeLogEntry(message.pending(i));
    if (!entry.ok()) return entry.status().WithContext(pending_where);
    if (entry->kind != LogEntry::kEnvelope) {
      return Status::InvalidArgument(pending_where + ": a " + LogEntryKindName(entry->kind) +
                                     " entry (only envelopes wait in a batch)");
    }
    if (entry->index <= previous_index) {
      return Status::InvalidArgument(pending_where + ": index " + std::to_string(entry->index) +
                                     " does not come after " + std::to_string(previous_index));
    }
    if (entry->index > snapshot.applied_index) {
      return Status::InvalidArgument(pending_where + ": index " + std::to_string(entry->index) +
                                     " is after the snapshot's applied index");
    }
    if (!snapshot.pending.empty() && entry->channel != snapshot.pending.front().channel) {
      return Status::InvalidArgument(pending_where + ": channel '" + entry->channel + "', entry 0 is for '" +
                                     snapshot.pending.front().channel + "'");
    }
    previous_index = entry->index;
    snapshot.pending.push_back(std::move(entry).value());
  }
  return snapshot;
}

RaftChainFsm::RaftChainFsm(std::string channel_id, BatchConfig batch, uint64_t height,
                           uint64_t last_block_log_index, RaftChainSink* sink)
    : channel_id_(std::move(channel_id)),
      batch_(batch),
      sink_(sink),
      cutter_(batch),
      next_block_number_(height),
      last_block_log_index_(last_block_log_index),
      last_applied_index_(last_block_log_index) {
  fsm_.version = 1;
  fsm_.data = this;
  fsm_.apply = &RaftChainFsm::ApplyCallback;
  fsm_.snapshot = &RaftChainFsm::SnapshotCallback;
  fsm_.restore = &RaftChainFsm::RestoreCallback;
}

int RaftChainFsm::ApplyCallback(raft_fsm* fsm, const raft_buffer* buf, void** result) {
  *result = nullptr;
  static_cast<RaftChainFsm*>(fsm->data)->Apply(
      std::string_view(static_cast<const char*>(buf->base), buf->len));
  return 0;
}

int RaftChainFsm::SnapshotCallback(raft_fsm* fsm, raft_buffer* bufs[], unsigned* n_bufs) {
  return static_cast<RaftChainFsm*>(fsm->data)->Snapshot(bufs, n_bufs);
}

int RaftChainFsm::RestoreCallback(raft_fsm* fsm, raft_buffer* buf) {
  return static_cast<RaftChainFsm*>(fsm->data)->Restore(buf);
}

uint64_t RaftChainFsm::TermOf(uint64_t index) const {
  const raft_log& log = raft_->log;
  const size_t count = log.back >= log.front ? log.back - log.front : log.size - log.front + log.back;
  if (count == 0 || index <= log.offset || index > log.offset + count) return raft_->current_term;
  return log.entries[(log.front + (index - log.offset - 1)) % log.size].term;
}

void RaftChainFsm::Apply(std::string_view bytes) {
  if (raft_ == nullptr) {
    // A programming error: without the instance the entry's index is unknown.
    std::fprintf(stderr, "RaftChainFsm(%s): apply before Attach()\n", channel_id_.c_str());
    std::abort();
  }
  const uint64_t index = raft_last_applied(raft_) + 1;
  auto entry = DecodeRaftCommand(bytes);
  if (!entry.ok()) {
    ++skipped_entries_;
    sink_->OnSkipped(index, entry.status().WithContext("channel " + channel_id_ + ", raft entry " +
                                                       std::to_string(index)));
    return;
  }
  if (entry->channel != channel_id_) {
    ++skipped_entries_;
    sink_->OnSkipped(
        index, Status::InvalidArgument("channel " + channel_id_ + ", raft entry " + std::to_string(index) +
                                       ": an entry of channel '" + entry->channel + "'"));
    return;
  }
  entry->index = index;
  Mirror(*entry);
  sink_->OnCommitted(std::move(entry).value(), TermOf(index));
}

void RaftChainFsm::Mirror(const LogEntry& entry) {
  if (entry.index <= last_applied_index_) return;
  if (entry.kind == LogEntry::kEnvelope) {
    pending_.push_back(entry);
    std::vector<Batch> batches = cutter_.Ordered(entry.envelope);
    for (size_t i = 0; i < batches.size(); ++i) {
      pending_.erase(pending_.begin(), pending_.begin() + static_cast<long>(batches[i].envelopes.size()));
      // The log index the block records, as ChainBuilder::Apply computes it.
      const bool holds_entry = i + 1 == batches.size() && (batches[i].reason == CutReason::kCount ||
                                                           batches[i].reason == CutReason::kOversized);
      last_block_log_index_ = holds_entry ? entry.index : entry.index - 1;
      ++next_block_number_;
    }
    if (!pending_.empty() && pending_.front().index == entry.index) {
      pending_since_ = std::chrono::steady_clock::now();
    }
  } else if (entry.cut_block_number == next_block_number_ && cutter_.Cut(CutReason::kTimeout)) {
    pending_.clear();
    last_block_log_index_ = entry.index;
    ++next_block_number_;
  }
  last_applied_index_ = entry.index;
}

RaftSnapshotState RaftChainFsm::CurrentState() const {
  RaftSnapshotState state;
  state.applied_index = raft_ != nullptr ? raft_last_applied(raft_) : last_applied_index_;
  state.height = next_block_number_;
  state.last_block_log_index = last_block_log_index_;
  state.pending.assign(pending_.begin(), pending_.end());
  return state;
}

int RaftChainFsm::Snapshot(raft_buffer* bufs[], unsigned* n_bufs) {
  const std::string bytes = EncodeRaftSnapshot(CurrentState());
  auto* array = static_cast<raft_buffer*>(raft_malloc(sizeof(raft_buffer)));
  if (array == nullptr) return RAFT_NOMEM;
  array[0].len = bytes.size();
  // raft_malloc(0) may return NULL; a snapshot is never empty (height >= 1
  // is always encoded), but allocate at least one byte regardless.
  array[0].base = raft_malloc(bytes.empty() ? 1 : bytes.size());
  if (array[0].base == nullptr) {
    raft_free(array);
    return RAFT_NOMEM;
  }
  std::memcpy(array[0].base, bytes.data(), bytes.size());
  *bufs = array;
  *n_bufs = 1;
  return 0;
}

int RaftChainFsm::Restore(raft_buffer* buf) {
  auto snapshot = DecodeRaftSnapshot(std::string_view(static_cast<const char*>(buf->base), buf->len));
  if (!snapshot.ok()) {
    sink_->OnSkipped(0, snapshot.status().WithContext("channel " + channel_id_ + ": restoring a snapshot"));
    return RAFT_MALFORMED;
  }
  if (!snapshot->pending.empty() && snapshot->pending.front().channel != channel_id_) {
    sink_->OnSkipped(
        0, Status::InvalidArgument("channel " + channel_id_ + ": restoring a snapshot of channel '" +
                                   snapshot->pending.front().channel + "'"));
    return RAFT_MALFORMED;
  }
  raft_free(buf->base);  // ours once restore succeeds

  cutter_ = BlockCutter(batch_);
  pending_.clear();
  next_block_number_ = snapshot->height;
  last_block_log_index_ = snapshot->last_block_log_index;
  last_applied_index_ = snapshot->last_block_log_index;
  for (const LogEntry& entry : snapshot->pending) Mirror(entry);
  if (snapshot->applied_index > last_applied_index_) last_applied_index_ = snapshot->applied_index;
  sink_->OnRestored(*snapshot);
  return 0;
}

}  // namespace loom::orderer
