// Internal: the compiled form of a SignaturePolicyEnvelope, shared by the
// evaluator (compiled_signature_policy.cc) and explanations
// (signature_policy_result.cc). Immutable once built.
#pragma once

#include <cstdint>
#include <vector>

#include "common/policies.pb.h"

namespace loom::policy {

// One rule of the tree. Rules are stored in depth-first pre-order.
struct CompiledRule {
  int32_t n = 0;             // gates: the threshold as on the wire
  int32_t principal = -1;    // principals: index into envelope.identities; -1 for gates
  uint32_t first_child = 0;  // gates: children are child_rules[first_child, first_child + child_count)
  uint32_t child_count = 0;
  int depth = 0;
};

struct CompiledProgram {
  common::SignaturePolicyEnvelope envelope;
  std::vector<CompiledRule> rules;
  std::vector<uint32_t> child_rules;
  int max_depth = 0;
};

}  // namespace loom::policy
