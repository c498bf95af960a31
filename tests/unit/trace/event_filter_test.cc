#include "core/trace/event_filter.h"

#include <gtest/gtest.h>

namespace loom::trace {
namespace {

loom::TraceEvent TxEvent(const std::string& channel, const std::string& tx_id,
                         loom::TraceEvent::Phase phase) {
  loom::TraceEvent event;
  event.set_channel(channel);
  event.set_tx_id(tx_id);
  event.set_phase(phase);
  return event;
}

TEST(CompiledFilter, EmptyFilterMatchesEverything) {
  CompiledFilter filter(loom::EventFilter{});
  EXPECT_TRUE(filter.matches_everything());
  EXPECT_TRUE(filter.Matches(loom::TraceEvent{}));
  EXPECT_TRUE(filter.Matches(TxEvent("ch", "tx", loom::TraceEvent::COMMITTED)));
}

TEST(CompiledFilter, EachListIsAnyOfAndListsCombineWithAnd) {
  loom::EventFilter proto;
  proto.add_channels("a");
  proto.add_channels("b");
  proto.add_phases(loom::TraceEvent::VSCC_DONE);
  proto.add_phases(loom::TraceEvent::MVCC_DONE);
  CompiledFilter filter(proto);
  EXPECT_FALSE(filter.matches_everything());

  struct Case {
    const char* channel;
    loom::TraceEvent::Phase phase;
    bool matches;
  };
  const Case cases[] = {
      {"a", loom::TraceEvent::VSCC_DONE, true},  {"b", loom::TraceEvent::MVCC_DONE, true},
      {"c", loom::TraceEvent::VSCC_DONE, false}, {"a", loom::TraceEvent::COMMITTED, false},
      {"", loom::TraceEvent::VSCC_DONE, false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(filter.Matches(TxEvent(c.channel, "tx", c.phase)), c.matches) << c.channel << " " << c.phase;
  }
}

TEST(CompiledFilter, TxIdsMatchTheEventOrTheBlockThatCarriesIt) {
  loom::EventFilter proto;
  proto.add_tx_ids("tx7");
  CompiledFilter filter(proto);

  EXPECT_TRUE(filter.Matches(TxEvent("ch", "tx7", loom::TraceEvent::ENDORSED)));
  EXPECT_FALSE(filter.Matches(TxEvent("ch", "tx8", loom::TraceEvent::ENDORSED)));

  loom::TraceEvent cut = TxEvent("ch", "", loom::TraceEvent::BLOCK_CUT);
  cut.mutable_block_cut()->add_tx_ids("tx6");
  EXPECT_FALSE(filter.Matches(cut));
  cut.mutable_block_cut()->add_tx_ids("tx7");
  EXPECT_TRUE(filter.Matches(cut));

  loom::TraceEvent written = TxEvent("ch", "", loom::TraceEvent::BLOCK_WRITTEN);
  written.mutable_block()->add_tx_ids("tx7");
  EXPECT_TRUE(filter.Matches(written));

  // A block-level event without a tx list, and a leader change, are not about tx7.
  EXPECT_FALSE(filter.Matches(TxEvent("ch", "", loom::TraceEvent::BLOCK_RECEIVED)));
  EXPECT_FALSE(filter.Matches(TxEvent("ch", "", loom::TraceEvent::LEADER_CHANGED)));
}

}  // namespace
}  // namespace loom::trace
