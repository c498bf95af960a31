#include "app/lab/gateway_endorsers.h"

#include "core/policy/compiled_signature_policy.h"
#include "core/protocol/policy_text.h"
#include "msp/msp_principal.pb.h"

namespace loom::lab {
namespace {

// A peer of one org, as the policy sees it.
class OrgPeer final : public policy::Identity {
 public:
  explicit OrgPeer(std::string mspid) : mspid_(std::move(mspid)) {}
  std::string_view Key() const override { return mspid_; }
  bool SatisfiesPrincipal(const common::MSPPrincipal& principal) const override {
    if (principal.principal_classification() != common::MSPPrincipal::ROLE) return false;
    common::MSPRole role;
    if (!role.ParseFromString(principal.principal())) return false;
    return role.msp_identifier() == mspid_ &&
           (role.role() == common::MSPRole::PEER || role.role() == common::MSPRole::MEMBER);
  }

 private:
  std::string mspid_;
};

constexpr size_t kMaxOrgsSearched = 16;  // 2^16 subsets at most

}  // namespace

Result<std::vector<std::string>> SmallestSatisfyingOrgs(const common::SignaturePolicyEnvelope& policy,
                                                        const std::vector<std::string>& orgs) {
  LOOM_ASSIGN_OR_RETURN(policy::CompiledSignaturePolicy compiled,
                        policy::CompiledSignaturePolicy::Compile(policy));
  std::vector<OrgPeer> peers;
  size_t count = std::min(orgs.size(), kMaxOrgsSearched);
  for (size_t i = 0; i < count; ++i) peers.emplace_back(orgs[i]);
  for (size_t size = 0; size <= count; ++size) {
    // Every subset of `size` orgs, in lexicographic order of positions.
    std::vector<size_t> pick(size);
    for (size_t i = 0; i < size; ++i) pick[i] = i;
    while (true) {
      std::vector<const policy::Identity*> identities;
      for (size_t i : pick) identities.push_back(&peers[i]);
      if (compiled.IsSatisfiedBy(identities)) {
        std::vector<std::string> chosen;
        for (size_t i : pick) chosen.push_back(orgs[i]);
        return chosen;
      }
      size_t i = size;
      while (i > 0 && pick[i - 1] == count - size + i - 1) --i;
      if (i == 0) break;
      ++pick[i - 1];
      for (size_t j = i; j < size; ++j) pick[j] = pick[j - 1] + 1;
    }
  }
  std::string known;
  for (const std::string& org : orgs) known += (known.empty() ? "" : ", ") + org;
  return Status::FailedPrecondition("no set of the channel's orgs (" + known + ") can satisfy the policy " +
                                    protocol::SignaturePolicyToText(policy));
}

}  // namespace loom::lab
