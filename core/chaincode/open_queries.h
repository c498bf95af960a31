// OpenQueries: the range and history queries a transaction's chaincode has
// open, each answered in QueryResponse batches as Fabric's
// QueryResponseBuilder does:
//  * at most `batch_size` results per batch (Fabric's maxResultLimit, 100);
//    a full batch with more to come has has_more and keeps the query open
//    for QUERY_STATE_NEXT under its id;
//  * at most `total_limit` results over the whole query (Fabric's
//    totalQueryLimit, or the page size of a paginated query); the query ends
//    there;
//  * a paginated query's last batch carries QueryResponseMetadata
//    {fetched_records_count, bookmark}.
// A query that ends (or fails) is closed and forgotten.
//
// Not thread-safe: one transaction's requests are served one at a time.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/util/status.h"
#include "peer/chaincode_shim.pb.h"

namespace loom::chaincode {

// One query's results, each already marshalled (queryresult.KV or
// queryresult.KeyModification).
class QueryCursor {
 public:
  virtual ~QueryCursor() = default;
  // The next result, nullopt at the end.
  virtual Result<std::optional<std::string>> Next() = 0;
  // For paginated queries: where the next page starts; ends the cursor.
  virtual Result<std::string> Bookmark() { return std::string(); }
  virtual void Close() = 0;
};

class OpenQueries {
 public:
  explicit OpenQueries(int32_t batch_size) : batch_size_(batch_size > 0 ? batch_size : 1) {}
  ~OpenQueries() { CloseAll(); }

  // Registers the query and returns its first batch.
  Result<protos::QueryResponse> Open(std::unique_ptr<QueryCursor> cursor, bool paginated,
                                     int32_t total_limit);
  // The next batch of query `id`; NotFound when no such query is open.
  Result<protos::QueryResponse> Next(const std::string& id);
  // Closes query `id` (unknown ids are fine: the query may have ended).
  protos::QueryResponse Close(const std::string& id);
  void CloseAll();
  size_t open_count() const { return queries_.size(); }

 private:
  struct Query {
    std::unique_ptr<QueryCursor> cursor;
    bool paginated = false;
    int32_t total_limit = 0;
    int32_t returned = 0;                // results taken from the cursor so far
    std::optional<std::string> pending;  // taken, not yet sent (the next batch's first)
  };
  Result<protos::QueryResponse> Batch(const std::string& id);
  Result<protos::QueryResponse> Last(const std::string& id, protos::QueryResponse response);

  const int32_t batch_size_;
  uint64_t next_id_ = 1;
  std::map<std::string, Query> queries_;
};

}  // namespace loom::chaincode
