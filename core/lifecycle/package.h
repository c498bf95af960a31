// Chaincode packages in Fabric's format (peer lifecycle chaincode package):
// a .tar.gz holding exactly
//   metadata.json  {"type": TYPE, "label": LABEL, "path": PATH}
//   code.tar.gz    the chaincode's files
// The package id is "LABEL:" + hex SHA-256 of the package bytes.
//
// Types Loom runs:
//   native  code holds an executable; PATH names it (relative to the code
//           root) — the chaincode process is started from it;
//   node    code holds a Node.js package: the folder holding package.json
//           is PATH when it names one in the code, else src/ (Fabric's node
//           packager puts the files there and writes its local folder as
//           PATH), else the root; ParsePackage sets metadata.path to it;
//   ccaas   chaincode as a service: code holds Fabric's connection.json
//           {"address": "host:port", "dial_timeout": "10s",
//            "tls_required": false} at its root; PATH is ignored. Fabric
//           2.2's type name "external" is read as ccaas.
// Type names are read case-insensitively (Fabric writes "CCAAS" too).
// Labels follow Fabric: ^[[:alnum:]][[:alnum:]_.+-]*$.
//
// ParsePackage checks everything above and refuses anything else with
// InvalidArgument naming the part ("package: not gzip", "metadata.json:
// field 'label' ...", "code.tar.gz: entry 3 'x/../y': ..."). Packages are
// untrusted: sizes are bounded (see tar.h, gzip.h).
// Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/lifecycle/tar.h"
#include "core/util/status.h"

namespace loom::lifecycle {

enum class PackageType { kNative, kNode, kCcaas };

// "native", "node", "ccaas".
std::string_view PackageTypeName(PackageType type);
std::optional<PackageType> PackageTypeFromName(std::string_view name);

struct PackageMetadata {
  PackageType type = PackageType::kNative;
  std::string label;
  std::string path;
};

// Fabric's connection.json for ccaas packages.
struct CcaasConnection {
  std::string address;                             // "host:port"
  std::chrono::milliseconds dial_timeout{10'000};  // "dial_timeout" (Go duration text); 10 s when absent
  bool tls_required = false;
  std::string root_cert;    // "root_cert" (PEM), optional
  std::string client_key;   // "client_key" (PEM), optional
  std::string client_cert;  // "client_cert" (PEM), optional
};

struct ParsedPackage {
  std::string id;  // "LABEL:hex"
  PackageMetadata metadata;
  std::vector<TarEntry> code;                 // the files of code.tar.gz
  std::optional<CcaasConnection> connection;  // ccaas packages
};

// Bytes of a package with `code` as its code; InvalidArgument for a bad
// label, a path that the type's rules refuse (e.g. a native PATH that is not
// among the files) or a bad file path.
Result<std::string> BuildPackage(const PackageMetadata& metadata, const std::vector<TarEntry>& code);

Result<ParsedPackage> ParsePackage(std::string_view package_bytes);

// "LABEL:" + hex SHA-256(package_bytes).
std::string PackageId(std::string_view label, std::string_view package_bytes);

Status ValidatePackageLabel(std::string_view label);

Result<CcaasConnection> ParseConnectionJson(std::string_view json);
std::string WriteConnectionJson(const CcaasConnection& connection);

}  // namespace loom::lifecycle
