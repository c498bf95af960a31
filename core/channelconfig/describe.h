// A human-readable rendering of a ChannelConfig (what `loomctl channel
// inspect` prints): channel values, orderer settings, each org with its MSP
// summary, endpoints and anchor peers, ACLs, and every policy by path with
// its text form. Deterministic (maps are ordered), so tests can match lines.
#pragma once

#include <string>

#include "core/channelconfig/channel_config.h"

namespace loom::channelconfig {

std::string DescribeChannelConfig(const ChannelConfig& config);

}  // namespace loom::channelconfig
