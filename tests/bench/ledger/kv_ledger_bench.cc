// KvLedger commit throughput: blocks of 100 endorser transactions with 2
// writes each (100-byte values over 10,000 keys), 90 % VALID. Each Commit
// parses every valid write set, appends and fsyncs the block, then writes
// state + history + savepoint in one synced LevelDB batch. Envelopes are
// built and signed before timing; the ledger lives under the system temp
// folder, so figures depend on that disk.
#include <benchmark/benchmark.h>

#include <random>

#include "core/ledger/kv_ledger.h"
#include "core/protocol/block.h"
#include "endorser_tx_maker.h"
#include "peer/transaction.pb.h"
#include "tests/support/temp_dir.h"

namespace loom::ledger {
namespace {

using testing::EndorserTxMaker;
using testing::Put;

constexpr int kTxsPerBlock = 100;
constexpr int kEnvelopePool = 1000;
constexpr int kKeySpace = 10000;

std::vector<std::string> MakeEnvelopePool() {
  EndorserTxMaker maker;
  std::mt19937 random(42);
  std::uniform_int_distribution<int> key(0, kKeySpace - 1);
  std::vector<std::string> pool;
  for (int i = 0; i < kEnvelopePool; ++i) {
    pool.push_back(maker
                       .Make({Put("assets", "asset" + std::to_string(key(random)), std::string(100, 'v')),
                              Put("assets", "asset" + std::to_string(key(random)), std::string(100, 'w'))})
                       .envelope);
  }
  return pool;
}

void BM_CommitBlocks(benchmark::State& state) {
  static const std::vector<std::string> pool = MakeEnvelopePool();
  ::loom::testing::TempDir dir("kv-ledger-bench");
  auto opened = KvLedger::Open(dir.File("ledger"));
  if (!opened.ok()) {
    state.SkipWithError(opened.status().ToString().c_str());
    return;
  }
  std::unique_ptr<KvLedger> ledger = std::move(opened).value();
  std::vector<uint8_t> codes(kTxsPerBlock, protos::VALID);
  for (int i = 0; i < kTxsPerBlock; i += 10) codes[i] = protos::MVCC_READ_CONFLICT;
  size_t next = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<std::string> envelopes;
    for (int i = 0; i < kTxsPerBlock; ++i) envelopes.push_back(pool[next++ % pool.size()]);
    common::Block block =
        protocol::NewBlock(ledger->Height(), ledger->block_store().LastHeaderHash(), std::move(envelopes));
    state.ResumeTiming();
    Status status = ledger->Commit(block, codes);
    if (!status.ok()) {
      state.SkipWithError(status.ToString().c_str());
      return;
    }
  }
  state.counters["blocks/s"] = benchmark::Counter(state.iterations(), benchmark::Counter::kIsRate);
  state.counters["txs/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * kTxsPerBlock, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_CommitBlocks)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace loom::ledger
