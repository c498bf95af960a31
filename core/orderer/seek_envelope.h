// Building Deliver requests: a SeekInfo and the signed DELIVER_SEEK_INFO
// envelope that carries it (what Fabric's clients send). For Loom's own
// clients and tests. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/common.pb.h"
#include "core/protocol/signer.h"
#include "core/util/status.h"
#include "orderer/ab.pb.h"

namespace loom::orderer {

// A position: a block number, or oldest / newest.
struct SeekPoint {
  enum Kind { kOldest, kNewest, kNumber };
  Kind kind = kOldest;
  uint64_t number = 0;

  static SeekPoint Oldest() { return {kOldest, 0}; }
  static SeekPoint Newest() { return {kNewest, 0}; }
  static SeekPoint Number(uint64_t number) { return {kNumber, number}; }
};

::orderer::SeekInfo MakeSeekInfo(
    SeekPoint start, SeekPoint stop,
    ::orderer::SeekInfo::SeekBehavior behavior = ::orderer::SeekInfo::BLOCK_UNTIL_READY);

// The signed envelope (fresh nonce, tx id, timestamp now).
Result<common::Envelope> CreateSeekEnvelope(std::string_view channel_id, const protocol::Signer& signer,
                                            const ::orderer::SeekInfo& seek);

}  // namespace loom::orderer
