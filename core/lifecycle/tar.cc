#include "core/lifecycle/tar.h"

#include <cstring>
#include <set>

namespace loom::lifecycle {
namespace {

constexpr size_t kBlock = 512;
constexpr size_t kNameOffset = 0, kNameSize = 100;
constexpr size_t kModeOffset = 100, kModeSize = 8;
constexpr size_t kUidOffset = 108, kGidOffset = 116, kIdSize = 8;
constexpr size_t kSizeOffset = 124, kSizeSize = 12;
constexpr size_t kMtimeOffset = 136, kMtimeSize = 12;
constexpr size_t kChecksumOffset = 148, kChecksumSize = 8;
constexpr size_t kTypeOffset = 156;
constexpr size_t kMagicOffset = 257;
constexpr size_t kVersionOffset = 263;
constexpr size_t kPrefixOffset = 345, kPrefixSize = 155;

// Printable form of a path from an untrusted archive, for error messages.
std::string Printable(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 200)) {
    unsigned char byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;
    }
  }
  if (text.size() > 200) out += "...";
  return out;
}

// A NUL-terminated (or full-width) text field.
std::string_view TextField(const char* header, size_t offset, size_t size) {
  std::string_view field(header + offset, size);
  size_t nul = field.find('\0');
  return nul == std::string_view::npos ? field : field.substr(0, nul);
}

// An octal number field: optional leading spaces, digits, then NUL or
// spaces. Base-256 (GNU) numbers are refused.
Result<uint64_t> OctalField(const char* header, size_t offset, size_t size, const char* what) {
  std::string_view field(header + offset, size);
  size_t i = 0;
  while (i < field.size() && field[i] == ' ') ++i;
  uint64_t value = 0;
  for (; i < field.size() && field[i] >= '0' && field[i] <= '7'; ++i) {
    if (value > (UINT64_MAX >> 3)) return Status::InvalidArgument(std::string(what) + " field overflows");
    value = (value << 3) | static_cast<uint64_t>(field[i] - '0');
  }
  for (; i < field.size(); ++i)
    if (field[i] != '\0' && field[i] != ' ')
      return Status::InvalidArgument(std::string(what) + " field is not an octal number");
  return value;
}

bool IsZeroBlock(const char* block) {
  for (size_t i = 0; i < kBlock; ++i)
    if (block[i] != 0) return false;
  return true;
}

// Normalizes an archive path: drops empty and "." components; refuses the
// rest of ValidateArchivePath's cases. An empty result means "the root".
Result<std::string> NormalizePath(std::string_view path) {
  if (path.empty()) return Status::InvalidArgument("empty path");
  if (path.front() == '/') return Status::InvalidArgument("absolute path");
  if (path.find('\0') != std::string_view::npos) return Status::InvalidArgument("path contains NUL");
  if (path.find('\\') != std::string_view::npos) return Status::InvalidArgument("path contains a backslash");
  std::string normalized;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view part = path.substr(start, slash - start);
    start = slash + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") return Status::InvalidArgument("path has a '..' component");
    if (!normalized.empty()) normalized += '/';
    normalized += part;
  }
  return normalized;
}

void PutOctal(char* header, size_t offset, size_t size, uint64_t value) {
  // size-1 octal digits, zero-padded, then NUL.
  for (size_t i = size - 1; i-- > 0;) {
    header[offset + i] = static_cast<char>('0' + (value & 7));
    value >>= 3;
  }
  header[offset + size - 1] = '\0';
}

uint64_t UnsignedChecksum(const char* header) {
  uint64_t sum = 0;
  for (size_t i = 0; i < kBlock; ++i) {
    bool in_field = i >= kChecksumOffset && i < kChecksumOffset + kChecksumSize;
    sum += in_field ? ' ' : static_cast<unsigned char>(header[i]);
  }
  return sum;
}

int64_t SignedChecksum(const char* header) {
  int64_t sum = 0;
  for (size_t i = 0; i < kBlock; ++i) {
    bool in_field = i >= kChecksumOffset && i < kChecksumOffset + kChecksumSize;
    sum += in_field ? ' ' : static_cast<signed char>(header[i]);
  }
  return sum;
}

}  // namespace

Status ValidateArchivePath(std::string_view path) {
  Result<std::string> normalized = NormalizePath(path);
  if (!normalized.ok()) return normalized.status();
  if (normalized->empty()) return Status::InvalidArgument("path names the archive root");
  return Status::Ok();
}

Result<std::vector<TarEntry>> ReadTar(std::string_view bytes, const TarLimits& limits) {
  std::vector<TarEntry> entries;
  std::set<std::string> file_paths;
  uint64_t total = 0;
  size_t offset = 0;
  size_t index = 0;
  while (offset < bytes.size()) {
    std::string where = "entry " + std::to_string(index);
    if (bytes.size() - offset < kBlock)
      return Status::InvalidArgument(where + ": truncated header (" + std::to_string(bytes.size() - offset) +
                                     " bytes)");
    const char* header = bytes.data() + offset;
    if (IsZeroBlock(header)) break;  // end of archive (the second zero block is not required)

    Result<uint64_t> checksum = OctalField(header, kChecksumOffset, kChecksumSize, "checksum");
    if (!checksum.ok() ||
        (*checksum != UnsignedChecksum(header) && static_cast<int64_t>(*checksum) != SignedChecksum(header)))
      return Status::InvalidArgument(where + ": header checksum mismatch (not a tar archive, or corrupt)");

    std::string name(TextField(header, kNameOffset, kNameSize));
    std::string_view magic(header + kMagicOffset, 5);
    if (magic == "ustar") {
      std::string prefix(TextField(header, kPrefixOffset, kPrefixSize));
      if (!prefix.empty()) name = prefix + "/" + name;
    }
    where += " '" + Printable(name) + "'";

    LOOM_ASSIGN_OR_RETURN(uint64_t size, [&]() -> Result<uint64_t> {
      Result<uint64_t> parsed = OctalField(header, kSizeOffset, kSizeSize, "size");
      if (!parsed.ok()) return parsed.status().WithContext(where);
      return parsed;
    }());
    Result<uint64_t> mode = OctalField(header, kModeOffset, kModeSize, "mode");
    if (!mode.ok()) return mode.status().WithContext(where);

    char type = header[kTypeOffset];
    bool is_directory = type == '5';
    if (type != '0' && type != '\0' && !is_directory) {
      const char* kind = type == '1'                    ? "a hard link"
                         : type == '2'                  ? "a symbolic link"
                         : (type == '3' || type == '4') ? "a device"
                         : type == '6'                  ? "a FIFO"
                         : (type == 'x' || type == 'g' || type == 'L' || type == 'K')
                             ? "an extended (PAX/GNU) header, which is not supported"
                             : "of an unsupported type";
      return Status::InvalidArgument(where + ": entry is " + std::string(kind) + " (type '" +
                                     Printable(std::string_view(&type, 1)) +
                                     "'); only files and folders are allowed");
    }
    if (is_directory && size != 0) return Status::InvalidArgument(where + ": a folder with content");
    if (size > limits.max_entry_bytes)
      return Status::InvalidArgument(where + ": " + std::to_string(size) + " bytes exceeds the limit of " +
                                     std::to_string(limits.max_entry_bytes));
    total += size;
    if (total > limits.max_total_bytes)
      return Status::InvalidArgument(where + ": archive content exceeds the limit of " +
                                     std::to_string(limits.max_total_bytes) + " bytes");
    if (entries.size() >= limits.max_entries)
      return Status::InvalidArgument(where + ": more than " + std::to_string(limits.max_entries) +
                                     " entries");

    Result<std::string> path = NormalizePath(name);
    if (!path.ok()) return path.status().WithContext(where);
    uint64_t padded = (size + kBlock - 1) / kBlock * kBlock;
    if (bytes.size() - offset - kBlock < size)
      return Status::InvalidArgument(where + ": truncated content (" + std::to_string(size) +
                                     " bytes declared)");
    std::string content(bytes.substr(offset + kBlock, size));
    offset += kBlock + std::min<uint64_t>(padded, bytes.size() - offset - kBlock);
    ++index;

    if (path->empty()) {
      if (is_directory) continue;  // "./": the root itself
      return Status::InvalidArgument(where + ": a file named like the archive root");
    }
    if (!is_directory && !file_paths.insert(*path).second)
      return Status::InvalidArgument(where + ": the same file appears twice");
    entries.push_back(
        TarEntry{std::move(*path), std::move(content), static_cast<uint32_t>(*mode & 07777), is_directory});
  }
  return entries;
}

Result<std::string> WriteTar(const std::vector<TarEntry>& entries) {
  std::string out;
  for (size_t i = 0; i < entries.size(); ++i) {
    const TarEntry& entry = entries[i];
    std::string where = "entry " + std::to_string(i) + " '" + Printable(entry.path) + "'";
    Result<std::string> path = NormalizePath(entry.path);
    if (!path.ok()) return path.status().WithContext(where);
    if (path->empty()) return Status::InvalidArgument(where + ": path names the archive root");
    std::string name = *path + (entry.is_directory ? "/" : "");
    std::string prefix;
    if (name.size() > kNameSize) {
      // Split at the first '/' that leaves at most 100 bytes for the name
      // field (never at a folder's trailing '/'); the prefix must fit 155.
      size_t search_from = name.size() > kNameSize + 1 ? name.size() - kNameSize - 1 : 0;
      size_t split = std::string_view(name).substr(0, name.size() - 1).find('/', search_from);
      if (split == std::string::npos || split == 0 || split > kPrefixSize)
        return Status::InvalidArgument(where + ": path too long for a ustar header");
      prefix = name.substr(0, split);
      name = name.substr(split + 1);
    }
    char header[kBlock] = {};
    std::memcpy(header + kNameOffset, name.data(), name.size());
    PutOctal(header, kModeOffset, kModeSize, entry.mode & 07777);
    PutOctal(header, kUidOffset, kIdSize, 0);
    PutOctal(header, kGidOffset, kIdSize, 0);
    PutOctal(header, kSizeOffset, kSizeSize, entry.is_directory ? 0 : entry.content.size());
    PutOctal(header, kMtimeOffset, kMtimeSize, 0);
    header[kTypeOffset] = entry.is_directory ? '5' : '0';
    std::memcpy(header + kMagicOffset, "ustar", 6);
    std::memcpy(header + kVersionOffset, "00", 2);
    std::memcpy(header + kPrefixOffset, prefix.data(), prefix.size());
    // Checksum: six octal digits, NUL, space.
    uint64_t sum = UnsignedChecksum(header);
    PutOctal(header, kChecksumOffset, 7, sum);
    header[kChecksumOffset + 7] = ' ';
    out.append(header, kBlock);
    if (!entry.is_directory) {
      out += entry.content;
      out.append((kBlock - entry.content.size() % kBlock) % kBlock, '\0');
    }
  }
  out.append(2 * kBlock, '\0');
  return out;
}

}  // namespace loom::lifecycle
