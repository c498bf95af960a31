// Fuzz target for the chaincode package reader (untrusted bytes from
// InstallChaincode): ParsePackage on the input, ReadTar on the input and on
// its gunzipped form. Invariants: nothing crashes or hangs; an accepted
// package's id is "<label>:" + 64 hex digits and every code path is a safe
// relative path; an accepted tar written back reads back the same entries.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/lifecycle/gzip.h"
#include "core/lifecycle/package.h"
#include "core/lifecycle/tar.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

void CheckTarRoundTrip(std::string_view bytes) {
  loom::lifecycle::TarLimits limits{1 << 20, 4 << 20, 1000};
  auto entries = loom::lifecycle::ReadTar(bytes, limits);
  if (!entries.ok()) return;
  for (const auto& entry : *entries) Check(loom::lifecycle::ValidateArchivePath(entry.path).ok());
  auto written = loom::lifecycle::WriteTar(*entries);
  if (!written.ok()) return;  // e.g. a path ustar cannot split the writer's way
  auto again = loom::lifecycle::ReadTar(*written, limits);
  Check(again.ok() && again->size() == entries->size());
  for (size_t i = 0; i < entries->size(); ++i) {
    Check((*again)[i].path == (*entries)[i].path);
    Check((*again)[i].content == (*entries)[i].content);
    Check((*again)[i].is_directory == (*entries)[i].is_directory);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto package = loom::lifecycle::ParsePackage(bytes);
  if (package.ok()) {
    const std::string& label = package->metadata.label;
    Check(package->id.size() == label.size() + 65 && package->id.compare(0, label.size(), label) == 0 &&
          package->id[label.size()] == ':');
    Check(loom::lifecycle::ValidatePackageLabel(label).ok());
    for (const auto& entry : package->code) Check(loom::lifecycle::ValidateArchivePath(entry.path).ok());
  }
  CheckTarRoundTrip(bytes);
  auto inflated = loom::lifecycle::Gunzip(bytes, 4 << 20);
  if (inflated.ok()) CheckTarRoundTrip(*inflated);
  return 0;
}
