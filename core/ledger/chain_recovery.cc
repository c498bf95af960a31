#include "core/ledger/chain_recovery.h"

#include "core/ledger/indexed_block.h"
#include "core/protocol/block.h"
#include "core/protocol/block_file.h"
#include "core/protocol/block_header.h"

namespace loom::ledger {
namespace {

// Bounds the memory a rebuild of a long chain holds in one LevelDB batch.
constexpr size_t kBlocksPerIndexWrite = 1024;

// DecodeFrames names offsets within the buffer it was given; the notes name
// offsets within the file.
std::string WithFileOffset(const std::string& frame_message, uint64_t file_offset) {
  size_t colon = frame_message.find(": ");
  std::string detail = colon == std::string::npos ? ": " + frame_message : frame_message.substr(colon);
  return "frame at offset " + std::to_string(file_offset) + detail;
}

size_t VarintSize(uint64_t value) {
  size_t size = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++size;
  }
  return size;
}

class Recovery {
 public:
  Recovery(SegmentFiles& segments, BlockIndex& index) : segments_(segments), index_(index) {}

  Result<RecoveredChain> Run() {
    LOOM_ASSIGN_OR_RETURN(std::optional<Checkpoint> checkpoint, index_.ReadCheckpoint());
    if (checkpoint) {
      LOOM_RETURN_IF_ERROR(CheckFilesReachCheckpoint(*checkpoint));
      tip_ = *checkpoint;
      LOOM_RETURN_IF_ERROR(VerifyLastIndexedBlock());
    }
    if (segments_.count() == 0) LOOM_RETURN_IF_ERROR(segments_.AddSegment().status());

    const uint64_t indexed_height = tip_.height;
    const uint32_t first_segment = tip_.segment;
    const uint64_t first_offset = tip_.end_offset;
    bool cut = false;
    for (uint32_t segment = first_segment; segment < segments_.count() && !cut; ++segment) {
      LOOM_RETURN_IF_ERROR(ScanSegment(segment, segment == first_segment ? first_offset : 0, &cut));
    }
    LOOM_RETURN_IF_ERROR(Flush());

    if (reindexed_ > 0) {
      uint64_t first = tip_.height - reindexed_;
      std::string blocks = reindexed_ == 1
                               ? "block " + std::to_string(first)
                               : "blocks " + std::to_string(first) + ".." + std::to_string(tip_.height - 1);
      std::string why = checkpoint ? "the index held " + std::to_string(indexed_height) + " blocks"
                                   : std::string("the index was empty or missing");
      notes_.insert(notes_.begin(),
                    index_.dir() + ": re-indexed " + blocks + " from the block files (" + why + ")");
    }
    return RecoveredChain{tip_, std::move(notes_)};
  }

 private:
  // The index must not claim blocks the files do not hold.
  Status CheckFilesReachCheckpoint(const Checkpoint& checkpoint) {
    std::string claim = Claim(checkpoint);
    std::string remedy = ": the block files are behind the index (lost, truncated or replaced). Remove " +
                         index_.dir() + " to rebuild the index from the block files that remain";
    if (checkpoint.segment >= segments_.count()) {
      return Status::Corruption(claim + ", but that file does not exist" + remedy);
    }
    LOOM_ASSIGN_OR_RETURN(uint64_t size, segments_.Size(checkpoint.segment));
    if (size < checkpoint.end_offset) {
      return Status::Corruption(claim + ", but the file has only " + std::to_string(size) + " bytes" +
                                remedy);
    }
    if (checkpoint.height == 0) return Status::Ok();
    auto location = index_.FindBlock(checkpoint.height - 1);
    if (!location.ok()) return Status::Corruption(claim + ", but " + location.status().message());
    if (location->segment != checkpoint.segment ||
        location->offset + location->length != checkpoint.end_offset) {
      return Status::Corruption(claim + ", but its entry for block " + std::to_string(checkpoint.height - 1) +
                                " places it elsewhere: the index is damaged. Remove " + index_.dir() +
                                " to rebuild it");
    }
    return Status::Ok();
  }

  // The last indexed block is the one a crash or a bad disk is most likely
  // to have hit: check it fully. When it is damaged and nothing follows it,
  // it is taken out of the index and cut off like any torn tail.
  Status VerifyLastIndexedBlock() {
    if (tip_.height == 0) return Status::Ok();
    const uint64_t number = tip_.height - 1;
    LOOM_ASSIGN_OR_RETURN(BlockLocation location, index_.FindBlock(number));
    LOOM_ASSIGN_OR_RETURN(std::string bytes,
                          segments_.Read(location.segment, location.offset, location.length));
    std::string problem;
    auto block = protocol::ParseBlock(bytes);
    if (!block.ok()) {
      problem = block.status().message();
    } else if (protocol::BlockHeaderHash(block->header()) != tip_.last_header_hash) {
      problem = "its header hash is not the one the index recorded";
    } else if (protocol::ComputeDataHash(block->data()) != block->header().data_hash()) {
      problem = "its data_hash does not match its data";
    }
    if (problem.empty()) return Status::Ok();

    std::string damaged = segments_.PathOf(location.segment) + ": indexed block " + std::to_string(number) +
                          " at offset " + std::to_string(location.offset) + " is damaged (" + problem + ")";
    LOOM_ASSIGN_OR_RETURN(uint64_t bytes_after, BytesAfter(location.segment, tip_.end_offset));
    if (bytes_after > 0) {
      return Status::Corruption(
          damaged + " and " + std::to_string(bytes_after) +
          " bytes follow it, so it is not a torn tail; restore the block files from a copy");
    }
    Checkpoint previous;
    if (number > 0) {
      LOOM_ASSIGN_OR_RETURN(BlockLocation before, index_.FindBlock(number - 1));
      LOOM_ASSIGN_OR_RETURN(std::string before_bytes,
                            segments_.Read(before.segment, before.offset, before.length));
      auto before_block = protocol::ParseBlock(before_bytes);
      if (!before_block.ok()) {
        return Status::Corruption(damaged + ", and block " + std::to_string(number - 1) +
                                  " before it is too (" + before_block.status().message() +
                                  "); restore the block files from a copy");
      }
      previous = Checkpoint{number, before.segment, before.offset + before.length,
                            protocol::BlockHeaderHash(before_block->header())};
    }
    LOOM_RETURN_IF_ERROR(index_.RollBackLastBlock(number, tip_.last_header_hash, previous));
    const uint64_t frame_offset = location.offset - VarintSize(location.length);
    LOOM_RETURN_IF_ERROR(segments_.Truncate(location.segment, frame_offset));
    notes_.push_back(damaged + ": removed it from the index and cut " +
                     std::to_string(tip_.end_offset - frame_offset) + " bytes at offset " +
                     std::to_string(frame_offset));
    tip_ = previous;
    return Status::Ok();
  }

  std::string Claim(const Checkpoint& checkpoint) const {
    return index_.dir() + " records " + std::to_string(checkpoint.height) +
           " blocks, the last ending at offset " + std::to_string(checkpoint.end_offset) + " of " +
           segments_.PathOf(checkpoint.segment);
  }

  // Bytes stored after `offset` of `segment`, in it and in later segments.
  Result<uint64_t> BytesAfter(uint32_t segment, uint64_t offset) const {
    uint64_t total = 0;
    for (uint32_t later = segment; later < segments_.count(); ++later) {
      LOOM_ASSIGN_OR_RETURN(uint64_t size, segments_.Size(later));
      total += later == segment ? (size > offset ? size - offset : 0) : size;
    }
    return total;
  }

  Status ScanSegment(uint32_t segment, uint64_t start, bool* cut) {
    LOOM_ASSIGN_OR_RETURN(uint64_t size, segments_.Size(segment));
    if (size <= start) return Status::Ok();
    LOOM_ASSIGN_OR_RETURN(std::string bytes, segments_.Read(segment, start, size - start));
    protocol::DecodedFrames frames = protocol::DecodeFrames(bytes);
    uint64_t frame_offset = start;
    for (std::string_view record : frames.records) {
      uint64_t record_offset = start + static_cast<uint64_t>(record.data() - bytes.data());
      std::string at = "block frame at offset " + std::to_string(frame_offset);
      auto block = protocol::ParseBlock(record);
      if (!block.ok()) {
        *cut = true;
        return CutTail(segment, frame_offset, size, at + ": " + block.status().message());
      }
      Status fits = CheckBlockExtendsChain(*block, tip_.height, tip_.last_header_hash);
      if (!fits.ok()) {
        *cut = true;
        return CutTail(segment, frame_offset, size, at + ": " + fits.message());
      }
      IndexedBlock entry = DescribeBlock(*block, BlockLocation{segment, record_offset, record.size()});
      LOOM_RETURN_IF_ERROR(index_.Add(&batch_, entry));
      ++reindexed_;
      tip_ =
          Checkpoint{tip_.height + 1, segment, record_offset + record.size(), std::move(entry.header_hash)};
      frame_offset = tip_.end_offset;
      if (batch_.block_count() >= kBlocksPerIndexWrite) LOOM_RETURN_IF_ERROR(Flush());
    }
    if (!frames.tail.ok()) {
      *cut = true;
      uint64_t tail_offset = start + frames.valid_bytes;
      return CutTail(segment, tail_offset, size, WithFileOffset(frames.tail.message(), tail_offset));
    }
    return Status::Ok();
  }

  // Cuts [offset, size) off `segment`, which must be the end of the data.
  Status CutTail(uint32_t segment, uint64_t offset, uint64_t size, const std::string& reason) {
    for (uint32_t later = segment + 1; later < segments_.count(); ++later) {
      LOOM_ASSIGN_OR_RETURN(uint64_t later_size, segments_.Size(later));
      if (later_size > 0) {
        return Status::Corruption(segments_.PathOf(segment) + ": " + reason + "; this is not a torn tail: " +
                                  segments_.PathOf(later) + " holds " + std::to_string(later_size) +
                                  " bytes after it, so the store will not cut them off. Move the damaged "
                                  "segment and those after it away (losing their blocks) or restore them");
      }
    }
    LOOM_RETURN_IF_ERROR(Flush());
    LOOM_RETURN_IF_ERROR(segments_.Truncate(segment, offset));
    std::string after = tip_.height == 0 ? std::string("no block before it")
                                         : "after block " + std::to_string(tip_.height - 1);
    notes_.push_back(segments_.PathOf(segment) + ": cut " + std::to_string(size - offset) +
                     " bytes at offset " + std::to_string(offset) + " (" + after + "): " + reason);
    return Status::Ok();
  }

  Status Flush() {
    if (batch_.block_count() == 0) return Status::Ok();
    return index_.Commit(&batch_, tip_);
  }

  SegmentFiles& segments_;
  BlockIndex& index_;
  Checkpoint tip_;
  BlockIndex::Batch batch_;
  uint64_t reindexed_ = 0;
  std::vector<std::string> notes_;
};

}  // namespace

Result<RecoveredChain> RecoverChain(SegmentFiles& segments, BlockIndex& index) {
  return Recovery(segments, index).Run();
}

}  // namespace loom::ledger
