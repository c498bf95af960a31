// Fuzz target: arbitrary bytes as a transaction envelope whose write set the
// ledger would apply, and as a stored state value. Nothing may crash; a write
// set that parses obeys its contract (deletes carry no value, non-endorser
// transactions write nothing).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/common.pb.h"
#include "core/ledger/state_db.h"
#include "core/ledger/tx_write_set.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto write_set = loom::ledger::ExtractTxWriteSet(bytes);
  if (write_set.ok()) {
    if (write_set->header_type != common::ENDORSER_TRANSACTION && !write_set->writes.empty()) std::abort();
    for (const loom::ledger::KeyWrite& write : write_set->writes) {
      if (write.is_delete && !write.value.empty()) std::abort();
    }
  }
  auto value = loom::ledger::StateDb::DecodeValue(bytes, "fuzz");
  if (value.ok() && loom::ledger::StateDb::EncodeValue(value->value, value->version) != bytes) std::abort();
  return 0;
}
