// MspManager: the MSPs of a channel (or of a whole network), by MSP id.
// Deserializes any identity whose MSP it knows. Immutable after
// construction; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/msp/identity.h"
#include "core/msp/msp.h"
#include "core/util/status.h"

namespace loom::msp {

class MspManager {
 public:
  MspManager() = default;
  // InvalidArgument when two MSPs share an id or one is empty.
  static Result<MspManager> Create(std::vector<Msp> msps);

  // nullptr when no MSP has this id.
  const Msp* Find(std::string_view mspid) const;
  std::vector<std::string> MspIds() const;
  size_t size() const { return msps_.size(); }

  // Decodes a serialized identity and binds it to its MSP. NotFound naming
  // the unknown MSP id (and the known ones); InvalidArgument naming the MSP
  // when the bytes or the certificate are malformed. Does not validate.
  Result<Identity> DeserializeIdentity(std::string_view serialized) const;

 private:
  std::map<std::string, Msp, std::less<>> msps_;
};

}  // namespace loom::msp
