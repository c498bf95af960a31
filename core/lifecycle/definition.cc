#include "core/lifecycle/definition.h"

#include <google/protobuf/util/message_differencer.h>

namespace loom::lifecycle {
namespace {

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

std::string Quoted(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[(static_cast<unsigned char>(c) >> 4) & 0xf];
      out += kHex[static_cast<unsigned char>(c) & 0xf];
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace

bool ChaincodeDefinition::operator==(const ChaincodeDefinition& other) const {
  return name == other.name && sequence == other.sequence && version == other.version &&
         endorsement_plugin == other.endorsement_plugin && validation_plugin == other.validation_plugin &&
         validation_parameter == other.validation_parameter && init_required == other.init_required &&
         google::protobuf::util::MessageDifferencer::Equals(collections, other.collections);
}

Status ValidateChaincodeName(std::string_view name) {
  // ^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$: alnum runs joined by single - or _.
  bool valid = !name.empty() && IsAsciiAlnum(name.front()) && IsAsciiAlnum(name.back());
  for (size_t i = 0; valid && i < name.size(); ++i) {
    char c = name[i];
    if (IsAsciiAlnum(c)) continue;
    valid = (c == '-' || c == '_') && IsAsciiAlnum(name[i + 1]);
  }
  if (valid) return Status::Ok();
  if (name.empty()) return Status::InvalidArgument("name: empty chaincode name");
  return Status::InvalidArgument("name: invalid chaincode name " + Quoted(name) +
                                 ": must match ^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$");
}

Status ValidateChaincodeVersion(std::string_view version) {
  if (version.empty()) return Status::InvalidArgument("version: empty chaincode version");
  for (char c : version) {
    if (IsAsciiAlnum(c) || c == '_' || c == '.' || c == '+' || c == '-') continue;
    return Status::InvalidArgument("version: invalid chaincode version " + Quoted(version) +
                                   ": must match ^[A-Za-z0-9_.+-]+$");
  }
  return Status::Ok();
}

std::string DefinitionMetadataKey(std::string_view name) {
  return "namespaces/metadata/" + std::string(name);
}

std::string DefinitionFieldKey(std::string_view name, std::string_view field) {
  return "namespaces/fields/" + std::string(name) + "/" + std::string(field);
}

std::string DefinitionMetadataRangeStart() {
  return "namespaces/metadata/";
}
// '0' follows '/' in byte order, so this bounds every "namespaces/metadata/..." key.
std::string DefinitionMetadataRangeEnd() {
  return "namespaces/metadata0";
}

}  // namespace loom::lifecycle
