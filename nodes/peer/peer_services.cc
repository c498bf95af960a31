#include "nodes/peer/peer_services.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/service_type.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <utility>

#include "core/chaincode/chaincode_runtime.h"
#include "core/chaincode/chaincode_support.h"
#include "core/chaincode/invocation.h"
#include "core/chaincode/launcher.h"
#include "core/endorser/endorser.h"
#include "core/endorser/endorser_service.h"
#include "core/endorser/qscc.h"
#include "core/lifecycle/definition_state.h"
#include "core/lifecycle/endorsement_policy.h"
#include "core/lifecycle/installed_chaincodes.h"
#include "core/lifecycle/lifecycle_chaincode.h"
#include "core/lifecycle/package_store.h"
#include "core/msp/identity.h"
#include "core/msp/signing_identity.h"

namespace loom::peer {
namespace {

constexpr char kLifecycleName[] = "_lifecycle";

// Everything the services use; kept alive by the node (through the stop
// function) until the node is destroyed, after its gRPC servers stopped.
struct EndorsementSide {
  std::unique_ptr<lifecycle::PackageStore> packages;
  chaincode::ExecutorRouter router;
  std::unique_ptr<endorser::Qscc> qscc;
  std::unique_ptr<lifecycle::LifecycleChaincode> lifecycle;
  std::unique_ptr<chaincode::ChaincodeSupport> support;
  std::unique_ptr<chaincode::Launcher> launcher;
  std::unique_ptr<chaincode::ChaincodeRuntime> runtime;
  std::unique_ptr<lifecycle::InstalledChaincodes> installed;
  std::unique_ptr<endorser::Endorser> endorser;
};

std::optional<endorser::EndorserChannel> LookupChannel(const PeerNodeContext& context,
                                                       const std::string& channel_id) {
  std::shared_ptr<PeerChannel> channel = context.find_channel(channel_id);
  if (channel == nullptr) return std::nullopt;
  endorser::EndorserChannel out;
  out.channel_id = channel_id;
  // Aliasing pointers: the ledger and config stay alive while a proposal
  // holds them, even if the channel is dropped meanwhile.
  out.ledger = std::shared_ptr<const ledger::KvLedger>(channel, &channel->ledger());
  out.policies = channel->policy_manager();
  return out;
}

chaincode::LaunchSpec FromConfig(const ChaincodeLaunch& launch) {
  chaincode::LaunchSpec spec;
  switch (launch.type) {
    case ChaincodeType::kNative: spec.type = chaincode::LaunchType::kNative; break;
    case ChaincodeType::kNode: spec.type = chaincode::LaunchType::kNode; break;
    case ChaincodeType::kCcaas: spec.type = chaincode::LaunchType::kCcaas; break;
  }
  spec.path = launch.path;
  if (launch.address) spec.address = launch.address->ToString();
  return spec;
}

Result<chaincode::LaunchSpec> FromPackage(const lifecycle::LaunchSpec& package) {
  chaincode::LaunchSpec spec;
  spec.chaincode_id = package.chaincode_id;
  switch (package.type) {
    case lifecycle::PackageType::kNative:
      spec.type = chaincode::LaunchType::kNative;
      spec.path = package.executable;
      break;
    case lifecycle::PackageType::kNode:
      spec.type = chaincode::LaunchType::kNode;
      spec.path = package.package_dir;
      break;
    case lifecycle::PackageType::kCcaas:
      if (!package.connection)
        return Status::InvalidArgument("ccaas package " + package.chaincode_id + " has no connection");
      if (package.connection->tls_required) {
        return Status::InvalidArgument(
            "ccaas package " + package.chaincode_id +
            " requires TLS to the chaincode server, which Loom does not support yet");
      }
      spec.type = chaincode::LaunchType::kCcaas;
      spec.address = package.connection->address;
      break;
  }
  return spec;
}

// How to start `name`: the config's `chaincodes:` entry, else the installed
// package `installed` selected for the definition in force.
Result<chaincode::LaunchSpec> LaunchSpecFor(const PeerNodeContext& context,
                                            lifecycle::InstalledChaincodes* installed,
                                            const std::string& name) {
  for (const ChaincodeLaunch& launch : context.config->chaincodes) {
    if (launch.name == name) return FromConfig(launch);
  }
  Result<lifecycle::LaunchSpec> package = installed->LaunchSpecFor(name);
  if (!package.ok()) {
    if (!package.status().IsNotFound()) return package.status();
    return Status::NotFound(
        "chaincode " + name +
        " is neither in the peer config's chaincodes list nor installed and approved for a "
        "definition on a channel this peer joined");
  }
  return FromPackage(*package);
}

// The definition in force for `name` on `channel_id` (committed state).
Result<std::optional<lifecycle::ChaincodeDefinition>> DefinitionInForce(const PeerNodeContext& context,
                                                                        const std::string& channel_id,
                                                                        const std::string& name) {
  std::shared_ptr<PeerChannel> channel = context.find_channel(channel_id);
  if (channel == nullptr) return Status::NotFound("this peer has not joined channel " + channel_id);
  return lifecycle::ReadDefinition(channel->ledger().state().NewSnapshot(), name);
}

Result<PeerNodeServices> MakeServices(const PeerNodeContext& context,
                                      std::function<std::string()> chaincode_address) {
  auto side = std::make_shared<EndorsementSide>();
  std::filesystem::path data_dir(context.config->data_dir);
  LOOM_ASSIGN_OR_RETURN(side->packages, lifecycle::PackageStore::Open((data_dir / "chaincodes").string()));

  endorser::ChannelLookup channels = [context](const std::string& channel_id) {
    return LookupChannel(context, channel_id);
  };
  side->qscc = std::make_unique<endorser::Qscc>(channels);
  lifecycle::LifecycleChaincodeOptions lifecycle_options;
  lifecycle_options.packages = side->packages.get();
  lifecycle_options.channel_config =
      [context](
          const std::string& channel_id) -> Result<std::shared_ptr<const channelconfig::ChannelConfig>> {
    std::shared_ptr<PeerChannel> channel = context.find_channel(channel_id);
    if (channel == nullptr) return Status::NotFound("this peer has not joined channel " + channel_id);
    return channel->config();
  };
  // The peer's own MSP: its admins install packages (the endorser checks
  // channel-less proposals with it; _lifecycle checks again).
  LOOM_ASSIGN_OR_RETURN(msp::SigningIdentity local_identity,
                        msp::LoadSigningIdentity(context.config->msp_dir, context.config->msp_id));
  msp::Msp local_msp = local_identity.identity().msp();
  lifecycle_options.authorize_install = [local_msp](const chaincode::Invocation& invocation) -> Status {
    Result<msp::Identity> creator = local_msp.DeserializeIdentity(invocation.creator);
    if (!creator.ok() || !local_msp.IsAdmin(*creator))
      return Status::PermissionDenied("the creator is not an admin of " + local_msp.id());
    return Status::Ok();
  };
  side->lifecycle = std::make_unique<lifecycle::LifecycleChaincode>(std::move(lifecycle_options));

  side->support = std::make_unique<chaincode::ChaincodeSupport>();
  chaincode::LauncherOptions launcher_options;
  launcher_options.peer_address_source = std::move(chaincode_address);
  launcher_options.local_msp_id = context.config->msp_id;
  launcher_options.log_dir = (data_dir / "chaincode-logs").string();
  side->launcher = std::make_unique<chaincode::Launcher>(std::move(launcher_options), side->support.get());
  chaincode::RuntimeOptions runtime_options;
  runtime_options.registration_timeout = context.config->startup_timeout;
  // The runtime asks the installed chaincodes (made next, owned by the same
  // side, used only once a proposal arrives) how to start a chaincode.
  EndorsementSide* raw_side = side.get();
  side->runtime = std::make_unique<chaincode::ChaincodeRuntime>(
      side->support.get(), side->launcher.get(),
      [context, raw_side](const std::string& name) {
        return LaunchSpecFor(context, raw_side->installed.get(), name);
      },
      runtime_options);
  lifecycle::InstalledChaincodesOptions installed_options;
  installed_options.packages = side->packages.get();
  installed_options.runtime = side->runtime.get();
  chaincode::ChaincodeRuntime* runtime = side->runtime.get();
  installed_options.stop = [runtime](const std::string& name) { runtime->Stop(name); };
  installed_options.definition = [context](const std::string& channel_id, const std::string& name) {
    return DefinitionInForce(context, channel_id, name);
  };
  side->installed = std::make_unique<lifecycle::InstalledChaincodes>(std::move(installed_options));

  side->router.Register(endorser::kQsccName, side->qscc.get());
  side->router.Register(kLifecycleName, side->lifecycle.get());
  // Chaincodes of the config run as configured; every other one from the
  // package its org approved.
  for (const ChaincodeLaunch& launch : context.config->chaincodes)
    side->router.Register(launch.name, side->runtime.get());
  side->router.SetFallback(side->installed.get());
  side->runtime->SetInvoker(&side->router);

  endorser::EndorserOptions endorser_options;
  endorser_options.executor = &side->router;
  endorser_options.channels = channels;
  endorser_options.chaincode_versions = [](const endorser::EndorserChannel& channel,
                                           const std::string& chaincode) {
    return lifecycle::ChaincodeVersion(channel.ledger->state().NewSnapshot(), chaincode);
  };
  endorser_options.signer = std::shared_ptr<const protocol::Signer>(std::shared_ptr<void>(), context.signer);
  endorser_options.execute_timeout = context.config->execute_timeout;
  endorser_options.local_msp = local_msp;
  endorser_options.trace = context.trace;
  endorser_options.metrics = context.metrics;
  LOOM_ASSIGN_OR_RETURN(side->endorser, endorser::Endorser::Create(std::move(endorser_options)));

  PeerNodeServices services;
  services.listen.push_back(endorser::MakeEndorserService(side->endorser.get(), context.workers));
  services.chaincode.push_back(side->support->MakeService());
  // Keeps the endorsement side alive as long as the node holds the
  // function; stopping kills the chaincode processes.
  services.stop = [side] { side->runtime->StopAll(); };
  return services;
}

}  // namespace

std::function<Result<PeerNodeServices>(const PeerNodeContext&)> EndorsementServices(
    std::function<std::string()> chaincode_address) {
  return [chaincode_address](const PeerNodeContext& context) {
    return MakeServices(context, chaincode_address);
  };
}

}  // namespace loom::peer
