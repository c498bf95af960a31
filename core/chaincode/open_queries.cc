#include "core/chaincode/open_queries.h"

namespace loom::chaincode {

Result<protos::QueryResponse> OpenQueries::Open(std::unique_ptr<QueryCursor> cursor, bool paginated,
                                                int32_t total_limit) {
  std::string id = std::to_string(next_id_++);
  Query& query = queries_[id];
  query.cursor = std::move(cursor);
  query.paginated = paginated;
  query.total_limit = total_limit;
  return Batch(id);
}

Result<protos::QueryResponse> OpenQueries::Next(const std::string& id) {
  if (queries_.count(id) == 0) return Status::NotFound("query iterator " + id + " not found");
  return Batch(id);
}

protos::QueryResponse OpenQueries::Close(const std::string& id) {
  auto it = queries_.find(id);
  if (it != queries_.end()) {
    it->second.cursor->Close();
    queries_.erase(it);
  }
  protos::QueryResponse response;
  response.set_id(id);
  return response;
}

void OpenQueries::CloseAll() {
  for (auto& [id, query] : queries_) query.cursor->Close();
  queries_.clear();
}

Result<protos::QueryResponse> OpenQueries::Batch(const std::string& id) {
  Query& query = queries_.at(id);
  protos::QueryResponse response;
  response.set_id(id);
  if (query.pending) {
    response.add_results()->set_resultbytes(std::move(*query.pending));
    query.pending.reset();
  }
  while (query.returned < query.total_limit) {
    Result<std::optional<std::string>> next = query.cursor->Next();
    if (!next.ok()) {
      Close(id);
      return next.status();
    }
    if (!next->has_value()) break;
    ++query.returned;
    if (response.results_size() == batch_size_) {
      // A full batch and one more result: send the batch, keep the result.
      query.pending = std::move(**next);
      response.set_has_more(true);
      return response;
    }
    response.add_results()->set_resultbytes(std::move(**next));
  }
  return Last(id, std::move(response));
}

Result<protos::QueryResponse> OpenQueries::Last(const std::string& id, protos::QueryResponse response) {
  Query& query = queries_.at(id);
  if (query.paginated) {
    Result<std::string> bookmark = query.cursor->Bookmark();
    if (!bookmark.ok()) {
      Close(id);
      return bookmark.status();
    }
    protos::QueryResponseMetadata metadata;
    metadata.set_fetched_records_count(query.returned);
    metadata.set_bookmark(*bookmark);
    response.set_metadata(metadata.SerializeAsString());
  }
  Close(id);
  response.set_has_more(false);
  return response;
}

}  // namespace loom::chaincode
