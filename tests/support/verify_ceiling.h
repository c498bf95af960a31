// The machine's ECDSA P-256 verify rate, measured in the same run as a
// throughput figure so benches report ratios (throughput against the verify
// ceiling) instead of absolute times on shared, noisy machines. Header-only.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "core/crypto/ecdsa.h"

namespace loom::testing {

// Verifies `signature` over `message` on `threads` threads for about
// `seconds`; verifications per second over all threads (0 when a valid
// signature failed to verify, which is reported on stderr).
inline double VerifyRate(const crypto::PublicKey& key, const std::string& message,
                         const std::string& signature, int threads, double seconds) {
  using Clock = std::chrono::steady_clock;
  auto seconds_since = [](Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
  };
  std::atomic<uint64_t> total{0};
  std::atomic<bool> failed{false};
  Clock::time_point start = Clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      uint64_t count = 0;
      while (seconds_since(start) < seconds) {
        for (int i = 0; i < 16; ++i) {
          if (!key.Verify(message, signature).ok()) failed = true;
        }
        count += 16;
      }
      total += count;
    });
  }
  for (std::thread& worker : workers) worker.join();
  double elapsed = seconds_since(start);
  if (failed) {
    std::fprintf(stderr, "verify loop: a valid signature failed to verify\n");
    return 0;
  }
  return static_cast<double>(total.load()) / elapsed;
}

// `openssl speed -seconds 2 ecdsap256` verify/s (one core), or 0 when the
// binary is missing or its output is not understood.
inline double OpensslVerifyRate() {
  FILE* pipe = popen("openssl speed -seconds 2 ecdsap256 2>/dev/null", "r");
  if (pipe == nullptr) return 0;
  std::string output;
  char buffer[512];
  while (std::fgets(buffer, sizeof(buffer), pipe) != nullptr) output += buffer;
  pclose(pipe);
  // "... 256 bits ecdsa (nistp256)   0.0000s   0.0001s  39120.5  12919.3"
  size_t at = output.rfind("(nistp256)");
  if (at == std::string::npos) return 0;
  size_t end = output.find('\n', at);
  std::string line = output.substr(at, end == std::string::npos ? std::string::npos : end - at);
  size_t last_space = line.find_last_of(" \t");
  if (last_space == std::string::npos) return 0;
  return std::strtod(line.c_str() + last_space + 1, nullptr);
}

}  // namespace loom::testing
