#include "core/policy/known_msps.h"

#include <algorithm>
#include <numeric>
#include <vector>

#include "core/policy/principal.h"

namespace loom::policy {
namespace {

std::string KnownList(std::span<const std::string> known_msp_ids) {
  if (known_msp_ids.empty()) return "none";
  std::string list;
  for (const std::string& id : known_msp_ids) {
    if (!list.empty()) list += ", ";
    list += id;
  }
  return list;
}

// Checks identities in `order`; `where(i)` names identity i in messages.
template <typename Where>
Status Check(const common::SignaturePolicyEnvelope& envelope, std::span<const std::string> known_msp_ids,
             const std::vector<int>& order, Where where) {
  for (int i : order) {
    Result<std::vector<std::string>> msp_ids = PrincipalMspIds(envelope.identities(i));
    if (!msp_ids.ok()) return msp_ids.status().WithContext(where(i));
    for (const std::string& msp_id : *msp_ids) {
      if (std::find(known_msp_ids.begin(), known_msp_ids.end(), msp_id) == known_msp_ids.end()) {
        return Status::NotFound(where(i) + ": unknown MSP id '" + msp_id +
                                "' (known: " + KnownList(known_msp_ids) + ")");
      }
    }
  }
  return Status::Ok();
}

}  // namespace

Status ValidateKnownMsps(const common::SignaturePolicyEnvelope& envelope,
                         std::span<const std::string> known_msp_ids) {
  std::vector<int> order(envelope.identities_size());
  std::iota(order.begin(), order.end(), 0);
  return Check(envelope, known_msp_ids, order, [](int i) { return "identities[" + std::to_string(i) + "]"; });
}

Status ValidateKnownMsps(const ParsedSignaturePolicy& parsed, std::span<const std::string> known_msp_ids) {
  // Report the leftmost unknown MSP in the text, not the first by identity
  // index (Fabric numbers identities in evaluation order).
  std::vector<int> order(parsed.envelope.identities_size());
  std::iota(order.begin(), order.end(), 0);
  if (parsed.identity_columns.size() == order.size()) {
    std::stable_sort(order.begin(), order.end(), [&parsed](int a, int b) {
      return parsed.identity_columns[a] < parsed.identity_columns[b];
    });
  }
  return Check(parsed.envelope, known_msp_ids, order, [&parsed](int i) {
    if (static_cast<size_t>(i) < parsed.identity_columns.size()) {
      return "column " + std::to_string(parsed.identity_columns[i]);
    }
    return "identities[" + std::to_string(i) + "]";
  });
}

}  // namespace loom::policy
