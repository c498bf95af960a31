// The peer's per-block state hash (encoding in peer_channel.h): a chained
// SHA-256 over each block's number, its VALID transactions' final updates
// and its validation codes, so two peers that committed the same blocks with
// the same codes hold the same hash, and any difference in codes or state
// shows in every later hash.
//
// Also the ledger extras the channel keeps beside the state
// (KvLedgerOptions::block_extras, under the ledger's 'x' prefix):
//   "peer/statehash/" + u64be(N)  -> the 32-byte hash after block N
//   "peer/lastconfig"             -> u64be(number of the last VALID config block)
// Pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/common.pb.h"
#include "core/ledger/kv_ledger.h"
#include "core/util/status.h"

namespace loom::peer {

inline constexpr size_t kStateHashSize = 32;

// The hash before block 0: 32 zero bytes.
std::string InitialStateHash();

// hash_N from hash_{N-1} and block N with its codes (one byte per tx).
// InvalidArgument when the code count differs from the transaction count or
// a VALID transaction's write set cannot be read.
Result<std::string> ComputeStateHash(std::string_view previous_hash, const common::Block& block,
                                     std::string_view codes);

// The bytes hashed after previous_hash (exposed for tests and other
// implementations): u64be(N) || u32be(U) || updates || u32be(T) || codes.
Result<std::string> StateHashInput(const common::Block& block, std::string_view codes);

std::string StateHashKey(uint64_t block_number);
inline constexpr std::string_view kLastConfigKey = "peer/lastconfig";

// Whether the block's first transaction is a CONFIG transaction (a config
// block). False when it does not parse.
bool IsConfigBlock(const common::Block& block);

// The KvLedgerOptions::block_extras of a peer channel: the state hash of the
// block (chained on the previous one read from the ledger; Corruption when
// that is missing) and, for a config block whose transaction is VALID, the
// last-config pointer.
Result<std::vector<std::pair<std::string, std::string>>> PeerBlockExtras(const ledger::KvLedger& ledger,
                                                                         const common::Block& block,
                                                                         std::string_view codes);

}  // namespace loom::peer
