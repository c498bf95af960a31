// The lab-to-GUI conversions of app/controller (lab_controller_jobs.h):
// scenario error positions, the demo call per chaincode, log tails, and
// block summaries / tx records as the GUI's value types. Pure functions.
#include <gtest/gtest.h>

#include <fstream>

#include "app/controller/lab_controller_jobs.h"
#include "tests/support/temp_dir.h"

namespace loom::controller {
namespace {

config::Scenario ScenarioWith(const std::string& name, const std::string& path) {
  config::Scenario scenario;
  config::Channel channel;
  channel.name = "ch";
  channel.orgs = {"Org2", "Org1"};
  scenario.channels.push_back(channel);
  config::Chaincode chaincode;
  chaincode.name = name;
  chaincode.path = path;
  scenario.chaincodes.push_back(chaincode);
  return scenario;
}

TEST(ScenarioErrorsOf, TakesLineAndColumnFromTheMessage) {
  QVector<ScenarioError> errors = ScenarioErrorsOf(
      Status::InvalidArgument("/tmp/x.yaml:12:5: orgs[0].colour: unknown field (known: name, mspid)"));
  ASSERT_EQ(errors.size(), 1);
  EXPECT_EQ(errors[0].line, 12);
  EXPECT_EQ(errors[0].column, 5);
  EXPECT_TRUE(errors[0].message.contains(QStringLiteral("colour")));

  errors = ScenarioErrorsOf(Status::NotFound("scenario file /nope.yaml does not exist"));
  ASSERT_EQ(errors.size(), 1);
  EXPECT_EQ(errors[0].line, 0);
  EXPECT_EQ(errors[0].column, 0);
}

TEST(DemoCallFor, AssetsCreatesAFreshAsset) {
  Result<DemoCall> first = DemoCallFor(ScenarioWith("assets", "chaincode/assets"), 1);
  Result<DemoCall> second = DemoCallFor(ScenarioWith("assets", "chaincode/assets"), 2);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->channel, "ch");  // the only channel, as the scenario's default
  EXPECT_EQ(first->org, "Org2");    // the channel's first org submits
  ASSERT_EQ(first->args.size(), 6u);
  EXPECT_EQ(first->args[0], "CreateAsset");
  EXPECT_NE(first->args[1], second->args[1]);
}

TEST(DemoCallFor, CounterIncrementsAndOthersUseTheWorkload) {
  Result<DemoCall> counter = DemoCallFor(ScenarioWith("cnt", "chaincode/counter"), 1);
  ASSERT_TRUE(counter.ok());
  EXPECT_EQ(counter->args, (std::vector<std::string>{"Increment", "gui-counter"}));

  config::Scenario scenario = ScenarioWith("coin", "chaincode/fabcoin");
  EXPECT_FALSE(DemoCallFor(scenario, 1).ok());  // no workload: nothing known to send
  config::Workload workload;
  workload.chaincode = "coin";
  workload.function = "MINT";
  workload.args = {"{key}", "{seq}", "{client}"};
  workload.org = "Org1";
  scenario.workload = workload;
  Result<DemoCall> coin = DemoCallFor(scenario, 7);
  ASSERT_TRUE(coin.ok()) << coin.status().ToString();
  ASSERT_EQ(coin->args.size(), 4u);
  EXPECT_EQ(coin->args[0], "MINT");
  EXPECT_EQ(coin->args[1].rfind("gui-", 0), 0u);
  EXPECT_EQ(coin->args[2], "7");
  EXPECT_EQ(coin->args[3], "gui");
  EXPECT_EQ(coin->org, "Org1");

  config::Scenario empty;
  EXPECT_FALSE(DemoCallFor(empty, 1).ok());
}

TEST(TailText, CutsAtALineStart) {
  testing::TempDir dir("loom-controller-jobs");
  const std::string path = (dir.path() / "node.log").string();
  {
    std::ofstream out(path);
    out << "first line\nsecond line\nthird\n";
  }
  EXPECT_EQ(TailText(path, 1000), QStringLiteral("first line\nsecond line\nthird\n"));
  EXPECT_EQ(TailText(path, 10), QStringLiteral("third\n"));
  EXPECT_EQ(TailText((dir.path() / "missing").string(), 10), QString());
}

TEST(BlockRowOf, CopiesTheSummary) {
  lab::BlockSummary summary;
  summary.number = 7;
  summary.hash = "ab";
  summary.previous_hash = "cd";
  summary.tx_count = 2;
  summary.valid_count = 1;
  summary.invalid_count = 1;
  lab::BlockTxSummary tx;
  tx.index = 1;
  tx.tx_id = "t1";
  tx.validation_code = 11;
  tx.validation_code_name = "MVCC_READ_CONFLICT";
  summary.txs.push_back(tx);
  BlockRow row = BlockRowOf(QStringLiteral("ch"), summary);
  EXPECT_EQ(row.channel, QStringLiteral("ch"));
  EXPECT_EQ(row.number, 7u);
  EXPECT_EQ(row.previousHash, QStringLiteral("cd"));
  EXPECT_EQ(row.invalidCount, 1);
  ASSERT_EQ(row.txs.size(), 1);
  EXPECT_EQ(row.txs[0].validationCode, 11);
  EXPECT_EQ(row.txs[0].validationCodeName, QStringLiteral("MVCC_READ_CONFLICT"));
}

TEST(TxDetailOf, RendersBytesAndRangeReads) {
  lab::TxRecord record;
  record.tx_id = "t";
  record.function = "Put";
  record.args = {"k", std::string("\x01\x02", 2)};
  validator::NsReadWriteSet ns;
  ns.ns = "cc";
  ns.reads.push_back({"a", ledger::Version{3, 1}});
  validator::RangeQuery range;
  range.start_key = "a";
  range.end_key = "c";
  range.raw_reads.push_back({"b", std::nullopt});
  ns.range_queries.push_back(range);
  ns.writes.push_back({"d", "", true});
  record.namespaces.push_back(ns);
  TxDetail detail = TxDetailOf(record);
  EXPECT_EQ(detail.args, (QStringList{QStringLiteral("k"), QStringLiteral("0x0102")}));
  ASSERT_EQ(detail.reads.size(), 2);
  EXPECT_EQ(detail.reads[0].version, QStringLiteral("3:1"));
  EXPECT_TRUE(detail.reads[0].range.isEmpty());
  EXPECT_EQ(detail.reads[1].version, QStringLiteral("absent"));
  EXPECT_EQ(detail.reads[1].range, QStringLiteral("[a, c)"));
  ASSERT_EQ(detail.writes.size(), 1);
  EXPECT_TRUE(detail.writes[0].isDelete);
}

}  // namespace
}  // namespace loom::controller
