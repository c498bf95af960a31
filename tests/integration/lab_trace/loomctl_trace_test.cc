// `loomctl trace` on a workspace (the quickstart scenario, nodes not started)
// whose trace store holds a recorded run: show, summary and export read the
// store without the network; record on a network that is not running says so.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "app/lab/trace_store.h"
#include "app/lab/workspace.h"
#include "core/util/file_util.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/lab_trace/trace_events.h"

namespace loom::lab {
namespace {

struct CommandRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

CommandRun Loomctl(const std::string& args) {
  CommandRun run;
  std::FILE* pipe = ::popen((std::string(LOOMCTL_BIN) + " " + args + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) run.output.append(buffer, n);
  int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

// One workspace for the suite (preparing it generates the quickstart's crypto).
class LoomctlTrace : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new loom::testing::TempDir("loomctl-trace");
    auto workspace = Workspace::Prepare(QUICKSTART_SCENARIO, dir_->File("ws"));
    ASSERT_TRUE(workspace.ok()) << workspace.status().ToString();
    workspace_ = new std::string(workspace->dir());
    auto writer = TraceStoreWriter::Open(workspace->TraceDir());
    ASSERT_TRUE(writer.ok());
    testing::Flow second;
    second.t += 1'000'000'000;
    second.order = 200'000'000;
    for (const auto& event : testing::FlowEvents("aaaa1111", 3, testing::Flow{}))
      ASSERT_TRUE((*writer)->Append(event).ok());
    for (const auto& event : testing::FlowEvents("bbbb2222", 4, second, protos::MVCC_READ_CONFLICT)) {
      ASSERT_TRUE((*writer)->Append(event).ok());
    }
  }
  static void TearDownTestSuite() {
    delete workspace_;
    delete dir_;
  }
  void SetUp() override { ASSERT_NE(workspace_, nullptr) << "the workspace could not be prepared"; }

  std::string Ws() const { return " --workspace " + *workspace_; }

  static inline loom::testing::TempDir* dir_ = nullptr;
  static inline std::string* workspace_ = nullptr;
};

TEST_F(LoomctlTrace, SummaryIsTable1OfTheStoredRun) {
  CommandRun json = Loomctl("trace summary --json" + Ws());
  ASSERT_EQ(json.exit_code, 0) << json.output;
  nlohmann::json summary = nlohmann::json::parse(json.output);
  EXPECT_EQ(summary["transactions"], 2);
  EXPECT_EQ(summary["incomplete"], 0);
  ASSERT_EQ(summary["rows"].size(), 7u);
  EXPECT_EQ(summary["rows"][1]["key"], "ordering");
  EXPECT_DOUBLE_EQ(summary["rows"][1]["avg_ms"].get<double>(), 150.0);
  EXPECT_DOUBLE_EQ(summary["rows"][1]["p99_ms"].get<double>(), 200.0);
  EXPECT_EQ(summary["store"]["records"], 30);

  CommandRun valid = Loomctl("trace summary --valid-only --json" + Ws());
  ASSERT_EQ(valid.exit_code, 0) << valid.output;
  EXPECT_EQ(nlohmann::json::parse(valid.output)["transactions"], 1);

  CommandRun text = Loomctl("trace summary" + Ws());
  ASSERT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("(2) ordering"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("NTP"), std::string::npos);
}

TEST_F(LoomctlTrace, ShowPrintsOneTimelineByIdOrUniquePrefix) {
  CommandRun json = Loomctl("trace show bbbb --json" + Ws());
  ASSERT_EQ(json.exit_code, 0) << json.output;
  nlohmann::json tx = nlohmann::json::parse(json.output);
  EXPECT_EQ(tx["tx_id"], "bbbb2222");
  EXPECT_EQ(tx["block"], 4);
  EXPECT_EQ(tx["validation_code"], "MVCC_READ_CONFLICT");
  EXPECT_EQ(tx["spans"].size(), 15u);

  CommandRun text = Loomctl("trace show aaaa1111" + Ws());
  ASSERT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("VSCC_DONE"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("BLOCK_CUT (block)"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("validation: VALID"), std::string::npos) << text.output;

  CommandRun missing = Loomctl("trace show cccc" + Ws());
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.output.find("no transaction 'cccc'"), std::string::npos) << missing.output;
}

TEST_F(LoomctlTrace, ExportWritesTheStoredRun) {
  const std::string csv = dir_->File("run.csv");
  CommandRun run = Loomctl("trace export --format csv -o " + csv + " --from-store" + Ws());
  ASSERT_EQ(run.exit_code, 0) << run.output;
  auto text = ReadFile(csv);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(
      text->rfind("tx_id,channel,block,validation_code,phase,group,node,start_ns,end_ns,duration_us\n", 0),
      0u);
  EXPECT_EQ(std::count(text->begin(), text->end(), '\n'), 31);  // header + 30 spans

  const std::string json = dir_->File("run.json");
  run = Loomctl("trace export --format json -o " + json + " --from-store" + Ws());
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(nlohmann::json::parse(*ReadFile(json)).size(), 2u);

  CommandRun bad = Loomctl("trace export --format xml -o " + json + Ws());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find("'xml'"), std::string::npos) << bad.output;
}

TEST_F(LoomctlTrace, CommandsOnANetworkThatIsNotRunningSaySo) {
  CommandRun record = Loomctl("trace record --duration 1s" + Ws());
  EXPECT_EQ(record.exit_code, 1);
  EXPECT_NE(record.output.find("is it running?"), std::string::npos) << record.output;
  CommandRun live = Loomctl("trace export --format json -o " + dir_->File("x.json") + Ws());
  EXPECT_EQ(live.exit_code, 1);
  EXPECT_NE(live.output.find("is it running?"), std::string::npos) << live.output;
}

}  // namespace
}  // namespace loom::lab
