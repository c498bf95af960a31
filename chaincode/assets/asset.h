// The asset of Fabric's asset-transfer-basic sample and its JSON form, byte
// for byte what the Go sample stores: keys in alphabetical order
// (AppraisedValue, Color, ID, Owner, Size), no spaces, Go's escaping of
// <, > and & inside strings.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/util/status.h"

namespace loom::samples {

struct Asset {
  int64_t appraised_value = 0;
  std::string color;
  std::string id;
  std::string owner;
  int64_t size = 0;
};

std::string AssetToJson(const Asset& asset);
// Missing keys keep their zero values, as Go's json.Unmarshal does.
// InvalidArgument when the text is not a JSON object or a field has the
// wrong type.
Result<Asset> AssetFromJson(const std::string& text);
// A JSON array of assets, as Go marshals []*Asset.
std::string AssetsToJson(const std::vector<Asset>& assets);

// Go's strconv.Atoi: optional sign, decimal digits, 64-bit range.
bool ParseGoInt(const std::string& text, int64_t* value);

}  // namespace loom::samples
