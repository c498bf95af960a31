// The Raft snapshot: encode/decode round trips, every kind of malformed
// bytes refused with a message naming what is wrong, and RaftChainFsm's
// snapshot/restore callbacks called directly as libraft calls them
// (buffer ownership included).
#include <gtest/gtest.h>

#include <cstring>

#include "core/orderer/raft_fsm.h"
#include "loom/raft_snapshot.pb.h"
#include "orderer_test_support.h"

namespace loom::orderer {
namespace {

using testing::SizedEnvelope;

const char kChannel[] = "snapchannel";

LogEntry Pending(uint64_t index, int id, size_t size = 120) {
  LogEntry entry = LogEntry::Envelope(kChannel, SizedEnvelope(id, size));
  entry.index = index;
  return entry;
}

RaftSnapshotState SampleState() {
  RaftSnapshotState state;
  state.applied_index = 42;
  state.height = 7;
  state.last_block_log_index = 37;
  state.pending = {Pending(38, 1), Pending(40, 2), Pending(41, 3)};
  return state;
}

// A RaftSnapshot message built field by field, to write what
// EncodeRaftSnapshot never would.
std::string RawSnapshot(uint64_t applied, uint64_t height, uint64_t last_block_log_index,
                        const std::vector<std::string>& pending) {
  RaftSnapshot message;
  message.set_applied_index(applied);
  message.set_height(height);
  message.set_last_block_log_index(last_block_log_index);
  for (const std::string& entry : pending) message.add_pending(entry);
  return message.SerializeAsString();
}

void ExpectInvalid(const std::string& bytes, const std::string& fragment) {
  auto decoded = DecodeRaftSnapshot(bytes);
  ASSERT_FALSE(decoded.ok());
  EXPECT_TRUE(decoded.status().IsInvalidArgument()) << decoded.status().ToString();
  EXPECT_NE(decoded.status().message().find(fragment), std::string::npos) << decoded.status().ToString();
}

TEST(RaftSnapshot, RoundTrips) {
  const RaftSnapshotState state = SampleState();
  auto decoded = DecodeRaftSnapshot(EncodeRaftSnapshot(state));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, state);

  RaftSnapshotState genesis_only;
  genesis_only.applied_index = 3;
  genesis_only.height = 1;
  decoded = DecodeRaftSnapshot(EncodeRaftSnapshot(genesis_only));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, genesis_only);
}

TEST(RaftSnapshot, RefusesMalformedBytes) {
  ExpectInvalid(std::string("\xff\xff\xff", 3), "not a loom.RaftSnapshot (3 bytes)");
  ExpectInvalid(RawSnapshot(5, 0, 0, {}), "height 0");
  ExpectInvalid(RawSnapshot(5, 1, 4, {}), "only its genesis block");
  ExpectInvalid(RawSnapshot(50, 3, 10, {"garbage"}), "pending entry 0");

  LogEntry cut = LogEntry::TimeToCut(kChannel, 3);
  cut.index = 12;
  ExpectInvalid(RawSnapshot(50, 3, 10, {EncodeLogEntry(cut)}), "a time-to-cut entry");
  ExpectInvalid(RawSnapshot(50, 3, 10, {EncodeLogEntry(Pending(10, 1))}), "index 10 does not come after 10");
  ExpectInvalid(RawSnapshot(50, 3, 10, {EncodeLogEntry(Pending(12, 1)), EncodeLogEntry(Pending(12, 2))}),
                "pending entry 1: index 12 does not come after 12");
  ExpectInvalid(RawSnapshot(50, 3, 10, {EncodeLogEntry(Pending(51, 1))}),
                "after the snapshot's applied index");
  LogEntry other = LogEntry::Envelope("otherchannel", SizedEnvelope(2, 100));
  other.index = 13;
  ExpectInvalid(RawSnapshot(50, 3, 10, {EncodeLogEntry(Pending(12, 1)), EncodeLogEntry(other)}),
                "channel 'otherchannel'");
}

TEST(RaftSnapshot, EveryTruncationIsRefusedOrDecodesWithoutCrashing) {
  const std::string bytes = EncodeRaftSnapshot(SampleState());
  int refused = 0;
  for (size_t length = 0; length < bytes.size(); ++length) {
    auto decoded = DecodeRaftSnapshot(std::string_view(bytes).substr(0, length));
    if (!decoded.ok()) {
      ++refused;
      EXPECT_TRUE(decoded.status().IsInvalidArgument());
    } else {
      EXPECT_NE(*decoded, SampleState()) << "a truncation decoded to the whole snapshot";
    }
  }
  EXPECT_GT(refused, 0);
}

class RecordingSink : public RaftChainSink {
 public:
  void OnCommitted(LogEntry, uint64_t) override { ++committed; }
  void OnRestored(const RaftSnapshotState& snapshot) override { restored.push_back(snapshot); }
  void OnSkipped(uint64_t index, const Status& why) override { skipped.emplace_back(index, why); }
  int committed = 0;
  std::vector<RaftSnapshotState> restored;
  std::vector<std::pair<uint64_t, Status>> skipped;
};

raft_buffer RaftCopy(const std::string& bytes) {
  raft_buffer buffer;
  buffer.len = bytes.size();
  buffer.base = raft_malloc(bytes.size());
  std::memcpy(buffer.base, bytes.data(), bytes.size());
  return buffer;
}

BatchConfig Batches() {
  BatchConfig batch;
  batch.max_message_count = 10;
  batch.preferred_max_bytes = 10000;
  return batch;
}

TEST(RaftChainFsm, RestoreThenSnapshotGiveBackTheState) {
  RecordingSink sink;
  RaftChainFsm fsm(kChannel, Batches(), 1, 0, &sink);
  const RaftSnapshotState state = SampleState();

  raft_buffer buffer = RaftCopy(EncodeRaftSnapshot(state));
  ASSERT_EQ(fsm.fsm()->restore(fsm.fsm(), &buffer), 0);  // the FSM freed the buffer
  ASSERT_EQ(sink.restored.size(), 1u);
  EXPECT_EQ(sink.restored[0], state);
  EXPECT_EQ(fsm.next_block_number(), 7u);
  EXPECT_EQ(fsm.last_block_log_index(), 37u);
  EXPECT_EQ(fsm.pending_count(), 3u);
  EXPECT_TRUE(fsm.has_pending());
  EXPECT_EQ(fsm.last_applied_index(), 42u);
  EXPECT_EQ(fsm.CurrentState(), state);

  raft_buffer* buffers = nullptr;
  unsigned count = 0;
  ASSERT_EQ(fsm.fsm()->snapshot(fsm.fsm(), &buffers, &count), 0);
  ASSERT_EQ(count, 1u);
  auto decoded =
      DecodeRaftSnapshot(std::string_view(static_cast<const char*>(buffers[0].base), buffers[0].len));
  raft_free(buffers[0].base);  // libraft's job after a snapshot is stored
  raft_free(buffers);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, state);
  EXPECT_TRUE(sink.skipped.empty());
}

TEST(RaftChainFsm, RestoreRefusesMalformedOrForeignSnapshotsAndKeepsItsState) {
  RecordingSink sink;
  RaftChainFsm fsm(kChannel, Batches(), 3, 9, &sink);

  raft_buffer garbage = RaftCopy("definitely not a snapshot");
  EXPECT_EQ(fsm.fsm()->restore(fsm.fsm(), &garbage), RAFT_MALFORMED);
  raft_free(garbage.base);  // still libraft's on failure

  RaftSnapshotState foreign;
  foreign.applied_index = 20;
  foreign.height = 4;
  foreign.last_block_log_index = 15;
  LogEntry entry = LogEntry::Envelope("otherchannel", SizedEnvelope(1, 100));
  entry.index = 17;
  foreign.pending.push_back(entry);
  raft_buffer other = RaftCopy(EncodeRaftSnapshot(foreign));
  EXPECT_EQ(fsm.fsm()->restore(fsm.fsm(), &other), RAFT_MALFORMED);
  raft_free(other.base);

  EXPECT_TRUE(sink.restored.empty());
  ASSERT_EQ(sink.skipped.size(), 2u);
  EXPECT_NE(sink.skipped[0].second.message().find("not a loom.RaftSnapshot"), std::string::npos);
  EXPECT_NE(sink.skipped[1].second.message().find("otherchannel"), std::string::npos);
  EXPECT_EQ(fsm.next_block_number(), 3u);
  EXPECT_EQ(fsm.last_block_log_index(), 9u);
  EXPECT_FALSE(fsm.has_pending());
}

TEST(RaftChainFsm, RestoredPendingEntriesGoThroughTheMirrorsCutter) {
  // Restored under a batch size of 2, the 3 pending envelopes cut a block
  // of 2 (recording the second one's index) and leave 1 pending — what a
  // ChainBuilder with the same config does with them.
  BatchConfig batch;
  batch.max_message_count = 2;
  batch.preferred_max_bytes = 100000;
  RecordingSink sink;
  RaftChainFsm fsm(kChannel, batch, 1, 0, &sink);
  raft_buffer buffer = RaftCopy(EncodeRaftSnapshot(SampleState()));
  ASSERT_EQ(fsm.fsm()->restore(fsm.fsm(), &buffer), 0);
  EXPECT_EQ(fsm.next_block_number(), 8u);
  EXPECT_EQ(fsm.last_block_log_index(), 40u);
  EXPECT_EQ(fsm.pending_count(), 1u);
  EXPECT_EQ(fsm.CurrentState().pending, std::vector<LogEntry>{Pending(41, 3)});
}

// libraft's network decoder assumes 8-byte padded commands: every framed
// entry is a multiple of 8 bytes and decodes back to the same entry.
TEST(RaftCommand, FramesArePaddedToEightBytesAndRoundTrip) {
  for (size_t padding = 0; padding < 16; ++padding) {
    LogEntry entry = LogEntry::Envelope(kChannel, std::string(100 + padding, 'e'));
    std::string command = EncodeRaftCommand(entry);
    EXPECT_EQ(command.size() % 8, 0u) << padding;
    auto decoded = DecodeRaftCommand(command);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(*decoded, entry);
  }
  LogEntry cut = LogEntry::TimeToCut(kChannel, 7);
  auto decoded = DecodeRaftCommand(EncodeRaftCommand(cut));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, cut);
}

TEST(RaftCommand, RefusesShortAndOverlongFrames) {
  EXPECT_EQ(DecodeRaftCommand("abc").status().code(), Status::Code::kInvalidArgument);
  std::string command = EncodeRaftCommand(LogEntry::Envelope(kChannel, "payload"));
  command[0] = static_cast<char>(0xff);  // the length now runs past the end
  auto overlong = DecodeRaftCommand(command);
  ASSERT_FALSE(overlong.ok());
  EXPECT_NE(overlong.status().message().find("only"), std::string::npos) << overlong.status().ToString();
  // An unframed entry (a raw protobuf) is not mistaken for one.
  EXPECT_FALSE(DecodeRaftCommand(EncodeLogEntry(LogEntry::Envelope(kChannel, "payload"))).ok());
}

}  // namespace
}  // namespace loom::orderer
