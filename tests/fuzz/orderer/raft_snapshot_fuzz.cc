// Raft snapshots arrive from the leader (InstallSnapshot) and are read back
// at start-up: decoding arbitrary bytes must fail cleanly, and whatever
// decodes must re-encode to a snapshot that decodes the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/orderer/raft_fsm.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto snapshot = loom::orderer::DecodeRaftSnapshot(bytes);
  if (!snapshot.ok()) return 0;
  auto again = loom::orderer::DecodeRaftSnapshot(loom::orderer::EncodeRaftSnapshot(*snapshot));
  if (!again.ok() || !(*again == *snapshot)) std::abort();
  return 0;
}
