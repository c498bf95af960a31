#include "chaincode/assets/asset.h"

#include <charconv>

#include <nlohmann/json.hpp>

namespace loom::samples {
namespace {

using nlohmann::json;

json AssetObject(const Asset& asset) {
  // nlohmann's object keeps keys sorted, which is the sample's field order.
  return json{{"AppraisedValue", asset.appraised_value},
              {"Color", asset.color},
              {"ID", asset.id},
              {"Owner", asset.owner},
              {"Size", asset.size}};
}

// Go's encoding/json escapes <, > and & (and U+2028/U+2029) inside strings;
// they can only occur inside strings in serialized JSON, so replacing them in
// the text is safe. Invalid UTF-8 becomes U+FFFD, as in Go.
std::string GoMarshal(const json& value) {
  const std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xE2' && i + 2 < text.size() && text[i + 1] == '\x80' &&
               (text[i + 2] == '\xA8' || text[i + 2] == '\xA9')) {
      out += text[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

Status ReadString(const json& object, const char* key, std::string* out) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return Status::Ok();
  if (!it->is_string())
    return Status::InvalidArgument(std::string("asset JSON: \"") + key + "\" is not a string");
  *out = it->get<std::string>();
  return Status::Ok();
}

Status ReadInt(const json& object, const char* key, int64_t* out) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return Status::Ok();
  if (!it->is_number_integer()) {
    return Status::InvalidArgument(std::string("asset JSON: \"") + key + "\" is not an integer");
  }
  *out = it->get<int64_t>();
  return Status::Ok();
}

}  // namespace

std::string AssetToJson(const Asset& asset) {
  return GoMarshal(AssetObject(asset));
}

std::string AssetsToJson(const std::vector<Asset>& assets) {
  json array = json::array();
  for (const Asset& asset : assets) array.push_back(AssetObject(asset));
  return GoMarshal(array);
}

Result<Asset> AssetFromJson(const std::string& text) {
  json object = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded() || !object.is_object()) {
    return Status::InvalidArgument("asset JSON: not a JSON object: " + text.substr(0, 80));
  }
  Asset asset;
  LOOM_RETURN_IF_ERROR(ReadInt(object, "AppraisedValue", &asset.appraised_value));
  LOOM_RETURN_IF_ERROR(ReadString(object, "Color", &asset.color));
  LOOM_RETURN_IF_ERROR(ReadString(object, "ID", &asset.id));
  LOOM_RETURN_IF_ERROR(ReadString(object, "Owner", &asset.owner));
  LOOM_RETURN_IF_ERROR(ReadInt(object, "Size", &asset.size));
  return asset;
}

bool ParseGoInt(const std::string& text, int64_t* value) {
  const char* begin = text.data();
  const char* end = begin + text.size();
  const bool plus = begin != end && *begin == '+';  // from_chars takes '-' but not '+'
  if (plus) ++begin;
  if (begin == end || (plus && *begin == '-')) return false;
  auto [stop, error] = std::from_chars(begin, end, *value);
  return error == std::errc() && stop == end;
}

}  // namespace loom::samples
