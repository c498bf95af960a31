#include "tests/gui/lab_helpers.h"

#include <future>

#include "app/lab/gateway.h"
#include "app/lab/network.h"
#include "app/lab/workspace.h"

namespace loom::guitest {

namespace {
ConflictPair Failure(std::string error) {
  ConflictPair pair;
  pair.error = std::move(error);
  return pair;
}
}  // namespace

ConflictPair ForceCreateAssetConflict(const std::string& workspace_dir, const std::string& key) {
  ConflictPair pair;
  Result<lab::Workspace> workspace = lab::Workspace::Open(workspace_dir);
  if (!workspace.ok()) return Failure(workspace.status().ToString());
  Result<std::shared_ptr<protocol::Signer>> identity = workspace->Signer("Org1", "User1");
  if (!identity.ok()) return Failure(identity.status().ToString());
  lab::Gateway gateway(workspace->Endpoints(), *identity);
  auto invoke = [&gateway, &key] {
    return gateway.Invoke("mychannel", "assets", {"CreateAsset", key, "red", "1", "Ann", "1"});
  };
  auto first = std::async(std::launch::async, invoke);
  auto second = std::async(std::launch::async, invoke);
  Result<lab::InvokeResult> a = first.get();
  Result<lab::InvokeResult> b = second.get();
  if (!a.ok()) return Failure(a.status().ToString());
  if (!b.ok()) return Failure(b.status().ToString());
  const bool a_valid = a->validation_code_name == "VALID";
  const bool b_valid = b->validation_code_name == "VALID";
  if (a_valid == b_valid) {
    return Failure("expected one VALID and one conflicting: " + a->validation_code_name + " / " +
                   b->validation_code_name);
  }
  const lab::InvokeResult& winner = a_valid ? *a : *b;
  const lab::InvokeResult& loser = a_valid ? *b : *a;
  pair.winner_tx_id = winner.tx_id;
  pair.loser_tx_id = loser.tx_id;
  pair.loser_code = loser.validation_code_name;
  return pair;
}

bool NetworkRuns(const std::string& workspace_dir) {
  Result<lab::Workspace> workspace = lab::Workspace::Open(workspace_dir);
  return workspace.ok() && lab::Network::Attach(*workspace).ok();
}

}  // namespace loom::guitest
