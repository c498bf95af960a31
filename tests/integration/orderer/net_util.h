// Small network helpers for the orderer integration tests.
#pragma once

#include <cstdint>
#include <string>

namespace loom::testing {

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0 and
// released), for configs that must name their ports before the process
// starts (a Raft genesis block lists every consenter's address).
uint16_t PickFreePort();

// GET `path` from the HTTP server at `address` ("host:port"); the whole
// response, or "" on failure. Each read waits at most 10 s.
std::string HttpGet(const std::string& address, const std::string& path);

}  // namespace loom::testing
