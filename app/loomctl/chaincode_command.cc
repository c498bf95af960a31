// loomctl chaincode: Fabric's `peer lifecycle chaincode`, low level — make a
// package, install it on a peer, approve and commit a definition on a
// channel, and query what is installed or committed.
//   loomctl chaincode package --type T --label L --path P [--address HOST:PORT] -o FILE
//   loomctl chaincode install --node HOST:PORT --msp DIR --msp-id ID [TLS] FILE [--json]
//   loomctl chaincode queryinstalled --node HOST:PORT --msp DIR --msp-id ID [TLS] [--json]
//   loomctl chaincode approve|commit --orderer HOST:PORT --peer HOST:PORT... --msp DIR --msp-id ID
//       --channel C --name N --version V --sequence S [--policy P] [--package-id ID] [TLS] [--json]
//   loomctl chaincode querycommitted --node HOST:PORT --msp DIR --msp-id ID --channel C --name N [--json]
// Install and queryinstalled need an admin of the peer's MSP (the peer
// refuses anyone else); approve needs an admin of the approving org and is
// sent to that org's peers, which record the package id; commit is endorsed
// by the peers given (enough orgs for the channel's LifecycleEndorsement)
// and waits until the first peer committed it.
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/client/lifecycle_client.h"
#include "core/client/network_client.h"
#include "core/lifecycle/package.h"
#include "core/lifecycle/package_files.h"
#include "core/msp/signing_identity.h"
#include "core/policy/policy_printer.h"
#include "core/util/file_util.h"
#include "peer/policy.pb.h"
#include "peer/transaction.pb.h"

namespace loom::ctl {
namespace {

constexpr const char* kCommand = "loomctl chaincode";

const std::string& Usage() {
  static const std::string usage =
      "usage: loomctl chaincode package --type native|node|ccaas --label L --path P [--address HOST:PORT] -o "
      "FILE\n"
      "       loomctl chaincode install --node HOST:PORT --msp DIR --msp-id ID [options] FILE\n"
      "       loomctl chaincode queryinstalled --node HOST:PORT --msp DIR --msp-id ID [options]\n"
      "       loomctl chaincode approve|commit --orderer HOST:PORT --peer HOST:PORT [--peer ...] --msp DIR\n"
      "               --msp-id ID --channel C --name N --version V --sequence S [--policy P]\n"
      "               [--package-id ID] [--init-required] [--validation-plugin P] [options]\n"
      "       loomctl chaincode querycommitted --node HOST:PORT --msp DIR --msp-id ID --channel C --name N "
      "[options]\n"
      "       loomctl chaincode deploy --name N --version V --type T --path DIR --policy P [--channel C]\n"
      "               [--sequence S] [--workspace DIR] [--json]\n"
      "  package         write a chaincode package (Fabric's format): native: P is the executable;\n"
      "                  node: P is the folder holding package.json; ccaas: P is a connection.json\n"
      "                  (or give --address HOST:PORT instead)\n"
      "  install         install the package FILE on the peer (an admin of the peer's MSP)\n"
      "  queryinstalled  the packages installed on the peer\n"
      "  approve         approve the definition for your org at your org's peers (--package-id: the\n"
      "                  package those peers run it from), then order it and wait for the commit\n"
      "  commit          commit the definition, endorsed by the peers given (enough orgs for the\n"
      "                  channel's LifecycleEndorsement), and wait for the commit\n"
      "  querycommitted  the definition committed on the channel\n"
      "  deploy          on the running workspace: package, install on the channel's peers, approve\n"
      "                  for every member org, commit, wait until every peer has it (see loomctl\n"
      "                  chaincode deploy --help)\n"
      "  --policy P      a signature policy \"AND('Org1MSP.peer','Org2MSP.peer')\" or a channel policy\n"
      "                  path (default /Channel/Application/Endorsement)\n"
      "  --msp DIR, --msp-id ID   the signing identity (MSP folder with signcerts/ and keystore/)\n"
      "options:\n"
      "  --tls-ca FILE            connect with TLS, trusting the CA certificates in FILE (PEM)\n"
      "  --tls-cert FILE --tls-key FILE   the client certificate for mutual TLS\n"
      "  --timeout SECONDS        deadline of each call and of the commit wait (default 30)\n"
      "  --json                   print the result as JSON\n";
  return usage;
}

int UsageError(const std::string& subcommand, const std::string& message) {
  std::fprintf(stderr, "%s %s: %s\n%s", kCommand, subcommand.c_str(), message.c_str(), Usage().c_str());
  return 2;
}

int Fail(const std::string& subcommand, const std::string& message) {
  std::fprintf(stderr, "%s %s: %s\n", kCommand, subcommand.c_str(), message.c_str());
  return 1;
}

// Flags of every subcommand: "--name value" pairs (repeatable ones keep
// every value), switches, and positional arguments.
struct Flags {
  std::map<std::string, std::vector<std::string>> values;
  std::map<std::string, bool> switches;
  std::vector<std::string> positional;

  std::string Get(const std::string& name) const {
    auto it = values.find(name);
    return it == values.end() ? std::string() : it->second.back();
  }
  const std::vector<std::string>& All(const std::string& name) const {
    static const std::vector<std::string> none;
    auto it = values.find(name);
    return it == values.end() ? none : it->second;
  }
  bool On(const std::string& name) const { return switches.count(name) > 0; }
};

// Parses args[1..] accepting only `valued` flags (with a value) and
// `switch_names`; the message of the first mistake otherwise.
Result<Flags> ParseFlags(const std::vector<std::string>& args, const std::vector<std::string>& valued,
                         const std::vector<std::string>& switch_names) {
  Flags flags;
  auto listed = [](const std::vector<std::string>& names, const std::string& arg) {
    for (const std::string& name : names)
      if (name == arg) return true;
    return false;
  };
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (listed(valued, arg)) {
      if (i + 1 >= args.size()) return Status::InvalidArgument(arg + " needs a value");
      flags.values[arg].push_back(args[++i]);
    } else if (listed(switch_names, arg)) {
      flags.switches[arg] = true;
    } else if (!arg.empty() && arg[0] == '-') {
      return Status::InvalidArgument("unknown option '" + arg + "'");
    } else {
      flags.positional.push_back(arg);
    }
  }
  return flags;
}

// The connection and identity flags of the subcommands that call nodes.
const std::vector<std::string> kConnectionFlags = {"--msp",      "--msp-id",  "--tls-ca",
                                                   "--tls-cert", "--tls-key", "--timeout"};

std::vector<std::string> With(std::vector<std::string> names, const std::vector<std::string>& more) {
  names.insert(names.end(), more.begin(), more.end());
  return names;
}

struct Connection {
  std::unique_ptr<protocol::Signer> signer;
  std::string tls_ca, tls_cert, tls_key;
  std::chrono::milliseconds timeout{30000};

  // A gRPC channel to `address` (TLS when --tls-ca was given); large
  // messages allowed, since a package travels in one proposal.
  std::shared_ptr<grpc::Channel> Dial(const std::string& address) const {
    grpc::ChannelArguments arguments;
    arguments.SetMaxSendMessageSize(100 << 20);
    arguments.SetMaxReceiveMessageSize(100 << 20);
    if (tls_ca.empty())
      return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), arguments);
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = tls_ca;
    tls.pem_cert_chain = tls_cert;
    tls.pem_private_key = tls_key;
    return grpc::CreateCustomChannel(address, grpc::SslCredentials(tls), arguments);
  }
};

Result<Connection> Connect(const Flags& flags) {
  std::string msp_dir = flags.Get("--msp"), msp_id = flags.Get("--msp-id");
  if (msp_dir.empty() || msp_id.empty())
    return Status::InvalidArgument("--msp DIR and --msp-id ID are required");
  if (flags.Get("--tls-cert").empty() != flags.Get("--tls-key").empty())
    return Status::InvalidArgument("--tls-cert and --tls-key go together");
  if (!flags.Get("--tls-cert").empty() && flags.Get("--tls-ca").empty())
    return Status::InvalidArgument("--tls-cert needs --tls-ca");
  Connection connection;
  std::string timeout = flags.Get("--timeout");
  if (!timeout.empty()) {
    if (timeout.size() > 5 || timeout.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(timeout) <= 0)
      return Status::InvalidArgument("--timeout needs a whole number of seconds > 0");
    connection.timeout = std::chrono::seconds(std::stoi(timeout));
  }
  auto identity = msp::LoadSigningIdentity(msp_dir, msp_id);
  if (!identity.ok()) return identity.status().WithContext("--msp " + msp_dir);
  connection.signer = std::make_unique<protocol::KeySigner>(identity->private_key(), identity->Serialize());
  if (!flags.Get("--tls-ca").empty()) {
    LOOM_ASSIGN_OR_RETURN(connection.tls_ca, ReadFile(flags.Get("--tls-ca")));
    if (!flags.Get("--tls-cert").empty()) {
      LOOM_ASSIGN_OR_RETURN(connection.tls_cert, ReadFile(flags.Get("--tls-cert")));
      LOOM_ASSIGN_OR_RETURN(connection.tls_key, ReadFile(flags.Get("--tls-key")));
    }
  }
  return connection;
}

// Parses flags and opens the connection; the exit code on failure.
std::optional<int> Prepare(const std::string& subcommand, const std::vector<std::string>& args,
                           const std::vector<std::string>& valued, const std::vector<std::string>& switches,
                           const std::vector<std::string>& required, Flags* flags, Connection* connection) {
  Result<Flags> parsed = ParseFlags(args, With(kConnectionFlags, valued), switches);
  if (!parsed.ok()) return UsageError(subcommand, parsed.status().message());
  for (const std::string& name : required)
    if (parsed->Get(name).empty()) return UsageError(subcommand, name + " is required");
  Result<Connection> connected = Connect(*parsed);
  if (!connected.ok()) {
    if (connected.status().IsInvalidArgument() && connected.status().message().starts_with("--"))
      return UsageError(subcommand, connected.status().message());
    return Fail(subcommand, connected.status().ToString());
  }
  *flags = std::move(*parsed);
  *connection = std::move(*connected);
  return std::nullopt;
}

// --- package -------------------------------------------------------------

Result<std::vector<lifecycle::TarEntry>> NativeCode(const std::string& path, std::string* entry_point) {
  LOOM_ASSIGN_OR_RETURN(std::string executable, ReadFile(path));
  *entry_point = std::filesystem::path(path).filename().string();
  return std::vector<lifecycle::TarEntry>{{*entry_point, std::move(executable), 0755}};
}

// The folder's files under src/, where Fabric's node packager puts them.
Result<std::vector<lifecycle::TarEntry>> NodeCode(const std::string& folder) {
  LOOM_ASSIGN_OR_RETURN(std::vector<lifecycle::TarEntry> files, lifecycle::ReadCodeFolder(folder));
  std::vector<lifecycle::TarEntry> code = {{"src", "", 0755, true}};
  for (lifecycle::TarEntry& file : files) {
    file.path = "src/" + file.path;
    code.push_back(std::move(file));
  }
  return code;
}

Result<std::vector<lifecycle::TarEntry>> CcaasCode(const Flags& flags) {
  std::string path = flags.Get("--path"), address = flags.Get("--address");
  if (path.empty() == address.empty())
    return Status::InvalidArgument("ccaas: give --path CONNECTION.JSON or --address HOST:PORT (one of them)");
  std::string json;
  if (!path.empty()) {
    LOOM_ASSIGN_OR_RETURN(json, ReadFile(path));
    Result<lifecycle::CcaasConnection> parsed = lifecycle::ParseConnectionJson(json);
    if (!parsed.ok()) return parsed.status().WithContext(path);
  } else {
    lifecycle::CcaasConnection connection;
    connection.address = address;
    json = lifecycle::WriteConnectionJson(connection);
  }
  return std::vector<lifecycle::TarEntry>{{"connection.json", std::move(json), 0644}};
}

int Package(const std::vector<std::string>& args) {
  Result<Flags> flags = ParseFlags(args, {"--type", "--label", "--path", "--address", "-o", "--output"}, {});
  if (!flags.ok()) return UsageError("package", flags.status().message());
  std::string type_name = flags->Get("--type"), label = flags->Get("--label"), path = flags->Get("--path");
  std::string output = flags->Get("-o").empty() ? flags->Get("--output") : flags->Get("-o");
  if (type_name.empty() || label.empty() || output.empty())
    return UsageError("package", "--type, --label and -o FILE are required");
  std::optional<lifecycle::PackageType> type = lifecycle::PackageTypeFromName(type_name);
  if (!type) return UsageError("package", "--type must be native, node or ccaas, not '" + type_name + "'");
  if (*type != lifecycle::PackageType::kCcaas && path.empty())
    return UsageError("package", "--path is required for " + type_name + " chaincode");

  lifecycle::PackageMetadata metadata{*type, label, ""};
  Result<std::vector<lifecycle::TarEntry>> code = Status::Internal("no code");
  switch (*type) {
    case lifecycle::PackageType::kNative: code = NativeCode(path, &metadata.path); break;
    case lifecycle::PackageType::kNode:
      if (!std::filesystem::is_regular_file(std::filesystem::path(path) / "package.json"))
        return Fail("package", path + ": a node chaincode folder must hold package.json");
      code = NodeCode(path);
      metadata.path = "src";
      break;
    case lifecycle::PackageType::kCcaas: code = CcaasCode(*flags); break;
  }
  if (!code.ok()) return Fail("package", code.status().ToString());
  Result<std::string> bytes = lifecycle::BuildPackage(metadata, *code);
  if (!bytes.ok()) return Fail("package", bytes.status().ToString());
  Status written = WriteFileAtomically(output, *bytes);
  if (!written.ok()) return Fail("package", written.ToString());
  std::printf("wrote %s (%zu bytes), package id %s\n", output.c_str(), bytes->size(),
              lifecycle::PackageId(label, *bytes).c_str());
  return 0;
}

// --- install / queryinstalled ---------------------------------------------

int Install(const std::vector<std::string>& args) {
  Flags flags;
  Connection connection;
  if (auto exit_code = Prepare("install", args, {"--node"}, {"--json"}, {"--node"}, &flags, &connection))
    return *exit_code;
  if (flags.positional.size() != 1) return UsageError("install", "give exactly one package FILE");
  Result<std::string> package = ReadFile(flags.positional[0]);
  if (!package.ok()) return Fail("install", package.status().ToString());
  // Checked here too, so a bad file is named before anything is sent.
  Result<lifecycle::ParsedPackage> parsed = lifecycle::ParsePackage(*package);
  if (!parsed.ok()) return Fail("install", flags.positional[0] + ": " + parsed.status().message());
  std::string node = flags.Get("--node");
  Result<std::string> id =
      client::InstallChaincode(connection.Dial(node), *package, *connection.signer, connection.timeout);
  if (!id.ok()) return Fail("install", node + ": " + id.status().message());
  if (flags.On("--json")) {
    nlohmann::ordered_json json;
    json["package_id"] = *id;
    json["label"] = parsed->metadata.label;
    json["node"] = node;
    std::printf("%s\n", json.dump(2).c_str());
  } else {
    std::printf("installed %s on %s\n", id->c_str(), node.c_str());
  }
  return 0;
}

int QueryInstalled(const std::vector<std::string>& args) {
  Flags flags;
  Connection connection;
  if (auto exit_code =
          Prepare("queryinstalled", args, {"--node"}, {"--json"}, {"--node"}, &flags, &connection))
    return *exit_code;
  if (!flags.positional.empty()) return UsageError("queryinstalled", "takes no arguments");
  std::string node = flags.Get("--node");
  auto installed =
      client::QueryInstalledChaincodes(connection.Dial(node), *connection.signer, connection.timeout);
  if (!installed.ok()) return Fail("queryinstalled", node + ": " + installed.status().message());
  if (flags.On("--json")) {
    nlohmann::ordered_json json = nlohmann::ordered_json::array();
    for (const client::InstalledChaincode& chaincode : *installed)
      json.push_back({{"package_id", chaincode.package_id}, {"label", chaincode.label}});
    std::printf("%s\n", json.dump(2).c_str());
    return 0;
  }
  if (installed->empty()) {
    std::printf("no chaincode package is installed on %s\n", node.c_str());
    return 0;
  }
  std::printf("Installed chaincodes on peer %s:\n", node.c_str());
  for (const client::InstalledChaincode& chaincode : *installed)
    std::printf("Package ID: %s, Label: %s\n", chaincode.package_id.c_str(), chaincode.label.c_str());
  return 0;
}

// --- approve / commit -----------------------------------------------------

const char* CodeName(protos::TxValidationCode code) {
  const std::string& name = protos::TxValidationCode_Name(code);
  return name.empty() ? "UNKNOWN" : name.c_str();
}

int Order(const std::string& subcommand, const std::vector<std::string>& args) {
  const bool approve = subcommand == "approve";
  Flags flags;
  Connection connection;
  if (auto exit_code = Prepare(subcommand, args,
                               {"--orderer", "--peer", "--channel", "--name", "--version", "--sequence",
                                "--policy", "--package-id", "--validation-plugin", "--endorsement-plugin"},
                               {"--json", "--init-required"},
                               {"--orderer", "--peer", "--channel", "--name", "--version", "--sequence"},
                               &flags, &connection))
    return *exit_code;
  if (!flags.positional.empty()) return UsageError(subcommand, "takes no arguments");
  if (!approve && !flags.Get("--package-id").empty())
    return UsageError(subcommand, "--package-id belongs to approve (each org names its own package)");

  client::ChaincodeDefinition definition;
  definition.name = flags.Get("--name");
  definition.version = flags.Get("--version");
  const std::string sequence = flags.Get("--sequence");
  if (sequence.size() > 18 || sequence.find_first_not_of("0123456789") != std::string::npos ||
      std::stoll(sequence) <= 0)
    return UsageError(subcommand, "--sequence needs a whole number > 0, not '" + sequence + "'");
  definition.sequence = std::stoll(sequence);
  definition.endorsement_policy = flags.Get("--policy");
  if (!flags.Get("--validation-plugin").empty())
    definition.validation_plugin = flags.Get("--validation-plugin");
  if (!flags.Get("--endorsement-plugin").empty())
    definition.endorsement_plugin = flags.Get("--endorsement-plugin");
  definition.init_required = flags.On("--init-required");
  definition.package_id = flags.Get("--package-id");
  const std::string channel = flags.Get("--channel");

  Result<client::SignedProposal> proposal =
      approve ? client::ApproveForMyOrgProposal(*connection.signer, channel, definition)
              : client::CommitDefinitionProposal(*connection.signer, channel, definition);
  if (!proposal.ok()) return Fail(subcommand, proposal.status().message());

  std::vector<protos::ProposalResponse> responses;
  for (const std::string& peer : flags.All("--peer")) {
    Result<protos::ProposalResponse> response =
        client::Endorse(connection.Dial(peer), proposal->signed_proposal, connection.timeout);
    if (!response.ok()) return Fail(subcommand, peer + ": " + response.status().message());
    if (response->response().status() >= 400)
      return Fail(subcommand, peer + " refused: " + response->response().message());
    responses.push_back(std::move(*response));
  }
  Result<common::Envelope> envelope = client::AssembleTransaction(*proposal, responses, *connection.signer);
  if (!envelope.ok()) return Fail(subcommand, envelope.status().message());

  // Watch before broadcasting, so the commit cannot be missed.
  const std::string& first_peer = flags.All("--peer").front();
  auto watcher = client::CommitWatcher::Start(connection.Dial(first_peer), channel, *connection.signer,
                                              connection.timeout);
  if (!watcher.ok()) return Fail(subcommand, first_peer + ": " + watcher.status().message());
  const std::string orderer = flags.Get("--orderer");
  auto sent = client::Broadcast(connection.Dial(orderer), *envelope, connection.timeout);
  if (!sent.ok()) return Fail(subcommand, orderer + ": " + sent.status().message());
  if (sent->status() != common::SUCCESS)
    return Fail(subcommand, orderer + " refused the transaction: " + common::Status_Name(sent->status()) +
                                " " + sent->info());
  auto commit = (*watcher)->Wait(proposal->tx_id, std::chrono::steady_clock::now() + connection.timeout);
  if (!commit.ok()) return Fail(subcommand, "tx " + proposal->tx_id + ": " + commit.status().message());

  if (flags.On("--json")) {
    nlohmann::ordered_json json;
    json["tx_id"] = proposal->tx_id;
    json["channel"] = channel;
    json["name"] = definition.name;
    json["sequence"] = definition.sequence;
    json["block"] = commit->block_number;
    json["validation_code"] = CodeName(commit->code);
    std::printf("%s\n", json.dump(2).c_str());
  } else {
    std::printf("%s %s sequence %lld on channel %s: tx %s %s in block %llu (peer %s)\n",
                approve ? "approved" : "committed", definition.name.c_str(),
                static_cast<long long>(definition.sequence), channel.c_str(), proposal->tx_id.c_str(),
                CodeName(commit->code), static_cast<unsigned long long>(commit->block_number),
                first_peer.c_str());
  }
  return commit->code == protos::VALID ? 0 : 1;
}

int Approve(const std::vector<std::string>& args) {
  return Order("approve", args);
}
int Commit(const std::vector<std::string>& args) {
  return Order("commit", args);
}

// --- querycommitted -------------------------------------------------------

// The policy of a validation parameter, as text.
std::string PolicyText(const std::string& validation_parameter) {
  protos::ApplicationPolicy policy;
  if (!policy.ParseFromString(validation_parameter)) return "(unreadable)";
  if (policy.has_signature_policy()) {
    Result<std::string> text = policy::ToString(policy.signature_policy());
    return text.ok() ? *text : "(signature policy: " + text.status().message() + ")";
  }
  return policy.channel_config_policy_reference();
}

int QueryCommitted(const std::vector<std::string>& args) {
  Flags flags;
  Connection connection;
  if (auto exit_code = Prepare("querycommitted", args, {"--node", "--channel", "--name"}, {"--json"},
                               {"--node", "--channel", "--name"}, &flags, &connection))
    return *exit_code;
  if (!flags.positional.empty()) return UsageError("querycommitted", "takes no arguments");
  const std::string node = flags.Get("--node"), channel = flags.Get("--channel"), name = flags.Get("--name");
  auto definition = client::QueryCommittedDefinition(connection.Dial(node), *connection.signer, channel, name,
                                                     connection.timeout);
  if (!definition.ok()) return Fail("querycommitted", node + ": " + definition.status().message());
  const std::string policy = PolicyText(definition->validation_parameter());
  if (flags.On("--json")) {
    nlohmann::ordered_json json;
    json["channel"] = channel;
    json["name"] = name;
    json["sequence"] = definition->sequence();
    json["version"] = definition->version();
    json["endorsement_plugin"] = definition->endorsement_plugin();
    json["validation_plugin"] = definition->validation_plugin();
    json["endorsement_policy"] = policy;
    json["init_required"] = definition->init_required();
    std::printf("%s\n", json.dump(2).c_str());
    return 0;
  }
  std::printf(
      "Committed chaincode definition for chaincode '%s' on channel '%s':\n"
      "Version: %s, Sequence: %lld, Endorsement Plugin: %s, Validation Plugin: %s, Init Required: %s\n"
      "Endorsement Policy: %s\n",
      name.c_str(), channel.c_str(), definition->version().c_str(),
      static_cast<long long>(definition->sequence()), definition->endorsement_plugin().c_str(),
      definition->validation_plugin().c_str(), definition->init_required() ? "true" : "false",
      policy.c_str());
  return 0;
}

}  // namespace

// `chaincode deploy` works on a workspace: app/loomctl/chaincode_deploy_command.cc.
int RunChaincodeDeploy(const std::vector<std::string>& args);

int RunChaincodeCommand(const std::vector<std::string>& args) {
  if (args.empty()) return UsageError("", "give a subcommand");
  const std::string& subcommand = args[0];
  if (subcommand == "help" || subcommand == "--help" || subcommand == "-h") {
    std::printf("%s", Usage().c_str());
    return 0;
  }
  const std::pair<const char*, int (*)(const std::vector<std::string>&)> subcommands[] = {
      {"package", Package},          {"install", Install}, {"queryinstalled", QueryInstalled},
      {"approve", Approve},          {"commit", Commit},   {"querycommitted", QueryCommitted},
      {"deploy", RunChaincodeDeploy}};
  for (const auto& [name, run] : subcommands)
    if (subcommand == name) return run(args);
  return UsageError(subcommand,
                    "unknown subcommand (package, install, queryinstalled, approve, commit, "
                    "querycommitted, deploy)");
}

}  // namespace loom::ctl
