// --validate-only: pre-built blocks fed to a committing peer IN-PROCESS — a
// PeerChannel (core/peer, what loom-peer runs per channel) joined from the
// workspace's genesis block in a temporary folder, as the committer benches
// do; no network traffic, so the figure is the committer alone: block intake
// (orderer signature check), parallel VSCC (creator + E endorsement
// signatures), MVCC, block store and state commit.
//
// Before the measured part, `txs` ENDORSER_TRANSACTIONs are built with the
// workspace's own keys: the submitting client signs the proposal and the
// envelope, one peer identity of each endorsing org endorses (a write of a
// fresh key per transaction in the chaincode's namespace, so MVCC never
// conflicts), and the channel's orderer identity signs blocks of
// `block_size` transactions. The endorsement policy is AND of the endorsing
// orgs' members; the validation plugin is vscc.
//
// Each transaction's record: intended = sent = ordered = when its block was
// handed to the channel, committed = when the channel's commit listener saw
// the block, code = the committed validation code.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/bench/engine.h"
#include "common/common.pb.h"
#include "core/protocol/signer.h"
#include "core/util/status.h"

namespace loom::bench {

struct ValidateOnlyEndorser {
  std::string name, mspid;
  std::shared_ptr<protocol::Signer> signer;
};

struct ValidateOnlySetup {
  common::Block genesis;
  std::string channel, chaincode;
  std::shared_ptr<protocol::Signer> client;
  std::vector<ValidateOnlyEndorser> endorsers;
  std::shared_ptr<protocol::Signer> orderer;
  uint64_t txs = 4000;
  uint32_t block_size = 100;
  size_t validation_threads = 0;  // 0: every core
  std::string scratch_dir;        // the temporary ledger goes here (removed afterwards)
};

Result<RunResult> RunValidateOnly(const ValidateOnlySetup& setup);

}  // namespace loom::bench
