#include "core/validator/parallel_validation.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <optional>
#include <string>
#include <thread>

namespace loom::validator {

void MarkInBlockDuplicates(std::vector<TxVerdict>* verdicts) {
  std::map<std::string, size_t> first_with_id;
  for (size_t i = 0; i < verdicts->size(); ++i) {
    TxVerdict& verdict = (*verdicts)[i];
    if (verdict.code != protos::VALID || verdict.header_type != common::ENDORSER_TRANSACTION) continue;
    auto [first, inserted] = first_with_id.emplace(verdict.tx_id, i);
    if (inserted) continue;
    verdict.code = protos::DUPLICATE_TXID;
    verdict.explanation = "tx id " + verdict.tx_id + " is already used by transaction " +
                          std::to_string(first->second) + " of this block";
  }
}

Result<ParallelBlockResult> ValidateBlockInParallel(const common::Block& block, const TxValidator& validator,
                                                    size_t threads) {
  const size_t tx_count = static_cast<size_t>(block.data().data_size());
  std::vector<std::optional<Result<TxVerdict>>> results(tx_count);
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next.fetch_add(1); i < tx_count; i = next.fetch_add(1))
      results[i].emplace(validator.Validate(block.data().data(static_cast<int>(i))));
  };
  if (threads == 0) threads = std::max<size_t>(1, std::thread::hardware_concurrency());
  threads = std::min(threads, std::max<size_t>(1, tx_count));
  if (threads <= 1) {
    work();
  } else {
    std::vector<std::thread> workers;
    workers.reserve(threads);
    for (size_t t = 0; t < threads; ++t) workers.emplace_back(work);
    for (std::thread& worker : workers) worker.join();
  }

  ParallelBlockResult out;
  out.txs.reserve(tx_count);
  for (size_t i = 0; i < tx_count; ++i) {
    Result<TxVerdict>& result = *results[i];
    if (!result.ok()) {
      return result.status().WithContext("block " + std::to_string(block.header().number()) +
                                         " transaction " + std::to_string(i));
    }
    out.txs.push_back(std::move(result).value());
  }
  MarkInBlockDuplicates(&out.txs);
  out.codes.reserve(tx_count);
  for (const TxVerdict& verdict : out.txs) out.codes.push_back(static_cast<uint8_t>(verdict.code));
  return out;
}

}  // namespace loom::validator
