#include "core/channelconfig/policy_manager.h"

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "common/policies.pb.h"
#include "core/msp/policy_identity.h"
#include "core/msp/serialized_identity.h"
#include "core/policy/compiled_signature_policy.h"
#include "core/policy/implicit_meta.h"
#include "msp/msp_config.pb.h"

namespace loom::channelconfig {

// One compiled policy of the tree.
struct PolicyManager::Node {
  std::string path;  // "/Channel/Application/Admins"
  std::string text;  // "MAJORITY Admins"
  std::shared_ptr<const policy::PolicyEvaluator> evaluator;
  // Exactly one of these is set; `evaluator` aliases it.
  std::shared_ptr<const policy::CompiledSignaturePolicy> signature;
  std::shared_ptr<const policy::ImplicitMetaPolicyEvaluator> implicit_meta;
  // ImplicitMeta only, parallel to implicit_meta->children(): where each
  // child's sub-policy is (or would be), and its node (null when absent).
  std::vector<std::string> child_paths;
  std::vector<const Node*> children;
};

namespace {

constexpr char kRootPath[] = "/Channel";
// Config trees come off the wire; recursion over them is bounded.
constexpr int kMaxGroupDepth = 32;

std::vector<std::string> SortedKeys(const auto& map) {
  std::vector<std::string> keys;
  keys.reserve(map.size());
  for (const auto& [key, unused] : map) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  return keys;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string joined;
  for (const auto& name : names) joined += (joined.empty() ? "" : ", ") + name;
  return joined.empty() ? "none" : joined;
}

// "Org1MSP User1@org1.example.com".
std::string SignerLabel(const msp::Identity& identity) {
  return identity.mspid() + " " + identity.certificate().CommonName();
}

// Fabric deduplicates signers by MSP id + hash of the sanitized (low-S)
// certificate, so one certificate encoded two ways still counts once.
std::string DeduplicationKey(const msp::Identity& identity) {
  auto sanitized = identity.certificate().WithLowSSignature();
  const crypto::Certificate& certificate = sanitized.ok() ? *sanitized : identity.certificate();
  return identity.mspid() + '\0' + certificate.ToDer();
}

struct MspDefinition {
  std::string path;    // where it was first defined
  std::string config;  // marshalled FabricMSPConfig, to compare redefinitions
  msp::Msp msp;
};

// Every "MSP" value in the tree; Fabric's mspConfigHandler accepts an MSP
// id twice only with the same config.
Status CollectMsps(const common::ConfigGroup& group, const std::string& path, int depth,
                   std::map<std::string, MspDefinition>* msps, std::vector<std::string>* notes) {
  if (depth > kMaxGroupDepth) {
    return Status::InvalidArgument(path + ": config groups nested deeper than " +
                                   std::to_string(kMaxGroupDepth));
  }
  auto value = group.values().find(kMspKey);
  if (value != group.values().end()) {
    const std::string where = path + "/" + kMspKey;
    ::msp::MSPConfig msp_config;
    if (!msp_config.ParseFromString(value->second.value())) {
      return Status::InvalidArgument(where + ": cannot parse msp.MSPConfig");
    }
    if (msp_config.type() != 0) {
      notes->push_back(where + ": MSP type " + std::to_string(msp_config.type()) +
                       (msp_config.type() == 1 ? " (IDEMIX)" : "") +
                       " is not supported; signatures of its members are not counted");
    } else {
      ::msp::FabricMSPConfig fabric;
      if (!fabric.ParseFromString(msp_config.config())) {
        return Status::InvalidArgument(where + ": cannot parse msp.FabricMSPConfig");
      }
      auto existing = msps->find(fabric.name());
      if (existing != msps->end()) {
        if (existing->second.config != msp_config.config()) {
          return Status::InvalidArgument(where + ": MSP '" + fabric.name() + "' is also defined at " +
                                         existing->second.path + " with a different configuration");
        }
      } else {
        auto msp = msp::Msp::FromFabricMspConfig(fabric);
        if (!msp.ok()) return msp.status().WithContext(where);
        msps->emplace(fabric.name(), MspDefinition{where, msp_config.config(), std::move(msp).value()});
      }
    }
  }
  for (const auto& name : SortedKeys(group.groups())) {
    LOOM_RETURN_IF_ERROR(CollectMsps(group.groups().at(name), path + "/" + name, depth + 1, msps, notes));
  }
  return Status::Ok();
}

// Where an ImplicitMeta sub-policy name points inside child group
// `child_path`: relative names are below it; absolute names (Fabric's
// GetPolicy accepts them) must be inside it.
std::string SubPolicyPath(const std::string& child_path, const std::string& sub_policy) {
  if (!sub_policy.empty() && sub_policy[0] == '/') return sub_policy;
  return child_path + "/" + sub_policy;
}

bool IsInside(const std::string& path, const std::string& group_path) {
  return path.size() > group_path.size() + 1 && path.compare(0, group_path.size(), group_path) == 0 &&
         path[group_path.size()] == '/';
}

void AppendIndented(std::string_view text, int depth, std::string* out) {
  const std::string indent(static_cast<size_t>(depth) * 2, ' ');
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    *out += indent;
    out->append(line);
    *out += '\n';
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
}

// Why `node` does not hold for `identities`, recursively through
// ImplicitMeta policies down to the signature policies that failed.
void ExplainNode(const PolicyManager::Node& node, policy::IdentitySpan identities, int depth,
                 std::string* out) {
  if (node.signature) {
    AppendIndented(node.signature->Evaluate(identities).Explain(), depth, out);
    return;
  }
  std::vector<bool> held;
  policy::ImplicitMetaResult result = node.implicit_meta->Evaluate(identities, &held);
  AppendIndented(result.Explain(node.implicit_meta->policy().sub_policy()), depth, out);
  for (size_t i = 0; i < held.size(); ++i) {
    if (held[i]) continue;
    const PolicyManager::Node* child = node.children[i];
    if (child == nullptr) {
      AppendIndented("unsatisfied: " + node.child_paths[i] + " does not exist (counts as unsatisfied)", depth,
                     out);
      continue;
    }
    AppendIndented("unsatisfied: " + child->path + " (" + child->text + ")", depth, out);
    ExplainNode(*child, identities, depth + 1, out);
  }
}

}  // namespace

std::string_view SignatureRejectionName(SignatureRejection reason) {
  switch (reason) {
    case SignatureRejection::kMalformedIdentity: return "malformed identity";
    case SignatureRejection::kUnknownMsp: return "unknown MSP";
    case SignatureRejection::kDuplicate: return "duplicate identity";
    case SignatureRejection::kInvalidIdentity: return "invalid identity";
    case SignatureRejection::kBadSignature: return "bad signature";
  }
  return "unknown reason";
}

std::string SignatureCheck::Explain() const {
  std::vector<std::string> lines(presented);
  for (size_t i = 0; i < counted.size(); ++i) {
    const CountedSignature& signature = counted[i];
    if (signature.index >= lines.size()) continue;
    lines[signature.index] = "identity " + std::to_string(i) + " <- signature " +
                             std::to_string(signature.index) + " (" + SignerLabel(signature.identity) + ")";
  }
  for (const RejectedSignature& rejection : rejected) {
    if (rejection.index >= lines.size()) continue;
    lines[rejection.index] = "signature " + std::to_string(rejection.index) +
                             (rejection.signer.empty() ? "" : " (" + rejection.signer + ")") +
                             " not counted, " + std::string(SignatureRejectionName(rejection.reason)) + ": " +
                             rejection.detail;
  }
  std::string text = "signatures: " + std::to_string(presented) + " presented, " +
                     std::to_string(counted.size()) + " counted\n";
  for (const auto& line : lines) AppendIndented(line, 1, &text);
  return text;
}

SignatureCheck CheckSignatures(const msp::MspManager& msps, std::span<const SignedData> signed_data,
                               crypto::Clock::time_point at) {
  SignatureCheck check;
  check.presented = signed_data.size();
  std::unordered_map<std::string, size_t> counted_at;  // deduplication key -> signature index
  for (size_t i = 0; i < signed_data.size(); ++i) {
    const SignedData& item = signed_data[i];
    auto reject = [&](SignatureRejection reason, std::string signer, const Status& status) {
      check.rejected.push_back(RejectedSignature{i, reason, std::move(signer), status.message()});
    };
    auto identity = msps.DeserializeIdentity(item.identity);
    if (!identity.ok()) {
      auto parts = msp::DecodeSerializedIdentity(item.identity);
      reject(identity.status().IsNotFound() ? SignatureRejection::kUnknownMsp
                                            : SignatureRejection::kMalformedIdentity,
             parts.ok() ? parts->mspid : "", identity.status());
      continue;
    }
    std::string key = DeduplicationKey(*identity);
    if (auto first = counted_at.find(key); first != counted_at.end()) {
      reject(SignatureRejection::kDuplicate, SignerLabel(*identity),
             Status::PermissionDenied("the same identity was already counted for signature " +
                                      std::to_string(first->second)));
      continue;
    }
    if (Status valid = identity->Validate(at); !valid.ok()) {
      reject(SignatureRejection::kInvalidIdentity, SignerLabel(*identity), valid);
      continue;
    }
    if (Status verified = identity->Verify(item.data, item.signature); !verified.ok()) {
      reject(SignatureRejection::kBadSignature, SignerLabel(*identity), verified);
      continue;
    }
    counted_at.emplace(std::move(key), i);
    check.counted.push_back(CountedSignature{i, std::move(identity).value()});
  }
  return check;
}

Result<std::shared_ptr<const PolicyManager>> PolicyManager::Create(const ChannelConfig& config) {
  std::shared_ptr<PolicyManager> manager(new PolicyManager());
  manager->channel_id_ = config.channel_id;
  const common::ConfigGroup& root = config.config.channel_group();
  const std::string context = "channel '" + config.channel_id + "' policies";

  std::map<std::string, MspDefinition> definitions;
  Status collected = CollectMsps(root, kRootPath, 0, &definitions, &manager->notes_);
  if (!collected.ok()) return collected.WithContext(context);
  std::vector<msp::Msp> msps;
  for (auto& [id, definition] : definitions) msps.push_back(std::move(definition.msp));
  auto msp_manager = msp::MspManager::Create(std::move(msps));
  if (!msp_manager.ok()) return msp_manager.status().WithContext(context);
  manager->msps_ = std::move(msp_manager).value();

  Status built = manager->BuildGroup(root, kRootPath, config, 0);
  if (!built.ok()) return built.WithContext(context);
  return std::shared_ptr<const PolicyManager>(std::move(manager));
}

Status PolicyManager::BuildGroup(const common::ConfigGroup& group, const std::string& path,
                                 const ChannelConfig& config, int depth) {
  if (depth > kMaxGroupDepth) {
    return Status::InvalidArgument(path + ": config groups nested deeper than " +
                                   std::to_string(kMaxGroupDepth));
  }
  // Children first: ImplicitMeta policies refer to their policies.
  const std::vector<std::string> child_groups = SortedKeys(group.groups());
  for (const auto& name : child_groups) {
    LOOM_RETURN_IF_ERROR(BuildGroup(group.groups().at(name), path + "/" + name, config, depth + 1));
  }
  std::vector<std::string>& names = group_policies_[path];
  for (const auto& name : SortedKeys(group.policies())) {
    const std::string policy_path = path + "/" + name;
    const common::ConfigPolicy& config_policy = group.policies().at(name);
    if (!config_policy.has_policy()) return Status::InvalidArgument("policy " + policy_path + " is empty");
    const common::Policy& body = config_policy.policy();

    auto node = std::make_shared<Node>();
    node->path = policy_path;
    if (const PolicyInfo* info = config.FindPolicy(policy_path)) node->text = info->text;
    if (body.type() == common::Policy::SIGNATURE) {
      auto compiled = policy::CompiledSignaturePolicy::CompileBytes(body.value());
      if (!compiled.ok()) return compiled.status().WithContext("policy " + policy_path + " does not compile");
      node->signature = std::make_shared<const policy::CompiledSignaturePolicy>(std::move(compiled).value());
      node->evaluator = node->signature;
    } else if (body.type() == common::Policy::IMPLICIT_META) {
      common::ImplicitMetaPolicy definition;
      if (!definition.ParseFromString(body.value())) {
        return Status::InvalidArgument("policy " + policy_path + ": cannot parse common.ImplicitMetaPolicy");
      }
      std::vector<policy::ImplicitMetaChild> children;
      for (const auto& child_name : child_groups) {
        const std::string child_path = path + "/" + child_name;
        const std::string sub_path = SubPolicyPath(child_path, definition.sub_policy());
        auto found = IsInside(sub_path, child_path) ? nodes_.find(sub_path) : nodes_.end();
        const Node* child = found == nodes_.end() ? nullptr : found->second.get();
        node->child_paths.push_back(sub_path);
        node->children.push_back(child);
        children.push_back({child_name, child ? child->evaluator : nullptr});
      }
      auto evaluator = policy::ImplicitMetaPolicyEvaluator::Create(definition, std::move(children));
      if (!evaluator.ok()) return evaluator.status().WithContext("policy " + policy_path);
      node->implicit_meta =
          std::make_shared<const policy::ImplicitMetaPolicyEvaluator>(std::move(evaluator).value());
      node->evaluator = node->implicit_meta;
    } else {
      return Status::InvalidArgument("policy " + policy_path + " has policy type " +
                                     std::to_string(body.type()) +
                                     ", which is not supported (only SIGNATURE and IMPLICIT_META)");
    }
    if (node->text.empty()) node->text = node->signature ? "signature policy" : "implicit meta policy";
    names.push_back(name);
    nodes_.emplace(policy_path, std::move(node));
  }
  return Status::Ok();
}

Result<const PolicyManager::Node*> PolicyManager::Lookup(std::string_view path) const {
  if (path.empty()) return Status::NotFound("no policy path given");
  std::string full = path[0] == '/' ? std::string(path) : std::string(kRootPath) + "/" + std::string(path);
  if (auto found = nodes_.find(full); found != nodes_.end()) return found->second.get();

  // Name the nearest existing group and what it holds.
  std::string group = full;
  while (!group.empty() && group_policies_.find(group) == group_policies_.end()) {
    size_t slash = group.rfind('/');
    group = slash == std::string::npos ? "" : group.substr(0, slash);
  }
  std::string message = "channel '" + channel_id_ + "' has no policy " + full;
  if (group.empty()) return Status::NotFound(message + "; policy paths start with " + kRootPath + "/");
  std::vector<std::string> subgroups;
  for (const auto& [other, unused] : group_policies_) {
    if (IsInside(other, group) && other.find('/', group.size() + 1) == std::string::npos) {
      subgroups.push_back(other.substr(group.size() + 1));
    }
  }
  return Status::NotFound(message + "; group " + group + " has policies " +
                          JoinNames(group_policies_.find(group)->second) + " and groups " +
                          JoinNames(subgroups));
}

SignatureCheck PolicyManager::CheckSignatures(std::span<const SignedData> signed_data,
                                              crypto::Clock::time_point at) const {
  return channelconfig::CheckSignatures(msps_, signed_data, at);
}

Status PolicyManager::Evaluate(std::string_view path, std::span<const SignedData> signed_data,
                               crypto::Clock::time_point at) const {
  // Look the path up first: an unknown path costs no signature checks.
  LOOM_ASSIGN_OR_RETURN(const Node* node, Lookup(path));
  return EvaluateNode(*node, CheckSignatures(signed_data, at), at);
}

Status PolicyManager::EvaluateChecked(std::string_view path, const SignatureCheck& check,
                                      crypto::Clock::time_point at) const {
  LOOM_ASSIGN_OR_RETURN(const Node* node, Lookup(path));
  return EvaluateNode(*node, check, at);
}

Status PolicyManager::EvaluateNode(const Node& node, const SignatureCheck& check,
                                   crypto::Clock::time_point at) const {
  std::vector<msp::PolicyIdentity> identities;
  identities.reserve(check.counted.size());
  for (const CountedSignature& signature : check.counted) identities.emplace_back(signature.identity, at);
  std::vector<const policy::Identity*> pointers;
  pointers.reserve(identities.size());
  for (const auto& identity : identities) pointers.push_back(&identity);
  const policy::IdentitySpan span(pointers);
  if (node.evaluator->IsSatisfiedBy(span)) return Status::Ok();

  std::string message = "policy " + node.path + " (" + node.text + ") is not satisfied\n";
  ExplainNode(node, span, 1, &message);
  message += check.Explain();
  while (!message.empty() && message.back() == '\n') message.pop_back();
  return Status::PermissionDenied(std::move(message));
}

Result<const policy::PolicyEvaluator*> PolicyManager::Find(std::string_view path) const {
  LOOM_ASSIGN_OR_RETURN(const Node* node, Lookup(path));
  return node->evaluator.get();
}

Result<std::string> PolicyManager::PolicyText(std::string_view path) const {
  LOOM_ASSIGN_OR_RETURN(const Node* node, Lookup(path));
  return node->text;
}

std::vector<std::string> PolicyManager::Paths() const {
  std::vector<std::string> paths;
  paths.reserve(nodes_.size());
  for (const auto& [path, unused] : nodes_) paths.push_back(path);
  return paths;
}

}  // namespace loom::channelconfig
