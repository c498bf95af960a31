// Block store: durable appends of 100 KB blocks (frame write + fdatasync +
// synced LevelDB index batch) and random GetBlockBytes reads. The store
// lives under the system temp folder, so figures depend on that disk.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <random>

#include "core/ledger/block_store.h"
#include "core/protocol/block.h"
#include "core/protocol/block_header.h"
#include "core/protocol/envelope.h"

namespace loom::ledger {
namespace {

constexpr size_t kEnvelopeBytes = 3 * 1024;

class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "loom-ledger-bench-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data()) ? pattern : "";
  }
  ~ScratchDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// An envelope with real headers and a unique tx id; signing is not what is
// measured, so the signature is a placeholder of a signature's size.
std::string MakeEnvelope(const std::string& tx_id) {
  common::Payload payload =
      protocol::MakePayload(protocol::MakeChannelHeader(common::ENDORSER_TRANSACTION, "bench", tx_id),
                            protocol::MakeSignatureHeader(std::string(700, 'c'), std::string(24, 'n')),
                            std::string(kEnvelopeBytes, 'd'));
  common::Envelope envelope;
  envelope.set_payload(payload.SerializeAsString());
  envelope.set_signature(std::string(72, 's'));
  return envelope.SerializeAsString();
}

// A block of about `block_bytes` that extends `store`'s chain.
common::Block NextBlock(const BlockStore& store, size_t block_bytes) {
  std::vector<std::string> envelopes;
  size_t total = 0;
  for (int i = 0; total < block_bytes; ++i) {
    envelopes.push_back(MakeEnvelope("tx-" + std::to_string(store.Height()) + "-" + std::to_string(i)));
    total += envelopes.back().size();
  }
  return protocol::NewBlock(store.Height(), store.LastHeaderHash(), std::move(envelopes));
}

void BM_AppendDurable(benchmark::State& state) {
  const size_t block_bytes = static_cast<size_t>(state.range(0));
  ScratchDir dir;
  auto store = BlockStore::Open(dir.path() + "/store");
  if (!store.ok()) {
    state.SkipWithError(store.status().ToString().c_str());
    return;
  }
  int64_t bytes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    common::Block block = NextBlock(**store, block_bytes);
    bytes += static_cast<int64_t>(block.ByteSizeLong());
    state.ResumeTiming();
    Status status = (*store)->Append(block);
    if (!status.ok()) state.SkipWithError(status.ToString().c_str());
  }
  state.SetBytesProcessed(bytes);
  state.counters["blocks/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_AppendDurable)->Arg(100 * 1024)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_GetBlockBytesRandom(benchmark::State& state) {
  const size_t block_bytes = static_cast<size_t>(state.range(0));
  constexpr int kBlocks = 200;
  ScratchDir dir;
  auto store = BlockStore::Open(dir.path() + "/store");
  if (!store.ok()) {
    state.SkipWithError(store.status().ToString().c_str());
    return;
  }
  for (int i = 0; i < kBlocks; ++i) {
    Status status = (*store)->Append(NextBlock(**store, block_bytes));
    if (!status.ok()) {
      state.SkipWithError(status.ToString().c_str());
      return;
    }
  }
  std::mt19937_64 random(7);
  int64_t bytes = 0;
  for (auto _ : state) {
    auto read = (*store)->GetBlockBytes(random() % kBlocks);
    if (!read.ok()) state.SkipWithError(read.status().ToString().c_str());
    bytes += static_cast<int64_t>(read->size());
  }
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_GetBlockBytesRandom)->Arg(100 * 1024)->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_GetTxLocationRandom(benchmark::State& state) {
  constexpr int kBlocks = 200;
  ScratchDir dir;
  auto store = BlockStore::Open(dir.path() + "/store");
  if (!store.ok()) {
    state.SkipWithError(store.status().ToString().c_str());
    return;
  }
  for (int i = 0; i < kBlocks; ++i) {
    Status status = (*store)->Append(NextBlock(**store, 10 * kEnvelopeBytes));
    if (!status.ok()) {
      state.SkipWithError(status.ToString().c_str());
      return;
    }
  }
  std::mt19937_64 random(7);
  for (auto _ : state) {
    std::string tx_id = "tx-" + std::to_string(random() % kBlocks) + "-" +
                        std::to_string(random() % 5);  // every block has at least 5
    auto location = (*store)->GetTxLocation(tx_id);
    if (!location.ok()) state.SkipWithError(location.status().ToString().c_str());
  }
}
BENCHMARK(BM_GetTxLocationRandom)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace loom::ledger
