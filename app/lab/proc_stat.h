// Parsing of /proc/<pid>/stat, shared by the process records and samples of
// process.h. Internal to loom_lab (tests include it to pin the parsing).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace loom::lab {

// The fields of /proc/<pid>/stat the lab uses.
struct ProcStat {
  char state = '?';          // field 3: R, S, D, T, t, Z, X, ...
  uint64_t utime_ticks = 0;  // field 14
  uint64_t stime_ticks = 0;  // field 15
  uint64_t start_ticks = 0;  // field 22: start time in clock ticks since boot
};

// Parses the text of a stat file. The command (field 2) is in parentheses and
// may itself hold spaces and ')' — the fields after it start after the LAST
// ')'. nullopt when the text is not a stat line.
std::optional<ProcStat> ParseProcStat(std::string_view text);

// Reads and parses /proc/<pid>/stat; nullopt when there is no such process.
std::optional<ProcStat> ReadProcStat(int pid);

// True for the states of a process that has ended but is not yet reaped.
inline bool IsDeadState(char state) {
  return state == 'Z' || state == 'X' || state == 'x';
}

}  // namespace loom::lab
