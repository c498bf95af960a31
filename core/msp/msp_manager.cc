#include "core/msp/msp_manager.h"

#include "core/msp/serialized_identity.h"

namespace loom::msp {

Result<MspManager> MspManager::Create(std::vector<Msp> msps) {
  MspManager manager;
  for (auto& msp : msps) {
    if (!msp.valid()) return Status::InvalidArgument("MSP manager: an MSP is empty");
    std::string id = msp.id();
    if (!manager.msps_.emplace(id, std::move(msp)).second) {
      return Status::InvalidArgument("MSP manager: two MSPs have the id '" + id + "'");
    }
  }
  return manager;
}

const Msp* MspManager::Find(std::string_view mspid) const {
  auto it = msps_.find(mspid);
  return it == msps_.end() ? nullptr : &it->second;
}

std::vector<std::string> MspManager::MspIds() const {
  std::vector<std::string> ids;
  for (const auto& [id, msp] : msps_) ids.push_back(id);
  return ids;
}

Result<Identity> MspManager::DeserializeIdentity(std::string_view serialized) const {
  LOOM_ASSIGN_OR_RETURN(SerializedIdentityParts parts, DecodeSerializedIdentity(serialized));
  const Msp* msp = Find(parts.mspid);
  if (msp == nullptr) {
    std::string known;
    for (const auto& [id, unused] : msps_) known += (known.empty() ? "" : ", ") + id;
    return Status::NotFound("identity names MSP '" + parts.mspid +
                            "', which is not known here (known MSPs: " + (known.empty() ? "none" : known) +
                            ")");
  }
  return msp->DeserializeIdentity(serialized);
}

}  // namespace loom::msp
