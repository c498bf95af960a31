// loomctl channel: channel configuration blocks.
//   loomctl channel genesis SCENARIO CHANNEL -o FILE [--crypto DIR] [--address FQDN=HOST:PORT]...
//   loomctl channel inspect BLOCKFILE
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <google/protobuf/stubs/logging.h>

#include "core/channelconfig/config_reader.h"
#include "core/channelconfig/describe.h"
#include "core/channelconfig/genesis.h"
#include "core/config/scenario_yaml.h"
#include "core/cryptogen/cryptogen.h"
#include "core/protocol/block_file.h"

namespace loom::ctl {
namespace {

constexpr const char* kUsage =
    "usage: loomctl channel genesis SCENARIO CHANNEL -o FILE [--crypto DIR] [--address FQDN=HOST:PORT]...\n"
    "       loomctl channel inspect BLOCKFILE\n"
    "  genesis  writes CHANNEL's block 0 (a Fabric CONFIG block) to FILE. The MSPs come\n"
    "           from DIR (default .loom/<network>/crypto), which is generated like\n"
    "           'loomctl crypto generate' when it is missing. Orderers are addressed as\n"
    "           <fqdn>:7050 and anchor peers as <fqdn>:7051 unless --address says otherwise.\n"
    "  inspect  prints the channel configuration held by any config block (Loom's or\n"
    "           Fabric's): values, orderer settings, organizations, ACLs and policies.\n";

int UsageError(const std::string& message) {
  std::fprintf(stderr, "loomctl channel: %s\n%s", message.c_str(), kUsage);
  return 2;
}

int Fail(const char* subcommand, const std::string& message) {
  std::fprintf(stderr, "loomctl channel %s: %s\n", subcommand, message.c_str());
  return 1;
}

// "orderer.example.com=127.0.0.1:7050" into the options' address map.
bool ParseAddress(const std::string& text, channelconfig::GenesisOptions& options) {
  size_t equals = text.find('=');
  size_t colon = text.rfind(':');
  if (equals == std::string::npos || equals == 0 || colon == std::string::npos || colon < equals + 2 ||
      colon + 1 == text.size()) {
    return false;
  }
  const std::string port_text = text.substr(colon + 1);
  if (port_text.size() > 5 || port_text.find_first_not_of("0123456789") != std::string::npos) return false;
  unsigned long port = std::stoul(port_text);
  if (port == 0 || port > 65535) return false;
  options.node_addresses[text.substr(0, equals)] = {text.substr(equals + 1, colon - equals - 1),
                                                    static_cast<uint32_t>(port)};
  return true;
}

int Genesis(const std::vector<std::string>& args) {
  std::vector<std::string> positional;
  std::string out_file;
  std::string crypto_dir;
  channelconfig::GenesisOptions options;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&](std::string& target) {
      if (i + 1 >= args.size()) return false;
      target = args[++i];
      return true;
    };
    if (arg == "-o" || arg == "--output") {
      if (!value(out_file)) return UsageError(arg + " needs a file");
    } else if (arg == "--crypto") {
      if (!value(crypto_dir)) return UsageError("--crypto needs a folder");
    } else if (arg == "--address") {
      std::string address;
      if (!value(address)) return UsageError("--address needs FQDN=HOST:PORT");
      if (!ParseAddress(address, options)) {
        return UsageError("--address '" + address + "': expected FQDN=HOST:PORT with a port in 1..65535");
      }
    } else if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (!arg.empty() && arg[0] == '-') {
      return UsageError("unknown option '" + arg + "'");
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.size() != 2) return UsageError("genesis takes SCENARIO and CHANNEL");
  if (out_file.empty()) return UsageError("genesis needs an output file (-o FILE)");
  const std::string& scenario_path = positional[0];
  const std::string& channel = positional[1];

  auto scenario = config::LoadScenarioFile(scenario_path);
  if (!scenario.ok()) return Fail("genesis", scenario.status().message());
  if (config::FindChannel(*scenario, channel) == nullptr) {
    std::string known;
    for (const auto& c : scenario->channels) known += (known.empty() ? "" : ", ") + c.name;
    return Fail("genesis", scenario_path + ": channel '" + channel +
                               "' is not defined (channels: " + (known.empty() ? "none" : known) + ")");
  }
  if (crypto_dir.empty())
    crypto_dir = (std::filesystem::path(".loom") / scenario->network / "crypto").string();

  std::error_code ec;
  if (!std::filesystem::exists(crypto_dir, ec)) {
    // Nothing to keep in sync yet: make the material the block needs.
    auto generated = cryptogen::GenerateCrypto(*scenario, crypto_dir);
    if (!generated.ok())
      return Fail("genesis", "generating crypto material: " + generated.status().message());
    std::printf("generated crypto material for %zu orgs in %s\n", generated->orgs.size(), crypto_dir.c_str());
  }

  auto block = channelconfig::BuildGenesisBlock(*scenario, channel, crypto_dir, options);
  if (!block.ok()) {
    std::string message = block.status().message();
    if (block.status().IsNotFound() && message.find(crypto_dir) != std::string::npos)
      message += " (run 'loomctl crypto generate " + scenario_path + " -o " + crypto_dir +
                 "' to complete the crypto material)";
    return Fail("genesis", message);
  }
  Status written = protocol::WriteBlockFile(out_file, *block);
  if (!written.ok()) return Fail("genesis", written.message());

  auto config = channelconfig::ReadChannelConfig(*block);
  if (!config.ok()) return Fail("genesis", "reading back the written block: " + config.status().message());
  std::string orgs;
  for (const auto& [name, org] : config->application->orgs) orgs += (orgs.empty() ? "" : ", ") + org.msp_id;
  std::printf("wrote %s: genesis block of channel %s (%zu bytes; %s orderer; members %s)\n", out_file.c_str(),
              channel.c_str(), block->ByteSizeLong(), config->orderer->consensus_type.c_str(), orgs.c_str());
  return 0;
}

int Inspect(const std::vector<std::string>& args) {
  if (args.size() == 2 && (args[1] == "-h" || args[1] == "--help")) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (args.size() != 2 || (!args[1].empty() && args[1][0] == '-')) {
    return UsageError("inspect takes one BLOCKFILE");
  }
  // Protobuf logs malformed UTF-8 while parsing hostile files; our one error
  // line says what is wrong.
  google::protobuf::SetLogHandler([](google::protobuf::LogLevel, const char*, int, const std::string&) {});
  auto config = channelconfig::ReadChannelConfigFile(args[1]);
  if (!config.ok()) return Fail("inspect", config.status().message());
  std::string text = channelconfig::DescribeChannelConfig(*config);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

}  // namespace

int RunChannelCommand(const std::vector<std::string>& args) {
  if (args.empty()) return UsageError("missing subcommand");
  if (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (args[0] == "genesis") return Genesis(args);
  if (args[0] == "inspect") return Inspect(args);
  return UsageError("unknown subcommand '" + args[0] + "'");
}

}  // namespace loom::ctl
