#include "app/bench/validate_only.h"

#include <sys/resource.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "core/client/proposal.h"
#include "core/peer/peer_channel.h"
#include "core/policy/signature_policy_parser.h"
#include "core/protocol/block.h"
#include "core/protocol/block_header.h"
#include "core/protocol/block_signature.h"
#include "core/protocol/proposal_hash.h"
#include "ledger/rwset/kvrwset/kv_rwset.pb.h"
#include "ledger/rwset/rwset.pb.h"
#include "peer/proposal.pb.h"

namespace loom::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// One endorsed transaction writing `key` in the chaincode's namespace.
Result<std::string> BuildTransaction(const ValidateOnlySetup& setup, const std::string& key) {
  client::ProposalRequest request{setup.channel, setup.chaincode, {"Put", key}, {}, false};
  LOOM_ASSIGN_OR_RETURN(client::SignedProposal proposal,
                        client::CreateSignedProposal(*setup.client, request));
  protos::ChaincodeProposalPayload payload;
  if (!payload.ParseFromString(proposal.proposal.payload())) return Status::Internal("proposal payload");
  kvrwset::KVRWSet kv;
  kvrwset::KVWrite* write = kv.add_writes();
  write->set_key(key);
  write->set_value("v");
  rwset::TxReadWriteSet results;
  results.set_data_model(rwset::TxReadWriteSet::KV);
  rwset::NsReadWriteSet* ns = results.add_ns_rwset();
  ns->set_namespace_(setup.chaincode);
  ns->set_rwset(kv.SerializeAsString());
  protos::ChaincodeAction action;
  action.set_results(results.SerializeAsString());
  action.mutable_response()->set_status(200);
  action.mutable_chaincode_id()->set_name(setup.chaincode);
  action.mutable_chaincode_id()->set_version("1.0");
  protos::ProposalResponsePayload response_payload;
  response_payload.set_proposal_hash(
      protocol::ComputeProposalHash(proposal.channel_header, proposal.signature_header, payload));
  response_payload.set_extension(action.SerializeAsString());
  const std::string payload_bytes = response_payload.SerializeAsString();
  std::vector<protos::ProposalResponse> responses;
  for (const ValidateOnlyEndorser& endorser : setup.endorsers) {
    protos::ProposalResponse response;
    response.set_version(1);
    response.mutable_response()->set_status(200);
    response.set_payload(payload_bytes);
    const std::string& identity = endorser.signer->serialized_identity();
    LOOM_ASSIGN_OR_RETURN(std::string signature, endorser.signer->Sign(payload_bytes + identity));
    response.mutable_endorsement()->set_endorser(identity);
    response.mutable_endorsement()->set_signature(signature);
    responses.push_back(std::move(response));
  }
  LOOM_ASSIGN_OR_RETURN(common::Envelope envelope,
                        client::AssembleTransaction(proposal, responses, *setup.client));
  return envelope.SerializeAsString();
}

std::string PolicyText(const std::vector<ValidateOnlyEndorser>& endorsers) {
  std::string text = endorsers.size() == 1 ? "OR(" : "AND(";
  for (size_t i = 0; i < endorsers.size(); ++i) {
    text += (i > 0 ? ",'" : "'") + endorsers[i].mspid + ".member'";
  }
  return text + ")";
}

}  // namespace

Result<RunResult> RunValidateOnly(const ValidateOnlySetup& setup) {
  if (setup.endorsers.empty() || !setup.client || !setup.orderer) {
    return Status::InvalidArgument(
        "validate-only needs a client, an orderer and at least one endorser identity");
  }
  const uint32_t block_size = std::max<uint32_t>(1, setup.block_size);
  const std::string run_tag = std::to_string(std::chrono::system_clock::now().time_since_epoch().count());

  // The transactions, built on every core.
  std::vector<std::string> envelopes(setup.txs);
  std::vector<std::string> tx_ids(setup.txs);
  {
    std::atomic<uint64_t> next{0};
    std::mutex failure_mutex;
    Status failure;
    std::vector<std::thread> workers;
    for (unsigned t = 0; t < std::max(1u, std::thread::hardware_concurrency()); ++t) {
      workers.emplace_back([&] {
        for (uint64_t i = next++; i < setup.txs; i = next++) {
          Result<std::string> envelope =
              BuildTransaction(setup, "validate-only-" + run_tag + "-" + std::to_string(i));
          if (!envelope.ok()) {
            std::lock_guard lock(failure_mutex);
            failure = envelope.status();
            return;
          }
          envelopes[i] = std::move(*envelope);
        }
      });
    }
    for (std::thread& worker : workers) worker.join();
    LOOM_RETURN_IF_ERROR(failure);
  }
  for (uint64_t i = 0; i < setup.txs; ++i) {
    common::Envelope envelope;
    common::Payload payload;
    common::ChannelHeader header;
    if (envelope.ParseFromString(envelopes[i]) && payload.ParseFromString(envelope.payload()) &&
        header.ParseFromString(payload.header().channel_header())) {
      tx_ids[i] = header.tx_id();
    }
  }

  // The blocks, chained on the genesis block and signed by the orderer.
  std::vector<common::Block> blocks;
  std::string previous = protocol::BlockHeaderHash(setup.genesis.header());
  for (uint64_t first = 0; first < setup.txs; first += block_size) {
    uint64_t end = std::min<uint64_t>(setup.txs, first + block_size);
    std::vector<std::string> data(envelopes.begin() + static_cast<ptrdiff_t>(first),
                                  envelopes.begin() + static_cast<ptrdiff_t>(end));
    common::Block block = protocol::NewBlock(blocks.size() + 1, previous, std::move(data));
    LOOM_RETURN_IF_ERROR(protocol::SignBlock(&block, *setup.orderer, 0));
    previous = protocol::BlockHeaderHash(block.header());
    blocks.push_back(std::move(block));
  }

  // The committing channel.
  std::string dir = setup.scratch_dir + "/validate-only-" + run_tag;
  LOOM_ASSIGN_OR_RETURN(common::SignaturePolicyEnvelope policy,
                        policy::ParseSignaturePolicy(PolicyText(setup.endorsers)));
  peer::PeerChannelOptions options;
  options.dir = dir;
  options.validation_threads = setup.validation_threads;
  options.endorsement_policy = [policy](const ledger::StateSnapshot&,
                                        const std::string&) -> Result<common::SignaturePolicyEnvelope> {
    return policy;
  };
  Result<std::unique_ptr<peer::PeerChannel>> channel = peer::PeerChannel::Join(setup.genesis, options);
  if (!channel.ok()) return channel.status().WithContext("validate-only: joining " + setup.channel);

  RunResult result;
  result.cores = std::max(1u, std::thread::hardware_concurrency());
  result.records.resize(setup.txs);
  std::vector<Nanos> submitted(blocks.size());
  SteadyClock::time_point start;
  std::mutex mutex;
  (*channel)->AddCommitListener([&](const peer::CommitEvent& event) {
    Nanos now = SteadyClock::now() - start;
    if (event.block_number == 0 || event.block_number > blocks.size()) return;
    std::lock_guard lock(mutex);
    uint64_t first = (event.block_number - 1) * block_size;
    for (size_t j = 0; j < event.codes.size() && first + j < setup.txs; ++j) {
      TxRecord& r = result.records[first + j];
      r.committed = now;
      r.code = event.codes[j];
      r.block = static_cast<int64_t>(event.block_number);
      r.outcome = event.codes[j] == 0 ? Outcome::kValid : Outcome::kInvalid;
    }
  });

  result.started_at = std::chrono::system_clock::now();
  double cpu_before = CpuSeconds();
  start = SteadyClock::now();
  for (size_t b = 0; b < blocks.size(); ++b) {
    Nanos at = SteadyClock::now() - start;
    {
      std::lock_guard lock(mutex);
      uint64_t first = b * block_size;
      for (uint64_t i = first; i < std::min<uint64_t>(setup.txs, first + block_size); ++i) {
        TxRecord& r = result.records[i];
        r.seq = i;
        r.tx_id = tx_ids[i];
        r.intended = r.sent = r.endorsed = r.ordered = at;
      }
    }
    Status submitted_ok = (*channel)->SubmitBlock(blocks[b], "loom-bench");
    if (!submitted_ok.ok()) return submitted_ok.WithContext("validate-only: block " + std::to_string(b + 1));
  }
  Status done = (*channel)->WaitForHeight(blocks.size() + 1, SteadyClock::now() + std::chrono::minutes(5));
  result.drained = SteadyClock::now() - start;
  result.measured = result.drained;
  result.generator_cpu_s = CpuSeconds() - cpu_before;
  result.blocks_seen = blocks.size();
  channel->reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  LOOM_RETURN_IF_ERROR(done.WithContext("validate-only: waiting for the last block"));
  result.warnings.push_back(
      "validate-only runs the committer in this process: generator CPU includes the validation itself");
  return result;
}

}  // namespace loom::bench
