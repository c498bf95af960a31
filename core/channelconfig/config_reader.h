// Reading a channel's configuration out of a config block (Loom's or one
// written by Hyperledger Fabric).
//
// A config block's data[0] is an Envelope whose Payload has a CONFIG (1)
// ChannelHeader and whose data is a common.ConfigEnvelope. The reader decodes
// every value it knows (see channel_config.h) and every policy in the tree.
// Values it does not know are left in ChannelConfig::config untouched.
//
// Errors are InvalidArgument (or NotFound/IoError for files) and name where in
// the tree the problem is: "/Channel/Orderer/BatchSize: cannot parse
// orderer.BatchSize". Presence is not enforced beyond what the tree's own
// shape needs (every org group must carry an MSP value); a channel without an
// Application group (an orderer system channel) reads fine.
// All functions are pure and thread-safe.
#pragma once

#include <string>

#include "common/common.pb.h"
#include "common/configtx.pb.h"
#include "core/channelconfig/channel_config.h"
#include "core/util/status.h"

namespace loom::channelconfig {

// Decodes the channel config carried by a config block. The channel id comes
// from the envelope's ChannelHeader; last_config_index from the block
// metadata (see ChannelConfig::last_config_index).
Result<ChannelConfig> ReadChannelConfig(const common::Block& block);

// Decodes a ConfigEnvelope (the payload data of a CONFIG envelope).
Result<ChannelConfig> ReadChannelConfig(const common::ConfigEnvelope& envelope,
                                        const std::string& channel_id);

// Decodes a bare Config tree.
Result<ChannelConfig> ReadChannelConfig(const common::Config& config, const std::string& channel_id);

// Extracts the ConfigEnvelope from a config block, checking the envelope,
// payload and header shapes. Also returns the channel id via `channel_id`
// when not null.
Result<common::ConfigEnvelope> ExtractConfigEnvelope(const common::Block& block,
                                                     std::string* channel_id = nullptr);

// Reads a block file (one marshalled common.Block) and checks it is a config
// block. Errors name the file.
Result<common::Block> LoadConfigBlock(const std::string& path);

// Reads a block file and decodes its channel config.
Result<ChannelConfig> ReadChannelConfigFile(const std::string& path);

}  // namespace loom::channelconfig
