// The ordering service's core without the network: how fast the block
// cutter takes envelopes, what one block costs the chain builder (its orderer
// signature replaced by a constant, so the figure is cutting + hashing +
// metadata + the block store's durable append), and SoloLog appends with
// group commits of 1, 10 and 100 entries (one fdatasync per group).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "core/ledger/block_store.h"
#include "core/orderer/block_cutter.h"
#include "core/orderer/chain_builder.h"
#include "core/orderer/solo_log.h"
#include "core/protocol/block.h"
#include "core/protocol/envelope.h"
#include "core/protocol/signer.h"

namespace loom::orderer {
namespace {

constexpr size_t kEnvelopeBytes = 3 * 1024;  // the reference envelope size
const char kChannel[] = "benchchannel";

// An envelope of `channel` with a payload of about `bytes`, unsigned: the
// orderer core never checks signatures.
std::string MakeEnvelope(int id, size_t bytes) {
  common::ChannelHeader channel_header =
      protocol::MakeChannelHeader(common::ENDORSER_TRANSACTION, kChannel, "tx" + std::to_string(id));
  common::SignatureHeader signature_header = protocol::MakeSignatureHeader("creator", "nonce");
  common::Payload payload = protocol::MakePayload(channel_header, signature_header, std::string(bytes, 'd'));
  common::Envelope envelope;
  envelope.set_payload(payload.SerializeAsString());
  envelope.set_signature(std::string(71, 's'));
  return envelope.SerializeAsString();
}

// Signs nothing: takes signing out of the per-block figure.
class ConstantSigner : public protocol::Signer {
 public:
  const std::string& serialized_identity() const override { return identity_; }
  Result<std::string> Sign(std::string_view) const override { return std::string(71, 'S'); }

 private:
  std::string identity_ = "bench orderer";
};

// A temporary folder for one benchmark run.
class BenchDir {
 public:
  BenchDir() {
    static std::atomic<int> counter{0};
    path_ = (std::filesystem::temp_directory_path() /
             ("loom-orderer-bench-" + std::to_string(::getpid()) + "-" + std::to_string(counter++)))
                .string();
    std::filesystem::remove_all(path_);
  }
  ~BenchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void BM_BlockCutterOrdered(benchmark::State& state) {
  BatchConfig config;  // Fabric's defaults: 10 per block, 512 KiB preferred
  BlockCutter cutter(config);
  std::vector<std::string> envelopes;
  for (int i = 0; i < 1000; ++i) envelopes.push_back(MakeEnvelope(i, kEnvelopeBytes));
  size_t next = 0;
  int64_t batches = 0;
  for (auto _ : state) {
    std::vector<Batch> cut = cutter.Ordered(envelopes[next]);
    batches += static_cast<int64_t>(cut.size());
    benchmark::DoNotOptimize(cut);
    next = (next + 1) % envelopes.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["batches"] = benchmark::Counter(static_cast<double>(batches));
}
BENCHMARK(BM_BlockCutterOrdered);

// One iteration = one block of state.range(0) envelopes through
// ChainBuilder::Apply, including the block store's fsynced append.
void BM_ChainBuilderBlock(benchmark::State& state) {
  const auto per_block = static_cast<uint32_t>(state.range(0));
  BenchDir dir;
  auto store = ledger::BlockStore::Open(dir.path()).value();
  const std::string first = MakeEnvelope(0, 100);
  if (Status status = store->Append(protocol::NewBlock(0, "", {first})); !status.ok()) {
    state.SkipWithError(status.ToString().c_str());
    return;
  }
  ConstantSigner signer;
  BatchConfig config;
  config.max_message_count = per_block;
  auto builder = ChainBuilder::Create(store.get(), &signer, config);
  if (!builder.ok()) {
    state.SkipWithError(builder.status().ToString().c_str());
    return;
  }
  std::vector<LogEntry> entries;
  for (int i = 0; i < 256; ++i) {
    entries.push_back(LogEntry::Envelope(kChannel, MakeEnvelope(i, kEnvelopeBytes)));
  }
  uint64_t index = 0;
  for (auto _ : state) {
    for (uint32_t i = 0; i < per_block; ++i) {
      LogEntry& entry = entries[index % entries.size()];
      entry.index = ++index;
      auto blocks = (*builder)->Apply(entry);
      if (!blocks.ok()) {
        state.SkipWithError(blocks.status().ToString().c_str());
        return;
      }
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * per_block);
}
BENCHMARK(BM_ChainBuilderBlock)->Arg(10)->Arg(100)->Unit(benchmark::kMicrosecond)->UseRealTime();

// The CPU part of a block alone: cutting, data hash and metadata, no store.
void BM_BlockAssembly(benchmark::State& state) {
  const auto per_block = static_cast<uint32_t>(state.range(0));
  std::vector<std::string> envelopes;
  for (uint32_t i = 0; i < per_block; ++i) {
    envelopes.push_back(MakeEnvelope(static_cast<int>(i), kEnvelopeBytes));
  }
  uint64_t number = 1;
  for (auto _ : state) {
    common::Block block = protocol::NewBlock(number++, std::string(32, 'h'), envelopes);
    block.mutable_metadata()->set_metadata(common::SIGNATURES, EncodeConsenterMetadata(number));
    benchmark::DoNotOptimize(block.SerializeAsString());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * per_block);
}
BENCHMARK(BM_BlockAssembly)->Arg(10)->Arg(100)->Unit(benchmark::kMicrosecond);

// One iteration = one Append of state.range(0) entries (one fdatasync).
void BM_SoloLogAppend(benchmark::State& state) {
  const auto group = static_cast<size_t>(state.range(0));
  BenchDir dir;
  auto log = SoloLog::Open(dir.path());
  if (!log.ok()) {
    state.SkipWithError(log.status().ToString().c_str());
    return;
  }
  const std::string envelope = MakeEnvelope(0, kEnvelopeBytes);
  for (auto _ : state) {
    std::vector<LogEntry> entries(group, LogEntry::Envelope(kChannel, envelope));
    auto appended = (*log)->Append(std::move(entries));
    if (!appended.ok()) {
      state.SkipWithError(appended.status().ToString().c_str());
      return;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * group));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * group * envelope.size()));
}
BENCHMARK(BM_SoloLogAppend)->Arg(1)->Arg(10)->Arg(100)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace
}  // namespace loom::orderer
