// The crypto ceiling of a topology on this machine: ECDSA P-256 sign and
// verify rates measured with every core busy, and the signatures one
// end-to-end transaction costs the whole network (all nodes share the
// machine):
//   verifies/tx = E            (each endorser checks the client's proposal)
//               + O            (the orderer checks the envelope's creator)
//               + P * (1 + E)  (each committing peer: creator + E endorsements)
//               + P / B        (each peer checks each block's orderer signature)
//   signs/tx    = 2            (the client signs the proposal and the envelope)
//               + E            (each endorser signs its endorsement)
//               + 1 / B        (the orderer signs each block)
// E endorsements per transaction, O = 1 orderer receiving it, P committing
// peers, B transactions per block (measured in the run; 1 when unknown).
// ceiling tx/s = verify rate / verifies per tx (the paper's bottleneck);
// the report also gives the sign+verify ceiling, 1 / (V/verify + S/sign).
// The other modes count only the work they exercise:
//   endorse-only   verifies = E,              signs = 1 + E
//   order-only     verifies = O,              signs = 2 + 1/B   (client envelope + proposal, the block)
//   validate-only  verifies = 1 + E + 1/B,    signs = 0         (one committing peer, in-process)
#pragma once

#include <chrono>

#include "core/util/status.h"

namespace loom::bench {

struct CryptoRates {
  double sign_per_s = 0, verify_per_s = 0;
  unsigned threads = 0;
};

// Measures both rates on `threads` threads (0: every core) for `seconds` each.
Result<CryptoRates> MeasureCryptoRates(unsigned threads, double seconds);

struct Topology {
  enum class Work { kEndToEnd, kEndorseOnly, kOrderOnly, kValidateOnly };
  Work work = Work::kEndToEnd;    // which signatures the run exercises
  unsigned endorsements = 1;      // E
  unsigned committing_peers = 1;  // P
  unsigned orderers = 1;          // O: orderer nodes that verify a broadcast envelope
  double txs_per_block = 1;       // B
};

struct Ceiling {
  double verifies_per_tx = 0, signs_per_tx = 0;
  double verify_ceiling_tps = 0;       // verify rate / verifies per tx
  double sign_verify_ceiling_tps = 0;  // 1 / (V / verify rate + S / sign rate)
};

Ceiling ComputeCeiling(const CryptoRates& rates, const Topology& topology);

}  // namespace loom::bench
