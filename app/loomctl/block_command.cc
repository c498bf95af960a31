// loomctl block: decode and verify block files.
//   loomctl block decode FILE [--json]
//   loomctl block verify FILE...|DIR...
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <google/protobuf/stubs/logging.h>

#include "core/protocol/block_decoder.h"
#include "core/protocol/block_file.h"
#include "core/protocol/block_verify.h"

namespace loom::ctl {
namespace {

constexpr const char* kUsage =
    "usage: loomctl block decode FILE [--json]\n"
    "       loomctl block verify FILE...|DIR...\n";

int UsageError(const std::string& message) {
  std::fprintf(stderr, "loomctl block: %s\n%s", message.c_str(), kUsage);
  return 2;
}

// Protobuf logs malformed UTF-8 in string fields to stderr while parsing;
// for hostile files those lines would bury the one error we print.
void SilenceProtobufLogs() {
  google::protobuf::SetLogHandler([](google::protobuf::LogLevel, const char*, int, const std::string&) {});
}

int Decode(const std::vector<std::string>& args) {
  std::string file;
  bool json = false;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--json") {
      json = true;
    } else if (!args[i].empty() && args[i][0] == '-') {
      return UsageError("unknown option '" + args[i] + "'");
    } else if (file.empty()) {
      file = args[i];
    } else {
      return UsageError("decode takes one FILE");
    }
  }
  if (file.empty()) return UsageError("decode needs a FILE");
  auto block = protocol::ReadBlockFile(file);
  if (!block.ok()) {
    std::fprintf(stderr, "loomctl block decode: %s\n", block.status().message().c_str());
    return 1;
  }
  protocol::DecodedNode tree = protocol::DecodeBlock(*block);
  std::string out = json ? protocol::RenderJson(tree) : protocol::RenderText(tree);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

// FILE and DIR arguments as a list of files; a DIR contributes its *.block files.
Result<std::vector<std::string>> CollectBlockFiles(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (!std::filesystem::is_directory(path, ec)) {
      files.push_back(path);
      continue;
    }
    size_t before = files.size();
    for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
      if (entry.is_regular_file() && entry.path().extension() == ".block")
        files.push_back(entry.path().string());
    }
    if (ec) return Status::IoError(path + ": cannot list: " + ec.message());
    if (files.size() == before) return Status::NotFound(path + ": no .block files in this folder");
  }
  return files;
}

int Verify(const std::vector<std::string>& args) {
  std::vector<std::string> paths(args.begin() + 1, args.end());
  for (const std::string& path : paths) {
    if (!path.empty() && path[0] == '-') return UsageError("unknown option '" + path + "'");
  }
  if (paths.empty()) return UsageError("verify needs at least one FILE or DIR");
  auto files = CollectBlockFiles(paths);
  if (!files.ok()) {
    std::fprintf(stderr, "loomctl block verify: %s\n", files.status().message().c_str());
    return 1;
  }
  std::vector<common::Block> blocks;
  for (const std::string& file : *files) {
    auto block = protocol::ReadBlockFile(file);
    if (!block.ok()) {
      std::fprintf(stderr, "loomctl block verify: %s\n", block.status().message().c_str());
      return 1;
    }
    blocks.push_back(std::move(block).value());
  }
  // Files name blocks in any order (block10 sorts before block2): chain them
  // by header number instead.
  std::stable_sort(blocks.begin(), blocks.end(), [](const common::Block& a, const common::Block& b) {
    return a.header().number() < b.header().number();
  });
  std::vector<protocol::BlockFault> faults = protocol::VerifyChain(blocks);
  for (const protocol::BlockFault& fault : faults) std::printf("%s\n", fault.ToString().c_str());
  if (faults.empty()) {
    std::printf("%zu blocks verified: no faults\n", blocks.size());
    return 0;
  }
  std::printf("%zu blocks verified: %zu faults\n", blocks.size(), faults.size());
  return 1;
}

}  // namespace

int RunBlockCommand(const std::vector<std::string>& args) {
  SilenceProtobufLogs();
  if (args.empty()) return UsageError("missing subcommand");
  if (args[0] == "decode") return Decode(args);
  if (args[0] == "verify") return Verify(args);
  if (args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  return UsageError("unknown subcommand '" + args[0] + "'");
}

}  // namespace loom::ctl
