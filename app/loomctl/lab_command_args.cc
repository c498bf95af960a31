#include "app/loomctl/lab_command_args.h"

#include <cstdio>

#include "app/lab/workspace_select.h"

namespace loom::ctl {

Result<LabArgs> ParseLabArgs(const std::vector<std::string>& args, const std::set<std::string>& value_options,
                             const std::set<std::string>& flag_options) {
  LabArgs parsed;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto take_value = [&](std::string& target) -> Status {
      if (i + 1 >= args.size()) return Status::InvalidArgument(arg + " needs a value");
      target = args[++i];
      return Status::Ok();
    };
    if (arg == "--workspace") {
      LOOM_RETURN_IF_ERROR(take_value(parsed.workspace));
    } else if (arg == "--json") {
      parsed.json = true;
    } else if (value_options.count(arg) != 0) {
      LOOM_RETURN_IF_ERROR(take_value(parsed.values[arg]));
    } else if (flag_options.count(arg) != 0) {
      parsed.flags.insert(arg);
    } else if (arg.size() > 1 && arg[0] == '-') {
      return Status::InvalidArgument("unknown option '" + arg + "'");
    } else {
      parsed.positional.push_back(arg);
    }
  }
  return parsed;
}

Result<lab::Workspace> OpenSelectedWorkspace(const std::string& flag) {
  LOOM_ASSIGN_OR_RETURN(std::string dir, lab::SelectWorkspaceDir(flag));
  return lab::Workspace::Open(dir);
}

int Fail(const std::string& command, const std::string& message) {
  std::fprintf(stderr, "loomctl %s: %s\n", command.c_str(), message.c_str());
  return 1;
}

std::string HumanBytes(uint64_t bytes) {
  char text[32];
  if (bytes >= (1ull << 30)) {
    std::snprintf(text, sizeof text, "%.1fG", static_cast<double>(bytes) / (1ull << 30));
  } else if (bytes >= (1ull << 20)) {
    std::snprintf(text, sizeof text, "%.1fM", static_cast<double>(bytes) / (1ull << 20));
  } else {
    std::snprintf(text, sizeof text, "%lluK", static_cast<unsigned long long>(bytes >> 10));
  }
  return text;
}

}  // namespace loom::ctl
