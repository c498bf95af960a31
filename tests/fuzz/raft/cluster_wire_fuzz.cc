// The cluster port reads preambles and forward frames from anyone who
// connects: arbitrary bytes, split anywhere, must never crash, read out of
// bounds or make the readers consume bytes past the preamble.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/raft/wire.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  size_t step = 1 + data[0] % 64;  // how the stream is split into reads
  const char* bytes = reinterpret_cast<const char*>(data + 1);
  size_t length = size - 1;

  loom::raft::PreambleReader preamble;
  size_t offset = 0;
  while (!preamble.complete() && offset < length) {
    size_t wanted = preamble.bytes_wanted();
    if (wanted == 0 || wanted > loom::raft::kMaxPreambleBytes) std::abort();
    size_t n = std::min({step, wanted, length - offset});
    std::copy_n(bytes + offset, n, preamble.write_position());
    offset += n;
    if (!preamble.Consume(n).ok()) return 0;
  }
  if (!preamble.complete()) return 0;

  // The rest as forward frames, both directions.
  loom::raft::FrameReader requests(loom::raft::kForwardRequestHeaderBytes, 4096);
  loom::raft::FrameReader responses(loom::raft::kForwardResponseHeaderBytes, 4096);
  std::string body;
  bool requests_ok = true;
  bool responses_ok = true;
  for (; offset < length; offset += step) {
    size_t n = std::min(step, length - offset);
    requests.Append(bytes + offset, n);
    responses.Append(bytes + offset, n);
    while (requests_ok) {
      auto next = requests.Next(&body);
      if (!next.ok()) requests_ok = false;
      if (!next.ok() || !*next) break;
      if (body.size() < loom::raft::kForwardRequestHeaderBytes) std::abort();
      (void)loom::raft::DecodeForwardRequest(body);
    }
    while (responses_ok) {
      auto next = responses.Next(&body);
      if (!next.ok()) responses_ok = false;
      if (!next.ok() || !*next) break;
      if (body.size() < loom::raft::kForwardResponseHeaderBytes) std::abort();
      (void)loom::raft::DecodeForwardResponse(body);
    }
  }
  return 0;
}
