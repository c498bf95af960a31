// A fake identity for policy tests: an MSP id and a set of roles, no
// certificate. It satisfies ROLE principals the way Fabric's MSP does for
// NodeOU identities: MEMBER for any identity of its MSP, other roles only if
// it holds them. Other classifications are never satisfied.
#pragma once

#include <atomic>
#include <set>
#include <string>
#include <utility>

#include "core/policy/identity.h"
#include "core/policy/principal.h"

namespace loom::policy::testing {

class FakeIdentity : public Identity {
 public:
  FakeIdentity(std::string msp_id, std::set<common::MSPRole::MSPRoleType> roles, std::string name)
      : msp_id_(std::move(msp_id)),
        roles_(std::move(roles)),
        name_(std::move(name)),
        key_(msp_id_ + "/" + name_) {}

  static FakeIdentity Peer(const std::string& msp, const std::string& name = "peer0") {
    return FakeIdentity(msp, {common::MSPRole::PEER}, name);
  }
  static FakeIdentity Admin(const std::string& msp, const std::string& name = "admin") {
    return FakeIdentity(msp, {common::MSPRole::ADMIN}, name);
  }
  static FakeIdentity Client(const std::string& msp, const std::string& name = "user1") {
    return FakeIdentity(msp, {common::MSPRole::CLIENT}, name);
  }
  static FakeIdentity Orderer(const std::string& msp, const std::string& name = "orderer0") {
    return FakeIdentity(msp, {common::MSPRole::ORDERER}, name);
  }
  // A member with no NodeOU role.
  static FakeIdentity Member(const std::string& msp, const std::string& name = "member") {
    return FakeIdentity(msp, {}, name);
  }

  std::string_view Key() const override { return key_; }

  bool SatisfiesPrincipal(const common::MSPPrincipal& principal) const override {
    ++calls_;
    Result<RolePrincipal> role = DecodeRolePrincipal(principal);
    if (!role.ok() || role->msp_id != msp_id_) return false;
    return role->role == common::MSPRole::MEMBER || roles_.count(role->role) > 0;
  }

  std::string DisplayName() const override { return msp_id_ + " " + name_; }

  int calls() const { return calls_.load(); }

 private:
  std::string msp_id_;
  std::set<common::MSPRole::MSPRoleType> roles_;
  std::string name_;
  std::string key_;
  mutable std::atomic<int> calls_{0};
};

}  // namespace loom::policy::testing
