// Config blocks come from orderers and from files users hand to loomctl:
// reading a channel config out of arbitrary bytes must fail cleanly.
#include <cstddef>
#include <cstdint>

#include "common/common.pb.h"
#include "core/channelconfig/config_reader.h"
#include "core/channelconfig/describe.h"
#include "core/msp/msp.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  common::Block block;
  if (!block.ParseFromArray(data, static_cast<int>(size))) return 0;
  auto config = loom::channelconfig::ReadChannelConfig(block);
  if (!config.ok()) return 0;
  (void)loom::channelconfig::DescribeChannelConfig(*config);
  // Each org's MSP value is set up the way a peer would use it.
  if (config->application) {
    for (const auto& [name, org] : config->application->orgs) {
      (void)loom::msp::Msp::FromFabricMspConfig(org.fabric_msp);
    }
  }
  return 0;
}
