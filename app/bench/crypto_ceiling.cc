#include "app/bench/crypto_ceiling.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "core/crypto/ecdsa.h"

namespace loom::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Operations per second of `operation` on `threads` threads for `seconds`;
// false from `operation` stops the measurement with an error.
template <typename Operation>
Result<double> Rate(unsigned threads, double seconds, Operation operation) {
  std::atomic<uint64_t> total{0};
  std::atomic<bool> failed{false};
  Clock::time_point start = Clock::now();
  auto until = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      uint64_t count = 0;
      while (Clock::now() < until && !failed) {
        for (int i = 0; i < 8; ++i) {
          if (!operation()) failed = true;
        }
        count += 8;
      }
      total += count;
    });
  }
  for (std::thread& worker : workers) worker.join();
  if (failed)
    return Status::Internal("the crypto ceiling measurement failed: a signature did not sign or verify");
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  return static_cast<double>(total.load()) / elapsed;
}

}  // namespace

Result<CryptoRates> MeasureCryptoRates(unsigned threads, double seconds) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  LOOM_ASSIGN_OR_RETURN(crypto::PrivateKey key, crypto::PrivateKey::Generate());
  crypto::PublicKey public_key = key.public_key();
  const std::string message(300, 'x');  // about a proposal's size; hashing is a small part
  LOOM_ASSIGN_OR_RETURN(std::string signature, key.Sign(message));
  CryptoRates rates;
  rates.threads = threads;
  LOOM_ASSIGN_OR_RETURN(rates.sign_per_s, Rate(threads, seconds, [&] { return key.Sign(message).ok(); }));
  LOOM_ASSIGN_OR_RETURN(rates.verify_per_s,
                        Rate(threads, seconds, [&] { return public_key.Verify(message, signature).ok(); }));
  return rates;
}

Ceiling ComputeCeiling(const CryptoRates& rates, const Topology& topology) {
  double e = topology.endorsements, p = topology.committing_peers, o = topology.orderers;
  double b = std::max(1.0, topology.txs_per_block);
  Ceiling ceiling;
  switch (topology.work) {
    case Topology::Work::kEndToEnd:
      ceiling.verifies_per_tx = e + o + p * (1 + e) + p / b;
      ceiling.signs_per_tx = 2 + e + 1 / b;
      break;
    case Topology::Work::kEndorseOnly:
      ceiling.verifies_per_tx = e;
      ceiling.signs_per_tx = 1 + e;
      break;
    case Topology::Work::kOrderOnly:
      ceiling.verifies_per_tx = o;
      ceiling.signs_per_tx = 2 + 1 / b;
      break;
    case Topology::Work::kValidateOnly:
      ceiling.verifies_per_tx = 1 + e + 1 / b;
      ceiling.signs_per_tx = 0;
      break;
  }
  if (rates.verify_per_s > 0 && ceiling.verifies_per_tx > 0)
    ceiling.verify_ceiling_tps = rates.verify_per_s / ceiling.verifies_per_tx;
  if (rates.verify_per_s > 0 && rates.sign_per_s > 0 && ceiling.verifies_per_tx > 0) {
    ceiling.sign_verify_ceiling_tps =
        1 / (ceiling.verifies_per_tx / rates.verify_per_s + ceiling.signs_per_tx / rates.sign_per_s);
  }
  return ceiling;
}

}  // namespace loom::bench
