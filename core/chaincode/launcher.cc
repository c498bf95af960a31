#include "core/chaincode/launcher.h"

#include "core/util/file_util.h"

namespace loom::chaincode {
namespace {

// A chaincode id as a file name: anything but [A-Za-z0-9._-] becomes '_'
// (package ids hold ':'; names could hold '/').
std::string FileNameOf(const std::string& id) {
  std::string name = id;
  for (char& c : name) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                 c == '_' || c == '-';
    if (!plain) c = '_';
  }
  if (name.empty() || name[0] == '.') name.insert(0, "cc");
  return name;
}

}  // namespace

std::string ChaincodeIdOf(const std::string& chaincode_name, const LaunchSpec& spec) {
  return spec.chaincode_id.empty() ? chaincode_name : spec.chaincode_id;
}

Launcher::Launcher(LauncherOptions options, ChaincodeSupport* support)
    : options_(std::move(options)), support_(support) {}

Result<LaunchedChaincode> Launcher::Launch(const std::string& chaincode_name, const LaunchSpec& spec,
                                           std::function<void()> on_exit) {
  LaunchedChaincode launched;
  if (spec.type == LaunchType::kCcaas) {
    if (spec.address.empty()) {
      return Status::InvalidArgument("chaincode " + chaincode_name + ": ccaas launch spec has no address");
    }
    auto dialled = support_->Dial(spec.address);
    if (!dialled.ok()) return dialled.status().WithContext("chaincode " + chaincode_name);
    launched.dialled = std::move(dialled).value();
    return launched;
  }
  if (spec.path.empty()) {
    return Status::InvalidArgument("chaincode " + chaincode_name + ": launch spec has no " +
                                   (spec.type == LaunchType::kNode ? "package folder" : "executable path"));
  }
  if (options_.log_dir.empty()) {
    return Status::InvalidArgument("chaincode " + chaincode_name + ": no chaincode log folder configured");
  }
  Status made = MakeDirectories(options_.log_dir);
  if (!made.ok()) return Status::Unavailable("chaincode " + chaincode_name + ": " + made.message());

  const std::string id = ChaincodeIdOf(chaincode_name, spec);
  const std::string peer_address = !options_.peer_address.empty() || !options_.peer_address_source
                                       ? options_.peer_address
                                       : options_.peer_address_source();
  if (peer_address.empty()) {
    return Status::Unavailable("chaincode " + chaincode_name +
                               ": the peer's chaincode address is not known yet");
  }
  ProcessSpec process;
  process.log_path = options_.log_dir + "/" + FileNameOf(id) + ".log";
  if (spec.type == LaunchType::kNode) {
    process.program = options_.npm_command;
    process.args = {"start", "--", "--peer.address", peer_address};
    process.working_dir = spec.path;
  } else {
    process.program = spec.path;
    process.args = {"--peer.address", peer_address};
  }
  process.env = {"CORE_CHAINCODE_ID_NAME=" + id, "CORE_PEER_ADDRESS=" + peer_address,
                 "CORE_PEER_TLS_ENABLED=false", "CORE_PEER_LOCALMSPID=" + options_.local_msp_id};
  for (const auto& [key, value] : spec.env) process.env.push_back(key + "=" + value);
  auto started = ChaincodeProcess::Start(process, std::move(on_exit));
  if (!started.ok()) return started.status().WithContext("chaincode " + chaincode_name);
  launched.process = std::move(started).value();
  launched.log_path = process.log_path;
  return launched;
}

}  // namespace loom::chaincode
