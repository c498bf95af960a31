// PeerChannel commit throughput: blocks of endorsed transactions (one
// endorsement each, disjoint keys) through intake checks, the parallel phase,
// MVCC and commit, with 1 and 2 validation threads. Reports transactions per
// second; the ledger is made fresh (Join) outside the timed part.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "core/peer/peer_channel.h"
#include "tests/unit/peer/peer_test_support.h"

namespace loom::peer {
namespace {

constexpr int kBlocks = 10;
constexpr int kTxsPerBlock = 50;

struct Fixture {
  loom::testing::TempDir dir{"peer-commit-bench"};
  std::unique_ptr<testing::PeerTestNetwork> net;
  std::unique_ptr<testing::PolicyBook> policies;
  std::vector<common::Block> blocks;
};

Fixture& Shared() {
  static Fixture* fixture = [] {
    auto* f = new Fixture();
    f->net = std::make_unique<testing::PeerTestNetwork>(f->dir.File("network"));
    f->policies = std::make_unique<testing::PolicyBook>(
        std::map<std::string, std::string>{{"assets", "OR('Org1MSP.member')"}});
    for (int b = 0; b < kBlocks; ++b) {
      std::vector<testing::SignedTransaction> txs;
      for (int t = 0; t < kTxsPerBlock; ++t) {
        txs.push_back(f->net->Write("assets", "key-" + std::to_string(b) + "-" + std::to_string(t), "value"));
      }
      f->blocks.push_back(f->net->NextBlock(txs));
    }
    return f;
  }();
  return *fixture;
}

void BM_CommitBlocks(benchmark::State& state) {
  Fixture& fixture = Shared();
  static int run = 0;  // benchmark calls this function several times: every ledger gets its own folder
  for (auto _ : state) {
    state.PauseTiming();
    PeerChannelOptions options;
    options.dir = fixture.dir.File("ledger-" + std::to_string(run++));
    options.endorsement_policy = fixture.policies->Source();
    options.validation_threads = static_cast<size_t>(state.range(0));
    auto channel = PeerChannel::Join(fixture.net->genesis(), options);
    if (!channel.ok()) {
      state.SkipWithError(channel.status().ToString().c_str());
      return;
    }
    state.ResumeTiming();
    for (const common::Block& block : fixture.blocks) {
      Status submitted = (*channel)->SubmitBlock(block);
      if (!submitted.ok()) {
        state.SkipWithError(submitted.ToString().c_str());
        return;
      }
    }
    Status done = (*channel)->WaitForHeight(kBlocks + 1, testing::Deadline(120));
    if (!done.ok()) {
      state.SkipWithError(done.ToString().c_str());
      return;
    }
    state.PauseTiming();
    channel->reset();
    state.ResumeTiming();
  }
  state.counters["tx/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * kBlocks * kTxsPerBlock, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_CommitBlocks)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace loom::peer
