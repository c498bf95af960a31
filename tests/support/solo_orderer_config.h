// The loom-orderer config text tests write for a network's solo orderer
// (orderer.example.com with the network's OrdererMSP identity, listening on
// an ephemeral port). Callers append their own lines (tls, limits, ...).
#pragma once

#include <string>

#include "tests/support/orderer_network.h"

namespace loom::testing {

// `data_dir` is relative to the config file's folder unless absolute.
inline std::string SoloOrdererConfig(const OrdererNetwork& network, const std::string& data_dir) {
  return "name: orderer.example.com\n"
         "listen_address: 127.0.0.1:0\n"
         "msp: {dir: " +
         network.OrdererMspDir() +
         ", id: OrdererMSP}\n"
         "data_dir: " +
         data_dir + "\n";
}

}  // namespace loom::testing
