#include "core/lifecycle/installed_chaincodes.h"

namespace loom::lifecycle {

Result<std::string> InstalledChaincodes::SelectPackage(const std::string& channel,
                                                       const std::string& chaincode) const {
  if (!options_.packages || !options_.definition)
    return Status::FailedPrecondition("installed chaincodes: no package store or definition source");
  LOOM_ASSIGN_OR_RETURN(std::optional<ChaincodeDefinition> definition,
                        options_.definition(channel, chaincode));
  if (!definition)
    return Status::NotFound("chaincode " + chaincode + " is not defined on channel " + channel);
  Result<std::string> package = options_.packages->PackageFor(channel, chaincode, definition->sequence);
  if (package.ok()) return package;
  if (package.status().IsNotFound())
    return Status::FailedPrecondition("no package approved/installed for " + chaincode + " sequence " +
                                      std::to_string(definition->sequence) + " on this peer (channel " +
                                      channel + "): " + package.status().message());
  return package.status();
}

Result<chaincode::InvocationResult> InstalledChaincodes::Execute(const chaincode::Invocation& invocation) {
  if (!options_.runtime || !options_.stop)
    return Status::FailedPrecondition("installed chaincodes: no chaincode runtime");
  const std::string& name = invocation.chaincode_name;
  LOOM_ASSIGN_OR_RETURN(std::string package_id, SelectPackage(invocation.channel_id, name));
  {
    std::lock_guard lock(mutex_);
    auto running = selected_.find(name);
    if (running == selected_.end() || running->second != package_id) {
      // Another package served this name: its process must go before the
      // runtime launches the selected one.
      if (running != selected_.end()) options_.stop(name);
      selected_[name] = package_id;
    }
  }
  return options_.runtime->Execute(invocation);
}

Result<LaunchSpec> InstalledChaincodes::LaunchSpecFor(const std::string& chaincode) {
  std::string package_id;
  {
    std::lock_guard lock(mutex_);
    auto selected = selected_.find(chaincode);
    if (selected == selected_.end())
      return Status::NotFound("no installed package is selected for chaincode " + chaincode);
    package_id = selected->second;
  }
  return options_.packages->Launch(package_id);
}

}  // namespace loom::lifecycle
