// Real libraft servers talking through ClusterTransports.
#include <gtest/gtest.h>

#include "core/raft/cluster_transport.h"
#include "test_support.h"
#include "tests/support/temp_dir.h"

namespace loom::raft {
namespace {

using testing::ListenLocal;
using testing::RaftGroup;

class RaftClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loop = EventLoop::Start("raft-test");
    ASSERT_TRUE(loop.ok()) << loop.status().ToString();
    loop_ = std::move(loop).value();
    for (int i = 0; i < 3; ++i) {
      ClusterTransport::Options options;
      options.log = logs_[i].Sink();
      transports_.push_back(ListenLocal(loop_.get(), options));
      ASSERT_NE(transports_.back(), nullptr);
    }
  }
  void TearDown() override {
    groups_.clear();  // raft_close every server first
    for (auto& transport : transports_) EXPECT_TRUE(testing::CloseTransport(loop_.get(), transport.get()));
    transports_.clear();
    loop_->Stop();
  }
  std::vector<ClusterTransport*> Transports() {
    std::vector<ClusterTransport*> out;
    for (auto& t : transports_) out.push_back(t.get());
    return out;
  }
  RaftGroup* AddGroup(const std::string& channel) {
    groups_.push_back(std::make_unique<RaftGroup>(loop_.get(), channel, dir_.path()));
    return groups_.back().get();
  }

  loom::testing::TempDir dir_{"loom-raft-transport"};
  std::unique_ptr<EventLoop> loop_;
  testing::LogCollector logs_[3];
  std::vector<std::unique_ptr<ClusterTransport>> transports_;
  std::vector<std::unique_ptr<RaftGroup>> groups_;
};

TEST_F(RaftClusterTest, ThreeServersElectAndApplyHundredEntries) {
  RaftGroup* group = AddGroup("mychannel");
  ASSERT_EQ(group->Start(Transports()), "");
  ASSERT_TRUE(group->ApplyAndWait(1, 100)) << logs_[0].All() << logs_[1].All() << logs_[2].All();
  EXPECT_NE(group->LeaderId(), 0u);
  // Every server applied the same entries in the same order.
  std::vector<uint64_t> first = group->Applied(0);
  EXPECT_GE(first.size(), 100u);
  EXPECT_EQ(group->Applied(1), first);
  EXPECT_EQ(group->Applied(2), first);
}

TEST_F(RaftClusterTest, TwoChannelsShareTheListeners) {
  RaftGroup* a = AddGroup("alpha");
  RaftGroup* b = AddGroup("beta");
  ASSERT_EQ(a->Start(Transports()), "");
  ASSERT_EQ(b->Start(Transports()), "");
  ASSERT_TRUE(a->ApplyAndWait(1, 50));
  ASSERT_TRUE(b->ApplyAndWait(1000, 50));
  // Each channel's servers saw only their own channel's entries.
  for (size_t node = 0; node < 3; ++node) {
    for (uint64_t v : a->Applied(node)) EXPECT_LT(v, 1000u);
    for (uint64_t v : b->Applied(node)) EXPECT_GE(v, 1000u);
  }
  EXPECT_EQ(a->Applied(0), a->Applied(2));
  EXPECT_EQ(b->Applied(1), b->Applied(2));
}

TEST_F(RaftClusterTest, StoppedServerCatchesUpAfterRestart) {
  RaftGroup* group = AddGroup("mychannel");
  ASSERT_EQ(group->Start(Transports()), "");
  ASSERT_TRUE(group->ApplyAndWait(1, 20));
  // Server 3 goes away: its channel is unknown on its listener meanwhile, so
  // the others' dials are refused at the preamble and retried.
  ASSERT_TRUE(group->StopNode(2));
  ASSERT_TRUE(group->ApplyAndWait(21, 20));
  EXPECT_TRUE(testing::WaitUntil(loop_.get(), [&] { return logs_[2].Contains("unknown channel mychannel"); }))
      << logs_[2].All();
  // Back on the same listener and data folder: it catches up.
  ASSERT_EQ(group->RestartNode(2, transports_[2].get()), "");
  ASSERT_TRUE(group->ApplyAndWait(41, 10));
  std::vector<uint64_t> restarted = group->Applied(2);
  EXPECT_EQ(restarted, group->Applied(0));
  EXPECT_GE(restarted.size(), 50u);
}

}  // namespace
}  // namespace loom::raft
