// Shared by loomctl's network commands (up, down, status, logs, kill, pause,
// resume, restart, chaincode deploy): their argument parsing, and opening
// the selected workspace (app/lab/workspace_select.h) and its running network.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "app/lab/network.h"
#include "app/lab/workspace.h"
#include "core/util/status.h"

namespace loom::ctl {

struct LabArgs {
  std::string workspace;  // --workspace DIR ("" when not given)
  bool json = false;      // --json
  std::vector<std::string> positional;
  std::map<std::string, std::string> values;  // other "--name VALUE" options
  std::set<std::string> flags;                // other flags given
};

// Parses --workspace DIR, --json, the `value_options` ("--name") that take a
// value and the `flag_options` that do not. InvalidArgument naming an
// unknown option or a missing value.
Result<LabArgs> ParseLabArgs(const std::vector<std::string>& args,
                             const std::set<std::string>& value_options = {},
                             const std::set<std::string>& flag_options = {});

// The selected workspace (--workspace, $LOOM_WORKSPACE, the one under .loom/).
Result<lab::Workspace> OpenSelectedWorkspace(const std::string& flag);

// "loomctl <command>: <message>" on stderr; returns 1.
int Fail(const std::string& command, const std::string& message);

// "0" style helpers for tables.
std::string HumanBytes(uint64_t bytes);

}  // namespace loom::ctl
