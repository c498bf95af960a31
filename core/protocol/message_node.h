// Any protobuf message as a DecodedNode, field by field through reflection
// (set fields only, in field-number order). For messages the decoder knows
// only by type name, such as _lifecycle's per-function Args and Result.
#pragma once

#include <string>

#include <google/protobuf/message.h>

#include "core/protocol/decoded_node.h"

namespace loom::protocol {

// Strings become text, bytes text-or-hex, enums their value names, nested
// messages groups and repeated fields lists. Depth is bounded by protobuf's
// own parse recursion limit. Thread-safe for distinct messages.
DecodedNode MessageNode(std::string name, const google::protobuf::Message& message);

}  // namespace loom::protocol
