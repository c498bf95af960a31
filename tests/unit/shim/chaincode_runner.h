// Runs a chaincode in-process against a FakePeer: RunWithPeer on a thread,
// dialing a FakePeerServer; the destructor ends the stream and joins.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <thread>

#include "chaincode/shim/shim.h"
#include "tests/unit/shim/fake_peer.h"

namespace loom::shim::testing {

class ChaincodeRunner {
 public:
  ChaincodeRunner(FakePeer& peer, Chaincode& chaincode, std::string name = "probe:1.0")
      : peer_(peer), server_(peer) {
    EXPECT_TRUE(server_.ok());
    thread_ =
        std::thread([this, &chaincode, name] { result_ = RunWithPeer(server_.address(), name, chaincode); });
  }
  ~ChaincodeRunner() { Stop(); }

  // Ends the stream from the peer's side and returns what RunWithPeer did.
  Status Stop() {
    if (thread_.joinable()) {
      peer_.WaitForRegister();  // the stream exists from REGISTER on
      peer_.EndStream();
      thread_.join();
    }
    return result_;
  }
  // Waits for RunWithPeer to return by itself (a failed handshake).
  Status Join() {
    if (thread_.joinable()) thread_.join();
    return result_;
  }

 private:
  FakePeer& peer_;
  FakePeerServer server_;
  std::thread thread_;
  Status result_;
};

}  // namespace loom::shim::testing
