// "Did you mean ...?" for misspelled field names, enum values and names.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace loom::config {

// Edit distance counting insertions, deletions, substitutions and swaps of
// adjacent characters, ignoring ASCII case.
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if it is close enough to be a likely typo
// (1 edit for words of up to 3 characters, 2 up to 8, 3 beyond); the first
// such candidate wins ties.
std::optional<std::string> ClosestMatch(std::string_view word, const std::vector<std::string>& candidates);

// "; did you mean 'x'?" or "".
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace loom::config
