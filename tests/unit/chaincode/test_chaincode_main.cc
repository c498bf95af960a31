// A chaincode program for the runtime's launch tests, started by the peer as
// Fabric starts chaincode: `--peer.address <addr>`, CORE_CHAINCODE_ID_NAME.
// Functions (args[0]): put <key> <value> | env | pid | cwd | spin (never
// answers) | exit (dies mid-transaction with status 3). TEST_CC_MODE=crash
// exits at start with status 7; TEST_CC_MODE=silent connects but never
// registers.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "scripted_chaincode.h"

using loom::chaincode::testing::Message;
using loom::chaincode::testing::ScriptedChaincode;

namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "<unset>" : value;
}

[[noreturn]] void WaitForever() {
  for (;;) pause();
}

}  // namespace

int main(int argc, char** argv) {
  std::string address;
  std::string arguments;
  for (int i = 1; i < argc; ++i) {
    arguments += std::string(i > 1 ? " " : "") + argv[i];
    if (std::string(argv[i]) == "--peer.address" && i + 1 < argc) address = argv[i + 1];
  }
  const std::string mode = Env("TEST_CC_MODE");
  if (mode == "crash") {
    std::fprintf(stderr, "test chaincode crashing on start\n");
    return 7;
  }
  if (address.empty()) {
    std::fprintf(stderr, "no --peer.address in: %s\n", arguments.c_str());
    return 2;
  }
  ScriptedChaincode chaincode(address, std::chrono::hours(1));
  if (mode == "silent") {
    std::fprintf(stderr, "test chaincode not registering\n");
    std::fflush(stderr);
    WaitForever();
  }
  if (!chaincode.Register(Env("CORE_CHAINCODE_ID_NAME"))) {
    std::fprintf(stderr, "registration failed\n");
    return 2;
  }
  while (std::optional<Message> message = chaincode.Read()) {
    if (message->type() != Message::TRANSACTION && message->type() != Message::INIT) continue;
    protos::ChaincodeInput input;
    input.ParseFromString(message->payload());
    const std::string function = input.args_size() > 0 ? input.args(0) : "";
    protos::Response response;
    response.set_status(200);
    if (function == "put" && input.args_size() == 3) {
      protos::PutState put;
      put.set_key(input.args(1));
      put.set_value(input.args(2));
      std::optional<Message> reply = chaincode.Request(*message, Message::PUT_STATE, put.SerializeAsString());
      if (!reply || reply->type() != Message::RESPONSE) response.set_status(500);
    } else if (function == "env") {
      response.set_payload("CORE_CHAINCODE_ID_NAME=" + Env("CORE_CHAINCODE_ID_NAME") +
                           " CORE_PEER_ADDRESS=" + Env("CORE_PEER_ADDRESS") +
                           " CORE_PEER_TLS_ENABLED=" + Env("CORE_PEER_TLS_ENABLED") +
                           " CORE_PEER_LOCALMSPID=" + Env("CORE_PEER_LOCALMSPID") + " EXTRA=" + Env("EXTRA") +
                           " args=" + arguments);
    } else if (function == "pid") {
      response.set_payload(std::to_string(::getpid()));
    } else if (function == "cwd") {
      char buffer[4096];
      response.set_payload(::getcwd(buffer, sizeof buffer) != nullptr ? buffer : "?");
    } else if (function == "spin") {
      WaitForever();
    } else if (function == "exit") {
      std::fprintf(stderr, "test chaincode exiting mid-transaction\n");
      std::fflush(stderr);
      _exit(3);
    } else {
      response.set_status(500);
      response.set_message("unknown function '" + function + "'");
    }
    chaincode.Complete(*message, response);
  }
  return 0;
}
