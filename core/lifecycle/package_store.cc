#include "core/lifecycle/package_store.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <system_error>

#include "core/lifecycle/package_files.h"
#include "core/util/file_util.h"

namespace loom::lifecycle {
namespace {

namespace fs = std::filesystem;

constexpr char kPackageSuffix[] = ".tar.gz";
constexpr char kRunFolder[] = "run";
constexpr char kChoicesFile[] = "choices.json";

std::string ChoiceKey(const std::string& channel, const std::string& chaincode, int64_t sequence) {
  return channel + '\x1f' + chaincode + '\x1f' + std::to_string(sequence);
}

// "label:hash" -> "label.hash", Fabric's file name stem for a package.
std::string FileStem(const std::string& package_id) {
  std::string stem = package_id;
  size_t colon = stem.rfind(':');
  if (colon != std::string::npos) stem[colon] = '.';
  return stem;
}

}  // namespace

Result<std::unique_ptr<PackageStore>> PackageStore::Open(const std::string& dir) {
  LOOM_RETURN_IF_ERROR(MakeDirectories(dir));
  std::unique_ptr<PackageStore> store(new PackageStore(dir));
  std::lock_guard<std::mutex> lock(store->mutex_);
  LOOM_RETURN_IF_ERROR(store->LoadLocked());
  return store;
}

Status PackageStore::LoadLocked() {
  std::error_code error;
  for (fs::directory_iterator it(dir_, error), end; !error && it != end; it.increment(error)) {
    std::string name = it->path().filename().string();
    if (!it->is_regular_file() || name.size() <= sizeof(kPackageSuffix) - 1 ||
        !name.ends_with(kPackageSuffix) || name.starts_with("."))
      continue;
    LOOM_ASSIGN_OR_RETURN(std::string bytes, ReadFile(it->path().string()));
    Result<ParsedPackage> parsed = ParsePackage(bytes);
    if (!parsed.ok()) return parsed.status().WithContext(it->path().string());
    installed_[parsed->id] = InstalledPackage{parsed->id, parsed->metadata.label, parsed->metadata};
  }
  if (error) return Status::IoError(dir_ + ": " + error.message());

  std::string choices_path = (fs::path(dir_) / kChoicesFile).string();
  Result<std::string> choices = ReadFile(choices_path);
  if (!choices.ok()) return choices.status().IsNotFound() ? Status::Ok() : choices.status();
  nlohmann::json json = nlohmann::json::parse(*choices, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_array())
    return Status::InvalidArgument(choices_path + ": expected a JSON array of choices");
  for (size_t i = 0; i < json.size(); ++i) {
    const nlohmann::json& choice = json[i];
    if (!choice.is_object() || !choice.value("channel", nlohmann::json()).is_string() ||
        !choice.value("chaincode", nlohmann::json()).is_string() ||
        !choice.value("sequence", nlohmann::json()).is_number_integer() ||
        !choice.value("package_id", nlohmann::json()).is_string())
      return Status::InvalidArgument(choices_path + ": entry " + std::to_string(i) +
                                     ": expected {channel, chaincode, sequence, package_id}");
    choices_[ChoiceKey(choice["channel"].get<std::string>(), choice["chaincode"].get<std::string>(),
                       choice["sequence"].get<int64_t>())] = choice["package_id"].get<std::string>();
  }
  return Status::Ok();
}

Status PackageStore::SaveChoicesLocked() const {
  nlohmann::ordered_json json = nlohmann::ordered_json::array();
  for (const auto& [key, package_id] : choices_) {
    size_t first = key.find('\x1f');
    size_t second = key.find('\x1f', first + 1);
    nlohmann::ordered_json choice;
    choice["channel"] = key.substr(0, first);
    choice["chaincode"] = key.substr(first + 1, second - first - 1);
    choice["sequence"] = std::stoll(key.substr(second + 1));
    choice["package_id"] = package_id;
    json.push_back(std::move(choice));
  }
  return WriteFileAtomically((fs::path(dir_) / kChoicesFile).string(), json.dump(2) + "\n");
}

std::string PackageStore::PackageFileLocked(const std::string& package_id) const {
  return (fs::path(dir_) / (FileStem(package_id) + kPackageSuffix)).string();
}

Result<std::string> PackageStore::Install(std::string_view package_bytes) {
  LOOM_ASSIGN_OR_RETURN(ParsedPackage parsed, ParsePackage(package_bytes));
  std::lock_guard<std::mutex> lock(mutex_);
  if (installed_.count(parsed.id)) return parsed.id;
  LOOM_RETURN_IF_ERROR(WriteFileAtomically(PackageFileLocked(parsed.id), std::string(package_bytes)));
  installed_[parsed.id] = InstalledPackage{parsed.id, parsed.metadata.label, parsed.metadata};
  return parsed.id;
}

std::vector<InstalledPackage> PackageStore::List() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<InstalledPackage> packages;
  for (const auto& [id, package] : installed_) packages.push_back(package);
  return packages;
}

Result<InstalledPackage> PackageStore::Find(const std::string& package_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = installed_.find(package_id);
  if (it == installed_.end())
    return Status::NotFound("chaincode package '" + package_id + "' is not installed");
  return it->second;
}

Result<std::string> PackageStore::PackageBytes(const std::string& package_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!installed_.count(package_id))
    return Status::NotFound("chaincode package '" + package_id + "' is not installed");
  return ReadFile(PackageFileLocked(package_id));
}

Result<LaunchSpec> PackageStore::Launch(const std::string& package_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = installed_.find(package_id);
  if (it == installed_.end())
    return Status::NotFound("chaincode package '" + package_id + "' is not installed");
  const PackageMetadata& metadata = it->second.metadata;
  fs::path root = fs::absolute(fs::path(dir_) / kRunFolder / FileStem(package_id));

  std::error_code error;
  if (!fs::exists(root, error)) {
    LOOM_ASSIGN_OR_RETURN(std::string bytes, ReadFile(PackageFileLocked(package_id)));
    LOOM_ASSIGN_OR_RETURN(ParsedPackage parsed, ParsePackage(bytes));
    // Extract beside the final folder, then rename: a crash never leaves a
    // half-extracted folder under the final name.
    fs::path staging = root.parent_path() / ("." + root.filename().string() + ".partial");
    fs::remove_all(staging, error);
    fs::create_directories(staging, error);
    if (error) return Status::IoError(staging.string() + ": " + error.message());
    // The native executable runs whatever mode the archive gave it.
    if (metadata.type == PackageType::kNative)
      for (TarEntry& entry : parsed.code)
        if (entry.path == metadata.path) entry.mode |= 0755;
    Status written = ExtractCode(parsed.code, staging.string());
    if (!written.ok()) {
      fs::remove_all(staging, error);
      return written.WithContext("extracting " + package_id);
    }
    fs::rename(staging, root, error);
    if (error) return Status::IoError("extracting " + package_id + ": " + error.message());
  }

  LaunchSpec spec;
  spec.type = metadata.type;
  spec.chaincode_id = package_id;
  switch (metadata.type) {
    case PackageType::kNative: spec.executable = (root / metadata.path).lexically_normal().string(); break;
    case PackageType::kNode:
      spec.package_dir = (metadata.path.empty() || metadata.path == "." ? root : root / metadata.path)
                             .lexically_normal()
                             .string();
      while (spec.package_dir.size() > 1 && spec.package_dir.back() == '/') spec.package_dir.pop_back();
      break;
    case PackageType::kCcaas: {
      LOOM_ASSIGN_OR_RETURN(std::string json, ReadFile((root / "connection.json").string()));
      LOOM_ASSIGN_OR_RETURN(CcaasConnection connection, ParseConnectionJson(json));
      spec.connection = std::move(connection);
      break;
    }
  }
  return spec;
}

Status PackageStore::RecordChoice(const std::string& channel, const std::string& chaincode, int64_t sequence,
                                  const std::string& package_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!installed_.count(package_id))
    return Status::NotFound("chaincode package '" + package_id + "' is not installed");
  std::string key = ChoiceKey(channel, chaincode, sequence);
  auto it = choices_.find(key);
  if (it != choices_.end() && it->second == package_id) return Status::Ok();
  std::string previous = it == choices_.end() ? std::string() : it->second;
  choices_[key] = package_id;
  Status saved = SaveChoicesLocked();
  if (!saved.ok()) {
    if (previous.empty()) {
      choices_.erase(key);
    } else {
      choices_[key] = previous;
    }
  }
  return saved;
}

Result<std::string> PackageStore::PackageFor(const std::string& channel, const std::string& chaincode,
                                             int64_t sequence) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto chosen = choices_.find(ChoiceKey(channel, chaincode, sequence));
  if (chosen == choices_.end())
    return Status::NotFound("this peer's org approved no package for chaincode '" + chaincode +
                            "' sequence " + std::to_string(sequence) + " on channel '" + channel +
                            "' (approve the definition with the id of a package installed here)");
  if (!installed_.count(chosen->second))
    return Status::NotFound("chaincode '" + chaincode + "' sequence " + std::to_string(sequence) +
                            " on channel '" + channel + "': the approved package '" + chosen->second +
                            "' is not installed");
  return chosen->second;
}

}  // namespace loom::lifecycle
