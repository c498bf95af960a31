// loomctl crypto: key and certificate material (Fabric cryptogen's job).
//   loomctl crypto generate SCENARIO -o DIR [--force]
#include <cstdio>
#include <string>
#include <vector>

#include "core/config/scenario_yaml.h"
#include "core/cryptogen/cryptogen.h"

namespace loom::ctl {
namespace {

constexpr const char* kUsage =
    "usage: loomctl crypto generate SCENARIO -o DIR [--force]\n"
    "  Writes a CA, a TLS CA and the keys and certificates of every peer, orderer,\n"
    "  admin and user of SCENARIO into DIR/<org domain>/ (Fabric cryptogen's layout).\n"
    "  Existing keys and certificates are kept; --force regenerates them all.\n";

int UsageError(const std::string& message) {
  std::fprintf(stderr, "loomctl crypto: %s\n%s", message.c_str(), kUsage);
  return 2;
}

int Generate(const std::vector<std::string>& args) {
  std::string scenario_path;
  std::string out_dir;
  cryptogen::GenerateOptions options;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-o" || arg == "--output") {
      if (i + 1 >= args.size()) return UsageError(arg + " needs a folder");
      out_dir = args[++i];
    } else if (arg.rfind("--output=", 0) == 0) {
      out_dir = arg.substr(9);
    } else if (arg == "--force") {
      options.force = true;
    } else if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (!arg.empty() && arg[0] == '-') {
      return UsageError("unknown option '" + arg + "'");
    } else if (scenario_path.empty()) {
      scenario_path = arg;
    } else {
      return UsageError("generate takes one SCENARIO (got '" + scenario_path + "' and '" + arg + "')");
    }
  }
  if (scenario_path.empty()) return UsageError("generate needs a SCENARIO file");
  if (out_dir.empty()) return UsageError("generate needs an output folder (-o DIR)");

  auto scenario = config::LoadScenarioFile(scenario_path);
  if (!scenario.ok()) {
    std::fprintf(stderr, "loomctl crypto generate: %s\n", scenario.status().message().c_str());
    return 1;
  }
  auto summary = cryptogen::GenerateCrypto(*scenario, out_dir, options);
  if (!summary.ok()) {
    std::fprintf(stderr, "loomctl crypto generate: %s\n", summary.status().message().c_str());
    return 1;
  }
  for (const auto& org : summary->orgs) {
    std::printf("  %-12s %-12s %-20s %2d written, %2d kept\n", org.name.c_str(), org.mspid.c_str(),
                org.domain.c_str(), org.identities_written, org.identities_kept);
  }
  std::printf("crypto material for %zu orgs in %s: %d identities written, %d kept\n", summary->orgs.size(),
              out_dir.c_str(), summary->identities_written(), summary->identities_kept());
  return 0;
}

}  // namespace

int RunCryptoCommand(const std::vector<std::string>& args) {
  if (args.empty()) return UsageError("missing subcommand");
  if (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (args[0] == "generate") return Generate(args);
  return UsageError("unknown subcommand '" + args[0] + "'");
}

}  // namespace loom::ctl
