// The tx id of a marshalled common.Envelope, read straight off the wire
// (Envelope.payload -> Payload.header -> Header.channel_header ->
// ChannelHeader.tx_id) without parsing or copying the ~3 KB envelope: the
// Raft loop and the block writer need only the id of envelopes Broadcast
// already checked. Follows protobuf's rules for repeated occurrences (the
// last bytes field wins; message fields merge), so for bytes protobuf
// parses it gives the id protobuf would (an absent one as nullopt). nullopt
// when the bytes are not well-formed along that path or the id is not valid
// UTF-8; bytes protobuf refuses for reasons off the path (a bad timestamp)
// may still give an id.
#pragma once

#include <optional>
#include <string_view>

namespace loom::orderer {

std::optional<std::string_view> EnvelopeTxId(std::string_view envelope);

}  // namespace loom::orderer
