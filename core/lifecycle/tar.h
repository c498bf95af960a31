// A small ustar reader and writer for chaincode packages, which come from
// untrusted hands (peer lifecycle chaincode install).
//
// ReadTar accepts regular files and directories only, and refuses (with
// InvalidArgument naming the entry index and path):
// - a truncated header or body, a header whose checksum does not match,
//   a size field that is not octal;
// - absolute paths, paths with a ".." component or a NUL, empty paths;
// - links (hard and symbolic), devices, FIFOs and any other type;
// - an entry larger than limits.max_entry_bytes, a total larger than
//   limits.max_total_bytes, more than limits.max_entries entries;
// - the same file path twice.
// GNU/PAX long names are not supported (refused as an unknown type); names
// up to 255 bytes use ustar's prefix field. The archive ends at two zero
// blocks or at the end of the input.
//
// WriteTar writes POSIX ustar with mode, mtime 0 and uid/gid 0, so the same
// files always give the same bytes. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/status.h"

namespace loom::lifecycle {

struct TarEntry {
  std::string path;  // relative, '/'-separated, no trailing '/'
  std::string content;
  uint32_t mode = 0644;
  bool is_directory = false;
};

struct TarLimits {
  uint64_t max_entry_bytes = 256ull << 20;
  uint64_t max_total_bytes = 512ull << 20;
  size_t max_entries = 100000;
};

Result<std::vector<TarEntry>> ReadTar(std::string_view bytes, const TarLimits& limits = {});

// InvalidArgument for a path ReadTar would refuse or one longer than ustar
// can hold.
Result<std::string> WriteTar(const std::vector<TarEntry>& entries);

// The path checks ReadTar applies, for other callers.
Status ValidateArchivePath(std::string_view path);

}  // namespace loom::lifecycle
