#include "core/chaincode/transaction_runner.h"

#include <algorithm>
#include <vector>

#include "core/ledger/tx_simulator.h"
#include "ledger/queryresult/kv_query_result.pb.h"

namespace loom::chaincode {
namespace {

using Message = protos::ChaincodeMessage;

constexpr char kPrivateDataRefused[] = "private data is not supported";

// A range query on the simulator, results as queryresult.KV.
class RangeCursor final : public QueryCursor {
 public:
  RangeCursor(ledger::RangeQueryIterator* iterator, std::string ns)
      : iterator_(iterator), ns_(std::move(ns)) {}
  Result<std::optional<std::string>> Next() override {
    LOOM_ASSIGN_OR_RETURN(std::optional<ledger::RangeResult> next, iterator_->Next());
    if (!next) return std::optional<std::string>();
    queryresult::KV kv;
    kv.set_namespace_(ns_);
    kv.set_key(std::move(next->key));
    kv.set_value(std::move(next->value));
    return std::optional<std::string>(kv.SerializeAsString());
  }
  Result<std::string> Bookmark() override { return iterator_->Bookmark(); }
  void Close() override { iterator_->Close(); }

 private:
  ledger::RangeQueryIterator* iterator_;  // owned by the simulator
  std::string ns_;
};

// A key's history, results as queryresult.KeyModification.
class HistoryCursor final : public QueryCursor {
 public:
  explicit HistoryCursor(std::vector<ledger::KeyModification> entries) : entries_(std::move(entries)) {}
  Result<std::optional<std::string>> Next() override {
    if (next_ >= entries_.size()) return std::optional<std::string>();
    const ledger::KeyModification& entry = entries_[next_++];
    queryresult::KeyModification modification;
    modification.set_tx_id(entry.tx_id);
    modification.set_value(entry.value);
    modification.set_is_delete(entry.is_delete);
    modification.mutable_timestamp()->set_seconds(entry.timestamp_seconds);
    modification.mutable_timestamp()->set_nanos(entry.timestamp_nanos);
    return std::optional<std::string>(modification.SerializeAsString());
  }
  void Close() override { next_ = entries_.size(); }

 private:
  std::vector<ledger::KeyModification> entries_;
  size_t next_ = 0;
};

template <typename T>
Result<T> Parse(const std::string& payload, const char* request) {
  T message;
  if (!message.ParseFromString(payload)) {
    return Status::InvalidArgument(std::string("malformed ") + request + " payload: not a " +
                                   T::descriptor()->full_name());
  }
  return message;
}

}  // namespace

InvokeTarget ParseInvokeTarget(const std::string& text) {
  InvokeTarget target;
  std::string name = text;
  if (size_t slash = name.find('/'); slash != std::string::npos) {
    target.channel_id = name.substr(slash + 1);
    name.resize(slash);
  }
  if (size_t colon = name.find(':'); colon != std::string::npos) name.resize(colon);
  target.chaincode_name = name;
  return target;
}

TransactionRunner::TransactionRunner(Handler* handler, TransactionContext* context,
                                     const Invocation& invocation, const ServeOptions& options,
                                     ChaincodeExecutor* invoker)
    : handler_(handler),
      context_(context),
      invocation_(invocation),
      options_(options),
      invoker_(invoker),
      queries_(options.max_results_per_batch) {}

Result<InvocationResult> TransactionRunner::Run() {
  Message start;
  start.set_type(invocation_.input.is_init() ? Message::INIT : Message::TRANSACTION);
  start.set_payload(invocation_.input.SerializeAsString());
  start.set_txid(invocation_.tx_id);
  start.set_channel_id(invocation_.channel_id);
  if (invocation_.signed_proposal != nullptr) *start.mutable_proposal() = *invocation_.signed_proposal;
  handler_->Send(start);

  while (true) {
    LOOM_ASSIGN_OR_RETURN(Message message, context_->Next(invocation_.deadline));
    if (message.type() == Message::COMPLETED) return Completed(message);
    if (message.type() == Message::ERROR) {
      InvocationResult result;
      result.response.set_status(kStatusError);
      result.response.set_message("transaction returned with failure: " + message.payload());
      return result;
    }
    handler_->Send(Serve(message));
  }
}

InvocationResult TransactionRunner::Completed(const Message& message) const {
  InvocationResult result;
  if (!result.response.ParseFromString(message.payload())) {
    result.response.Clear();
    result.response.set_status(kStatusError);
    result.response.set_message("chaincode " + invocation_.chaincode_name +
                                " sent a COMPLETED whose payload is not a protos.Response");
    return result;
  }
  if (message.has_chaincode_event()) {
    result.event = message.chaincode_event();
    result.event->set_chaincode_id(invocation_.chaincode_name);
    result.event->set_tx_id(invocation_.tx_id);
  }
  return result;
}

Message TransactionRunner::Serve(const Message& request) {
  Result<std::string> answer = std::string();
  const std::string& payload = request.payload();
  switch (request.type()) {
    case Message::GET_STATE: answer = GetState(payload); break;
    case Message::PUT_STATE: answer = PutState(payload); break;
    case Message::DEL_STATE: answer = DelState(payload); break;
    case Message::GET_STATE_BY_RANGE: answer = GetStateByRange(payload); break;
    case Message::QUERY_STATE_NEXT: answer = QueryStateNext(payload); break;
    case Message::QUERY_STATE_CLOSE: answer = QueryStateClose(payload); break;
    case Message::GET_HISTORY_FOR_KEY: answer = GetHistoryForKey(payload); break;
    case Message::INVOKE_CHAINCODE: answer = InvokeChaincode(payload); break;
    case Message::GET_PRIVATE_DATA_HASH: answer = Status::InvalidArgument(kPrivateDataRefused); break;
    case Message::GET_QUERY_RESULT:
      answer = Status::InvalidArgument(
          "rich queries (GET_QUERY_RESULT) are not supported: the state database is "
          "LevelDB");
      break;
    case Message::GET_STATE_METADATA:
    case Message::PUT_STATE_METADATA:
      answer = Status::InvalidArgument("key metadata (" + Message::Type_Name(request.type()) +
                                       ") is not supported");
      break;
    default: {
      std::string type = Message::Type_IsValid(request.type()) ? Message::Type_Name(request.type())
                                                               : "type " + std::to_string(request.type());
      answer = Status::InvalidArgument("unexpected " + type + " message during transaction " +
                                       invocation_.tx_id + "; expected a request, COMPLETED or ERROR");
    }
  }
  Message reply;
  reply.set_txid(request.txid());
  reply.set_channel_id(request.channel_id());
  if (answer.ok()) {
    reply.set_type(Message::RESPONSE);
    reply.set_payload(std::move(answer).value());
  } else {
    reply.set_type(Message::ERROR);
    reply.set_payload(answer.status().message());
  }
  return reply;
}

Status TransactionRunner::CheckLedger(const char* request) const {
  if (invocation_.simulator != nullptr) return Status::Ok();
  return Status::FailedPrecondition(std::string(request) + ": no ledger context (transaction " +
                                    invocation_.tx_id + " runs without a channel)");
}

Result<std::string> TransactionRunner::GetState(const std::string& payload) {
  LOOM_ASSIGN_OR_RETURN(protos::GetState request, Parse<protos::GetState>(payload, "GET_STATE"));
  if (!request.collection().empty()) return Status::InvalidArgument(kPrivateDataRefused);
  LOOM_RETURN_IF_ERROR(CheckLedger("GET_STATE"));
  LOOM_ASSIGN_OR_RETURN(std::optional<std::string> value,
                        invocation_.simulator->GetState(invocation_.chaincode_name, request.key()));
  return value.value_or(std::string());
}

Result<std::string> TransactionRunner::PutState(const std::string& payload) {
  LOOM_ASSIGN_OR_RETURN(protos::PutState request, Parse<protos::PutState>(payload, "PUT_STATE"));
  if (!request.collection().empty()) return Status::InvalidArgument(kPrivateDataRefused);
  LOOM_RETURN_IF_ERROR(CheckLedger("PUT_STATE"));
  LOOM_RETURN_IF_ERROR(
      invocation_.simulator->PutState(invocation_.chaincode_name, request.key(), request.value()));
  return std::string();
}

Result<std::string> TransactionRunner::DelState(const std::string& payload) {
  LOOM_ASSIGN_OR_RETURN(protos::DelState request, Parse<protos::DelState>(payload, "DEL_STATE"));
  if (!request.collection().empty()) return Status::InvalidArgument(kPrivateDataRefused);
  LOOM_RETURN_IF_ERROR(CheckLedger("DEL_STATE"));
  LOOM_RETURN_IF_ERROR(invocation_.simulator->DelState(invocation_.chaincode_name, request.key()));
  return std::string();
}

Result<std::string> TransactionRunner::GetStateByRange(const std::string& payload) {
  LOOM_ASSIGN_OR_RETURN(protos::GetStateByRange request,
                        Parse<protos::GetStateByRange>(payload, "GET_STATE_BY_RANGE"));
  if (!request.collection().empty()) return Status::InvalidArgument(kPrivateDataRefused);
  protos::QueryMetadata metadata;
  if (!request.metadata().empty() && !metadata.ParseFromString(request.metadata())) {
    return Status::InvalidArgument("malformed GET_STATE_BY_RANGE metadata: not a protos.QueryMetadata");
  }
  LOOM_RETURN_IF_ERROR(CheckLedger("GET_STATE_BY_RANGE"));
  const bool paginated = metadata.pagesize() != 0 || !metadata.bookmark().empty();
  ledger::RangeQueryIterator* iterator = nullptr;
  int32_t limit = options_.total_query_limit;
  if (paginated) {
    if (metadata.pagesize() <= 0) {
      return Status::InvalidArgument("GET_STATE_BY_RANGE page size " + std::to_string(metadata.pagesize()) +
                                     " is not positive");
    }
    // A larger page is cut at the total query limit, as in Fabric.
    limit = std::min(metadata.pagesize(), options_.total_query_limit);
    LOOM_ASSIGN_OR_RETURN(iterator, invocation_.simulator->GetStateByRangeWithPagination(
                                        invocation_.chaincode_name, request.startkey(), request.endkey(),
                                        limit, metadata.bookmark()));
  } else {
    LOOM_ASSIGN_OR_RETURN(iterator, invocation_.simulator->GetStateByRange(
                                        invocation_.chaincode_name, request.startkey(), request.endkey()));
  }
  LOOM_ASSIGN_OR_RETURN(
      protos::QueryResponse response,
      queries_.Open(std::make_unique<RangeCursor>(iterator, invocation_.chaincode_name), paginated, limit));
  return response.SerializeAsString();
}

Result<std::string> TransactionRunner::QueryStateNext(const std::string& payload) {
  LOOM_ASSIGN_OR_RETURN(protos::QueryStateNext request,
                        Parse<protos::QueryStateNext>(payload, "QUERY_STATE_NEXT"));
  LOOM_ASSIGN_OR_RETURN(protos::QueryResponse response, queries_.Next(request.id()));
  return response.SerializeAsString();
}

Result<std::string> TransactionRunner::QueryStateClose(const std::string& payload) {
  LOOM_ASSIGN_OR_RETURN(protos::QueryStateClose request,
                        Parse<protos::QueryStateClose>(payload, "QUERY_STATE_CLOSE"));
  return queries_.Close(request.id()).SerializeAsString();
}

Result<std::string> TransactionRunner::GetHistoryForKey(const std::string& payload) {
  LOOM_ASSIGN_OR_RETURN(protos::GetHistoryForKey request,
                        Parse<protos::GetHistoryForKey>(payload, "GET_HISTORY_FOR_KEY"));
  LOOM_RETURN_IF_ERROR(CheckLedger("GET_HISTORY_FOR_KEY"));
  LOOM_ASSIGN_OR_RETURN(std::vector<ledger::KeyModification> entries,
                        invocation_.simulator->GetHistoryForKey(invocation_.chaincode_name, request.key()));
  LOOM_ASSIGN_OR_RETURN(
      protos::QueryResponse response,
      queries_.Open(std::make_unique<HistoryCursor>(std::move(entries)), false, options_.total_query_limit));
  return response.SerializeAsString();
}

Result<std::string> TransactionRunner::InvokeChaincode(const std::string& payload) {
  LOOM_ASSIGN_OR_RETURN(protos::ChaincodeSpec spec,
                        Parse<protos::ChaincodeSpec>(payload, "INVOKE_CHAINCODE"));
  InvokeTarget target = ParseInvokeTarget(spec.chaincode_id().name());
  if (target.chaincode_name.empty()) {
    return Status::InvalidArgument("INVOKE_CHAINCODE names no chaincode ('" + spec.chaincode_id().name() +
                                   "')");
  }
  if (!target.channel_id.empty() && target.channel_id != invocation_.channel_id) {
    return Status::InvalidArgument("INVOKE_CHAINCODE of " + target.chaincode_name + " on channel '" +
                                   target.channel_id +
                                   "' refused: only chaincodes on this transaction's channel '" +
                                   invocation_.channel_id + "' can be invoked");
  }
  if (invocation_.call_depth + 1 > options_.max_call_depth) {
    return Status::InvalidArgument("INVOKE_CHAINCODE of " + target.chaincode_name + " refused: call depth " +
                                   std::to_string(invocation_.call_depth + 1) + " exceeds the limit of " +
                                   std::to_string(options_.max_call_depth));
  }
  if (invoker_ == nullptr)
    return Status::FailedPrecondition("INVOKE_CHAINCODE is not available on this peer");
  Invocation callee = invocation_;
  callee.chaincode_name = target.chaincode_name;
  callee.chaincode_version.clear();
  callee.input = spec.input();
  callee.input.set_is_init(false);  // as in Fabric, a called chaincode is never initialised
  callee.call_depth = invocation_.call_depth + 1;
  Result<InvocationResult> result = invoker_->Execute(callee);
  if (!result.ok()) {
    return Status(result.status()).WithContext("INVOKE_CHAINCODE of " + target.chaincode_name + " failed");
  }
  Message completed;
  completed.set_type(Message::COMPLETED);
  completed.set_payload(result->response.SerializeAsString());
  completed.set_txid(invocation_.tx_id);
  completed.set_channel_id(invocation_.channel_id);
  if (result->event) *completed.mutable_chaincode_event() = *result->event;
  return completed.SerializeAsString();
}

}  // namespace loom::chaincode
