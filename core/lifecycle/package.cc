#include "core/lifecycle/package.h"

#include <nlohmann/json.hpp>

#include "core/channelconfig/duration.h"
#include "core/crypto/hash.h"
#include "core/lifecycle/gzip.h"

namespace loom::lifecycle {
namespace {

constexpr char kMetadataFile[] = "metadata.json";
constexpr char kCodeFile[] = "code.tar.gz";
constexpr char kConnectionFile[] = "connection.json";
constexpr char kNodeManifest[] = "package.json";
// Bounds for untrusted packages: metadata is tiny; code may be large.
constexpr uint64_t kMaxPackageBytes = 512ull << 20;
constexpr uint64_t kMaxMetadataBytes = 64 * 1024;

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// A string member of a JSON object: absent gives "", any other type is an error.
Result<std::string> StringMember(const nlohmann::json& object, const char* name, const std::string& where) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return std::string();
  if (!it->is_string()) return Status::InvalidArgument(where + ": field '" + name + "' must be a string");
  return it->get<std::string>();
}

Result<nlohmann::json> ParseJsonObject(std::string_view text, const std::string& where) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return Status::InvalidArgument(where + ": not valid JSON");
  if (!json.is_object()) return Status::InvalidArgument(where + ": expected a JSON object");
  return json;
}

Result<PackageMetadata> ParseMetadataJson(std::string_view text) {
  const std::string where = kMetadataFile;
  LOOM_ASSIGN_OR_RETURN(nlohmann::json json, ParseJsonObject(text, where));
  PackageMetadata metadata;
  LOOM_ASSIGN_OR_RETURN(std::string type, StringMember(json, "type", where));
  LOOM_ASSIGN_OR_RETURN(metadata.label, StringMember(json, "label", where));
  LOOM_ASSIGN_OR_RETURN(metadata.path, StringMember(json, "path", where));
  // Fabric 2.2's external builders call chaincode-as-a-service "external".
  std::string lower = AsciiLower(type);
  std::optional<PackageType> parsed = PackageTypeFromName(lower == "external" ? "ccaas" : lower);
  if (!parsed)
    return Status::InvalidArgument(where + ": field 'type' is '" + type +
                                   "'; Loom runs 'native', 'node' and 'ccaas' packages");
  metadata.type = *parsed;
  Status label = ValidatePackageLabel(metadata.label);
  if (!label.ok()) return label.WithContext(where);
  return metadata;
}

std::string WriteMetadataJson(const PackageMetadata& metadata) {
  nlohmann::ordered_json json;
  json["type"] = std::string(PackageTypeName(metadata.type));
  json["label"] = metadata.label;
  json["path"] = metadata.path;
  return json.dump();
}

const TarEntry* FindFile(const std::vector<TarEntry>& entries, std::string_view path) {
  for (const TarEntry& entry : entries)
    if (!entry.is_directory && entry.path == path) return &entry;
  return nullptr;
}

// The type's rules for PATH and the code (see package.h).
// Node packages get `metadata->path` set to the folder found.
Status CheckCode(PackageMetadata* metadata, const std::vector<TarEntry>& code,
                 std::optional<CcaasConnection>* connection) {
  const std::string where = kCodeFile;
  switch (metadata->type) {
    case PackageType::kNative: {
      Status path = ValidateArchivePath(metadata->path);
      if (!path.ok()) return path.WithContext("metadata.json: field 'path' (the executable)");
      if (!FindFile(code, metadata->path))
        return Status::InvalidArgument(where + ": holds no file '" + metadata->path +
                                       "' (metadata.json 'path' names the executable)");
      return Status::Ok();
    }
    case PackageType::kNode: {
      // The folder holding package.json: the metadata's path when it names
      // one inside the code, else src/ (where Fabric's node packager puts
      // the files, its path being the packager's local folder), else the root.
      auto has_manifest = [&code](const std::string& folder) {
        return FindFile(code, folder.empty() ? kNodeManifest : folder + "/" + kNodeManifest) != nullptr;
      };
      std::string folder = metadata->path;
      while (folder.starts_with("./")) folder.erase(0, 2);
      while (!folder.empty() && folder.back() == '/') folder.pop_back();
      if (folder == ".") folder.clear();
      bool usable = folder.empty() || ValidateArchivePath(folder).ok();
      if (usable && has_manifest(folder)) {
        metadata->path = folder;
      } else if (has_manifest("src")) {
        metadata->path = "src";
      } else if (has_manifest("")) {
        metadata->path = "";
      } else {
        return Status::InvalidArgument(where + ": holds no package.json in '" + metadata->path +
                                       "' (metadata.json 'path'), src/ or the root");
      }
      return Status::Ok();
    }
    case PackageType::kCcaas: {
      const TarEntry* file = FindFile(code, kConnectionFile);
      if (!file)
        return Status::InvalidArgument(where + ": a ccaas package needs connection.json at its root");
      Result<CcaasConnection> parsed = ParseConnectionJson(file->content);
      if (!parsed.ok()) return parsed.status().WithContext(where);
      *connection = std::move(*parsed);
      return Status::Ok();
    }
  }
  return Status::Internal("unknown package type");
}

}  // namespace

std::string_view PackageTypeName(PackageType type) {
  switch (type) {
    case PackageType::kNative: return "native";
    case PackageType::kNode: return "node";
    case PackageType::kCcaas: return "ccaas";
  }
  return "unknown";
}

std::optional<PackageType> PackageTypeFromName(std::string_view name) {
  if (name == "native") return PackageType::kNative;
  if (name == "node") return PackageType::kNode;
  if (name == "ccaas") return PackageType::kCcaas;
  return std::nullopt;
}

Status ValidatePackageLabel(std::string_view label) {
  // Fabric: ^[[:alnum:]][[:alnum:]_.+-]*$
  bool valid = !label.empty() && IsAsciiAlnum(label.front());
  for (char c : label) valid = valid && (IsAsciiAlnum(c) || c == '_' || c == '.' || c == '+' || c == '-');
  if (valid) return Status::Ok();
  if (label.empty()) return Status::InvalidArgument("field 'label': empty label");
  return Status::InvalidArgument("field 'label': '" + std::string(label.substr(0, 100)) +
                                 "' does not match ^[[:alnum:]][[:alnum:]_.+-]*$");
}

std::string PackageId(std::string_view label, std::string_view package_bytes) {
  return std::string(label) + ":" + crypto::HexEncode(crypto::Sha256(package_bytes));
}

Result<CcaasConnection> ParseConnectionJson(std::string_view text) {
  const std::string where = kConnectionFile;
  LOOM_ASSIGN_OR_RETURN(nlohmann::json json, ParseJsonObject(text, where));
  CcaasConnection connection;
  LOOM_ASSIGN_OR_RETURN(connection.address, StringMember(json, "address", where));
  if (connection.address.empty())
    return Status::InvalidArgument(where + ": field 'address' (host:port) is required");
  size_t colon = connection.address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == connection.address.size())
    return Status::InvalidArgument(where + ": field 'address' is '" + connection.address +
                                   "', expected host:port");
  LOOM_ASSIGN_OR_RETURN(std::string timeout, StringMember(json, "dial_timeout", where));
  if (!timeout.empty()) {
    Result<std::chrono::nanoseconds> parsed = channelconfig::ParseGoDuration(timeout);
    if (!parsed.ok() || parsed->count() <= 0)
      return Status::InvalidArgument(where + ": field 'dial_timeout' is '" + timeout +
                                     "', expected a positive Go duration such as \"10s\"");
    connection.dial_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*parsed);
  }
  if (auto it = json.find("tls_required"); it != json.end() && !it->is_null()) {
    if (!it->is_boolean())
      return Status::InvalidArgument(where + ": field 'tls_required' must be true or false");
    connection.tls_required = it->get<bool>();
  }
  LOOM_ASSIGN_OR_RETURN(connection.root_cert, StringMember(json, "root_cert", where));
  LOOM_ASSIGN_OR_RETURN(connection.client_key, StringMember(json, "client_key", where));
  LOOM_ASSIGN_OR_RETURN(connection.client_cert, StringMember(json, "client_cert", where));
  return connection;
}

std::string WriteConnectionJson(const CcaasConnection& connection) {
  nlohmann::ordered_json json;
  json["address"] = connection.address;
  json["dial_timeout"] = channelconfig::FormatGoDuration(connection.dial_timeout);
  json["tls_required"] = connection.tls_required;
  if (!connection.root_cert.empty()) json["root_cert"] = connection.root_cert;
  if (!connection.client_key.empty()) json["client_key"] = connection.client_key;
  if (!connection.client_cert.empty()) json["client_cert"] = connection.client_cert;
  return json.dump(2);
}

Result<std::string> BuildPackage(const PackageMetadata& metadata, const std::vector<TarEntry>& code) {
  LOOM_RETURN_IF_ERROR(ValidatePackageLabel(metadata.label).WithContext("package"));
  std::optional<CcaasConnection> connection;
  PackageMetadata checked = metadata;
  LOOM_RETURN_IF_ERROR(CheckCode(&checked, code, &connection));
  Result<std::string> code_tar = WriteTar(code);
  if (!code_tar.ok()) return code_tar.status().WithContext(kCodeFile);
  LOOM_ASSIGN_OR_RETURN(std::string code_gz, Gzip(*code_tar));
  LOOM_ASSIGN_OR_RETURN(std::string outer_tar, WriteTar({TarEntry{kMetadataFile, WriteMetadataJson(metadata)},
                                                         TarEntry{kCodeFile, std::move(code_gz)}}));
  return Gzip(outer_tar);
}

Result<ParsedPackage> ParsePackage(std::string_view package_bytes) {
  if (package_bytes.size() > kMaxPackageBytes)
    return Status::InvalidArgument("package: larger than " + std::to_string(kMaxPackageBytes) + " bytes");
  Result<std::string> outer_tar = Gunzip(package_bytes, kMaxPackageBytes);
  if (!outer_tar.ok()) return outer_tar.status().WithContext("package");
  Result<std::vector<TarEntry>> outer =
      ReadTar(*outer_tar, TarLimits{kMaxPackageBytes, kMaxPackageBytes, 16});
  if (!outer.ok()) return outer.status().WithContext("package");

  const TarEntry* metadata_file = nullptr;
  const TarEntry* code_file = nullptr;
  for (const TarEntry& entry : *outer) {
    if (entry.is_directory) continue;
    if (entry.path == kMetadataFile) {
      metadata_file = &entry;
    } else if (entry.path == kCodeFile) {
      code_file = &entry;
    } else {
      return Status::InvalidArgument("package: unexpected file '" + entry.path +
                                     "' (a package holds only metadata.json and code.tar.gz)");
    }
  }
  if (!metadata_file) return Status::InvalidArgument("package: no metadata.json");
  if (!code_file) return Status::InvalidArgument("package: no code.tar.gz");
  if (metadata_file->content.size() > kMaxMetadataBytes)
    return Status::InvalidArgument("package: metadata.json larger than " + std::to_string(kMaxMetadataBytes) +
                                   " bytes");

  ParsedPackage parsed;
  LOOM_ASSIGN_OR_RETURN(parsed.metadata, ParseMetadataJson(metadata_file->content));
  Result<std::string> code_tar = Gunzip(code_file->content, kMaxPackageBytes);
  if (!code_tar.ok()) return code_tar.status().WithContext(kCodeFile);
  Result<std::vector<TarEntry>> code =
      ReadTar(*code_tar, TarLimits{kMaxPackageBytes, kMaxPackageBytes, 100000});
  if (!code.ok()) return code.status().WithContext(kCodeFile);
  parsed.code = std::move(*code);
  LOOM_RETURN_IF_ERROR(CheckCode(&parsed.metadata, parsed.code, &parsed.connection));
  parsed.id = PackageId(parsed.metadata.label, package_bytes);
  return parsed;
}

}  // namespace loom::lifecycle
