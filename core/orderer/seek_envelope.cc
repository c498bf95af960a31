#include "core/orderer/seek_envelope.h"

#include "core/protocol/envelope.h"

namespace loom::orderer {
namespace {

void SetPosition(SeekPoint point, ::orderer::SeekPosition* position) {
  switch (point.kind) {
    case SeekPoint::kOldest: position->mutable_oldest(); break;
    case SeekPoint::kNewest: position->mutable_newest(); break;
    case SeekPoint::kNumber: position->mutable_specified()->set_number(point.number); break;
  }
}

}  // namespace

::orderer::SeekInfo MakeSeekInfo(SeekPoint start, SeekPoint stop,
                                 ::orderer::SeekInfo::SeekBehavior behavior) {
  ::orderer::SeekInfo seek;
  SetPosition(start, seek.mutable_start());
  SetPosition(stop, seek.mutable_stop());
  seek.set_behavior(behavior);
  return seek;
}

Result<common::Envelope> CreateSeekEnvelope(std::string_view channel_id, const protocol::Signer& signer,
                                            const ::orderer::SeekInfo& seek) {
  return protocol::CreateSignedEnvelope(common::DELIVER_SEEK_INFO, channel_id, signer,
                                        seek.SerializeAsString());
}

}  // namespace loom::orderer
