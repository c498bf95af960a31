// The YAML spelling of every scenario enum, in one table per enum, shared by
// the parser (text -> value), the writer and ToString (value -> text).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/config/scenario.h"

namespace loom::config {

inline constexpr std::array<std::pair<OrdererType, std::string_view>, 2> kOrdererTypeNames{{
    {OrdererType::kSolo, "solo"},
    {OrdererType::kRaft, "raft"},
}};
inline constexpr std::array<std::pair<ChaincodeType, std::string_view>, 3> kChaincodeTypeNames{{
    {ChaincodeType::kNative, "native"},
    {ChaincodeType::kNode, "node"},
    {ChaincodeType::kCcaas, "ccaas"},
}};
inline constexpr std::array<std::pair<LoadMode, std::string_view>, 2> kLoadModeNames{{
    {LoadMode::kOpen, "open"},
    {LoadMode::kClosed, "closed"},
}};
inline constexpr std::array<std::pair<KeyDistribution, std::string_view>, 3> kKeyDistributionNames{{
    {KeyDistribution::kUniform, "uniform"},
    {KeyDistribution::kZipf, "zipf"},
    {KeyDistribution::kHotset, "hotset"},
}};
inline constexpr std::array<std::pair<FaultAction, std::string_view>, 7> kFaultActionNames{{
    {FaultAction::kKill, "kill"},
    {FaultAction::kPause, "pause"},
    {FaultAction::kResume, "resume"},
    {FaultAction::kRestart, "restart"},
    {FaultAction::kPartition, "partition"},
    {FaultAction::kHeal, "heal"},
    {FaultAction::kSetRate, "set_rate"},
}};

template <typename Enum, size_t N>
std::string_view EnumName(const std::array<std::pair<Enum, std::string_view>, N>& table, Enum value) {
  for (const auto& [candidate, name] : table) {
    if (candidate == value) return name;
  }
  return "?";
}

template <typename Enum, size_t N>
std::optional<Enum> EnumFromName(const std::array<std::pair<Enum, std::string_view>, N>& table,
                                 std::string_view name) {
  for (const auto& [value, candidate] : table) {
    if (candidate == name) return value;
  }
  return std::nullopt;
}

// "solo or raft", "kill, pause, resume, restart, partition, heal or set_rate".
template <typename Enum, size_t N>
std::string EnumChoices(const std::array<std::pair<Enum, std::string_view>, N>& table) {
  std::string text;
  for (size_t i = 0; i < N; ++i) {
    if (i > 0) text += (i + 1 == N) ? " or " : ", ";
    text += table[i].second;
  }
  return text;
}

}  // namespace loom::config
