// `loom-bench run SCENARIO ... --down` end to end: the quickstart network is
// brought up in a temporary workspace, driven for 3 s with assets-transfer
// over 20 Zipf-skewed keys, and stopped; the JSON report printed on stdout
// must be consistent and the report folder complete.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>

#include "core/util/file_util.h"
#include "tests/support/temp_dir.h"

namespace loom {
namespace {

using ::testing::HasSubstr;

// Runs `command`; its stdout, and the exit status in `status`.
// The file's contents, "" when unreadable.
std::string Slurp(const std::string& path) {
  Result<std::string> text = ReadFile(path);
  return text.ok() ? *text : std::string();
}

std::string RunCommand(const std::string& command, int* status) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    *status = -1;
    return output;
  }
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, n);
  *status = pclose(pipe);
  return output;
}

TEST(BenchCliTest, ScenarioRunWritesAConsistentReportAndGoesDown) {
  loom::testing::TempDir dir("bench-cli");
  const std::string ws = dir.File("ws"), report = dir.File("report");
  int status = 0;
  std::string out =
      RunCommand(std::string(LOOM_BENCH_BIN) + " run " + QUICKSTART_SCENARIO + " --workspace " + ws +
                     " --workload assets-transfer --keys 20 --zipf 1.0 --rate 30 --duration 3s"
                     " --ceiling-seconds 0.2 --report " +
                     report + " --down --json 2>" + dir.File("stderr.txt"),
                 &status);
  ASSERT_EQ(status, 0) << Slurp(dir.File("stderr.txt")) << "\n" << out;
  nlohmann::json j = nlohmann::json::parse(out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << out;

  const nlohmann::json& c = j["counts"];
  EXPECT_EQ(c["sent"], 90);  // 30 tx/s for 3 s
  EXPECT_EQ(c["sent"].get<int>(), c["valid"].get<int>() + c["invalid"].get<int>() +
                                      c["endorse_failed"].get<int>() + c["broadcast_refused"].get<int>() +
                                      c["timed_out"].get<int>() + c["client_error"].get<int>());
  EXPECT_GT(c["valid"].get<int>(), 0);
  EXPECT_EQ(j["run"]["setup_failed"], 0);
  EXPECT_EQ(j["run"]["setup_txs"], 20);
  const nlohmann::json& e2e = j["latency_ms"]["end_to_end"];
  EXPECT_LE(e2e["p50"].get<double>(), e2e["p90"].get<double>());
  EXPECT_LE(e2e["p90"].get<double>(), e2e["p99"].get<double>());
  EXPECT_LE(e2e["p99"].get<double>(), e2e["p999"].get<double>());
  EXPECT_LE(e2e["p999"].get<double>(), e2e["max"].get<double>());
  EXPECT_GT(j["crypto"]["verify_per_s"].get<double>(), 0);
  EXPECT_GT(j["crypto"]["ceiling_tps"].get<double>(), 0);
  EXPECT_EQ(j["crypto"]["endorsements"], 2);
  EXPECT_EQ(j["nodes"].size(), 3u);
  for (const nlohmann::json& node : j["nodes"]) EXPECT_TRUE(node["sampled"].get<bool>()) << node;

  // Table 1 from the traces: the paper's seven rows; end-to-end = endorsement + ordering + validation on
  // average.
  EXPECT_EQ(j["table1"]["source"], "trace") << j["table1"];
  ASSERT_EQ(j["table1"]["rows"].size(), 7u);
  const nlohmann::json& rows = j["table1"]["rows"];
  EXPECT_NEAR(
      rows[0]["avg_ms"].get<double>() + rows[1]["avg_ms"].get<double>() + rows[5]["avg_ms"].get<double>(),
      rows[6]["avg_ms"].get<double>(), 0.01);

  EXPECT_THAT(Slurp(report + "/report.html"), HasSubstr("<svg"));
  EXPECT_THAT(Slurp(report + "/latencies.csv"), HasSubstr("seq,client,tx_id"));
  EXPECT_EQ(nlohmann::json::parse(Slurp(report + "/report.json"))["counts"], c);

  // --down stopped every node: a pid file is gone or names a dead process.
  std::string ps = RunCommand("cat " + ws +
                                  "/nodes/*/node.pid 2>/dev/null | awk '{print $1}' | "
                                  "while read p; do kill -0 $p 2>/dev/null && echo alive $p; done",
                              &status);
  EXPECT_EQ(ps, "");

  // --validate-only needs only the workspace's files (the network is down
  // now): pre-built blocks committed in-process, every transaction VALID.
  std::string validated = RunCommand(std::string(LOOM_BENCH_BIN) + " run " + ws +
                                         " --workload assets-create --validate-only --txs 200 --block-size 50"
                                         " --ceiling-seconds 0.1 --json 2>&1 >" +
                                         dir.File("validate.json"),
                                     &status);
  ASSERT_EQ(status, 0) << validated;
  nlohmann::json v = nlohmann::json::parse(Slurp(dir.File("validate.json")), nullptr, false);
  ASSERT_FALSE(v.is_discarded());
  EXPECT_EQ(v["run"]["mode"], "validate-only");
  EXPECT_EQ(v["counts"]["sent"], 200);
  EXPECT_EQ(v["counts"]["valid"], 200);
  EXPECT_EQ(v["rates"]["blocks_seen"], 4);
  EXPECT_DOUBLE_EQ(v["crypto"]["verifies_per_tx"].get<double>(), 1 + 2 + 1.0 / 50);

  // compare with itself: every ratio 1 (or 0 where A is 0).
  std::string compared = RunCommand(
      std::string(LOOM_BENCH_BIN) + " compare " + report + " " + report + "/report.json --json", &status);
  ASSERT_EQ(status, 0) << compared;
  nlohmann::json cmp = nlohmann::json::parse(compared, nullptr, false);
  ASSERT_FALSE(cmp.is_discarded()) << compared;
  for (const nlohmann::json& m : cmp["metrics"]) {
    if (m["a"].get<double>() != 0) {
      EXPECT_DOUBLE_EQ(m["ratio"].get<double>(), 1.0) << m;
    }
  }
}

TEST(BenchCliTest, BadArgumentsSayWhatIsWrong) {
  int status = 0;
  std::string out =
      RunCommand(std::string(LOOM_BENCH_BIN) + " run /nonexistent --rate 5 --in-flight 3 2>&1", &status);
  EXPECT_NE(status, 0);
  EXPECT_THAT(out, HasSubstr("exclude each other"));
  out = RunCommand(std::string(LOOM_BENCH_BIN) + " run /nonexistent --workload x --profile wobble:3 2>&1",
                   &status);
  EXPECT_NE(status, 0);
  out = RunCommand(std::string(LOOM_BENCH_BIN) + " run /nonexistent-ws --workload counter-increment 2>&1",
                   &status);
  EXPECT_NE(status, 0);
  EXPECT_THAT(out, HasSubstr("not a Loom workspace"));
}

}  // namespace
}  // namespace loom
