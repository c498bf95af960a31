// loomctl scenario: check a scenario file and show what it describes.
//   loomctl scenario check SCENARIO      validates; prints orgs, nodes, channels, chaincodes
//   loomctl scenario validate SCENARIO   the same (the name the docs of the lab use)
//   loomctl scenario channels SCENARIO   prints the channel names, one per line (for scripts)
#include <cstdio>
#include <string>
#include <vector>

#include "core/config/scenario_yaml.h"

namespace loom::ctl {
namespace {

constexpr const char* kUsage =
    "usage: loomctl scenario check|validate SCENARIO\n"
    "       loomctl scenario channels SCENARIO\n"
    "  check     validates SCENARIO (schema, references, policies) and prints a summary\n"
    "  validate  the same as check\n"
    "  channels  prints the names of SCENARIO's channels, one per line\n";

int UsageError(const std::string& message) {
  std::fprintf(stderr, "loomctl scenario: %s\n%s", message.c_str(), kUsage);
  return 2;
}

void PrintSummary(const config::Scenario& scenario) {
  std::printf("network %s: %zu orgs, %zu nodes, %zu channels, %zu chaincodes; ordering: %s\n",
              scenario.network.c_str(), scenario.orgs.size(), config::AllNodes(scenario).size(),
              scenario.channels.size(), scenario.chaincodes.size(),
              std::string(config::ToString(scenario.orderer.type)).c_str());
  for (const auto& node : config::AllNodes(scenario)) {
    std::printf("  %-8s %-32s %s\n", std::string(config::ToString(node.kind)).c_str(), node.fqdn.c_str(),
                node.mspid.c_str());
  }
  for (const auto& channel : scenario.channels) {
    std::string orgs;
    for (const auto& org : channel.orgs) orgs += (orgs.empty() ? "" : ", ") + org;
    std::printf("  channel  %-32s orgs: %s\n", channel.name.c_str(), orgs.c_str());
  }
  for (const auto& chaincode : scenario.chaincodes) {
    std::printf("  chaincode %s@%s on %s (%s), endorsement %s\n", chaincode.name.c_str(),
                chaincode.version.c_str(), chaincode.channel.c_str(),
                std::string(config::ToString(chaincode.type)).c_str(), chaincode.policy.c_str());
  }
}

}  // namespace

int RunScenarioCommand(const std::vector<std::string>& args) {
  if (args.empty()) return UsageError("missing subcommand");
  const std::string& subcommand = args[0];
  if (subcommand == "-h" || subcommand == "--help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (subcommand != "check" && subcommand != "validate" && subcommand != "channels") {
    return UsageError("unknown subcommand '" + subcommand + "'");
  }
  if (args.size() != 2) return UsageError(subcommand + " takes exactly one SCENARIO file");
  auto scenario = config::LoadScenarioFile(args[1]);
  if (!scenario.ok()) {
    std::fprintf(stderr, "loomctl scenario %s: %s\n", subcommand.c_str(),
                 scenario.status().message().c_str());
    return 1;
  }
  if (subcommand == "channels") {
    for (const auto& channel : scenario->channels) std::printf("%s\n", channel.name.c_str());
    return 0;
  }
  PrintSummary(*scenario);
  return 0;
}

}  // namespace loom::ctl
