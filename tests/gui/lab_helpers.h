// Lab calls the GUI tests make directly (kept out of the moc'ed test files:
// moc cannot read the protobuf headers the lab includes).
#pragma once

#include <string>

namespace loom::guitest {

// Two CreateAsset of `key` sent concurrently through the lab's Gateway on
// the workspace's mychannel. On success `error` is empty and the codes and
// ids of both are filled, the VALID one as `winner`.
struct ConflictPair {
  std::string error;
  std::string winner_tx_id;
  std::string loser_tx_id;
  std::string loser_code;
};
ConflictPair ForceCreateAssetConflict(const std::string& workspace_dir, const std::string& key);

// Whether any node of the workspace runs (Network::Attach succeeds).
bool NetworkRuns(const std::string& workspace_dir);

}  // namespace loom::guitest
