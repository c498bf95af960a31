// Runs a fuzz target over every file of the given folders (or files), the way
// libFuzzer replays a corpus; used when the target is not built with
// libFuzzer, so every seed stays a regression test.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

void RunOne(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

}  // namespace

int main(int argc, char** argv) {
  size_t count = 0;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path arg(argv[i]);
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_directory(arg)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(arg)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
    } else if (std::filesystem::exists(arg)) {
      files.push_back(arg);
    } else {
      std::fprintf(stderr, "corpus_runner: %s: no such file or folder\n", argv[i]);
      return 2;
    }
    for (const auto& file : files) {
      RunOne(file);
      ++count;
    }
  }
  if (count == 0) {
    std::fprintf(stderr, "corpus_runner: no seed inputs found\n");
    return 2;
  }
  std::printf("corpus_runner: %zu inputs ran without a crash\n", count);
  return 0;
}
