// ChaincodeStub: what a running transaction sees of the peer (Fabric's
// shim.ChaincodeStubInterface): its arguments and proposal, and state access
// (GetState, PutState, DelState, range and history queries, calls to other
// chaincodes, the chaincode event).
//
// A stub belongs to one transaction and one thread; it and its iterators must
// not outlive the Init/Invoke call they were passed to. State calls block
// until the peer answers. Errors the peer reports (an ERROR reply) come back
// as FailedPrecondition with the peer's text unchanged; a closed stream as
// Unavailable.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "chaincode/shim/chaincode.h"
#include "chaincode/shim/peer_requester.h"
#include "core/util/status.h"
#include "google/protobuf/timestamp.pb.h"
#include "ledger/queryresult/kv_query_result.pb.h"
#include "peer/chaincode_event.pb.h"
#include "peer/chaincode_shim.pb.h"
#include "peer/proposal.pb.h"

namespace loom::shim {

class ChaincodeStub;

// Results of a range or history query, fetched from the peer page by page:
// Next pulls the next page with QUERY_STATE_NEXT when the current one is used
// up and the peer said has_more. Close (or destruction) sends
// QUERY_STATE_CLOSE so the peer releases its iterator. Move-only.
template <typename Record>
class QueryIterator {
 public:
  QueryIterator(QueryIterator&& other) noexcept { *this = std::move(other); }
  QueryIterator& operator=(QueryIterator&& other) noexcept;
  QueryIterator(const QueryIterator&) = delete;
  QueryIterator& operator=(const QueryIterator&) = delete;
  ~QueryIterator();

  bool HasNext() const { return !closed_ && (position_ < page_.results_size() || page_.has_more()); }
  // The next record; an error when there is none or the peer failed.
  Result<Record> Next();
  // Tells the peer the query is done. Idempotent.
  Status Close();

 private:
  friend class ChaincodeStub;
  QueryIterator(PeerRequester* peer, protos::QueryResponse first_page)
      : peer_(peer), page_(std::move(first_page)) {}

  PeerRequester* peer_ = nullptr;
  protos::QueryResponse page_;
  int position_ = 0;
  bool closed_ = false;
};

using StateIterator = QueryIterator<queryresult::KV>;
using HistoryIterator = QueryIterator<queryresult::KeyModification>;

extern template class QueryIterator<queryresult::KV>;
extern template class QueryIterator<queryresult::KeyModification>;

// Fabric's QueryResponseMetadata: how many records the page holds and where
// the next page starts (pass it back as `bookmark`; empty when done).
struct QueryPageMetadata {
  int32_t fetched_records_count = 0;
  std::string bookmark;
};

struct PagedStateQuery {
  StateIterator iterator;
  QueryPageMetadata metadata;
};

class ChaincodeStub {
 public:
  // Builds the stub for an INIT or TRANSACTION message: its ChaincodeInput
  // payload and, when present, its SignedProposal (creator, transient map,
  // timestamp). InvalidArgument naming the part that does not parse.
  static Result<std::unique_ptr<ChaincodeStub>> Create(PeerRequester& peer,
                                                       const protos::ChaincodeMessage& message);

  // ----- the invocation -----
  const std::vector<std::string>& GetArgs() const { return args_; }
  // The same arguments (C++ strings hold bytes); for Fabric API parity.
  std::vector<std::string> GetStringArgs() const { return args_; }
  // args[0] and the rest; ("", {}) without arguments.
  std::pair<std::string, std::vector<std::string>> GetFunctionAndParameters() const;
  const std::string& GetTxId() const { return tx_id_; }
  const std::string& GetChannelId() const { return channel_id_; }
  // The serialized msp.SerializedIdentity of the proposal's creator (its
  // SignatureHeader); empty without a proposal.
  const std::string& GetCreator() const { return creator_; }
  const std::map<std::string, std::string>& GetTransient() const { return transient_; }
  // SHA-256(nonce || creator || epoch as 8 little-endian bytes): what ties
  // the proposal to its creator (Fabric's GetBinding); empty without a proposal.
  const std::string& GetBinding() const { return binding_; }
  const std::map<std::string, std::string>& GetDecorations() const { return decorations_; }
  // Null when the peer sent no proposal (peer-internal invocations).
  const protos::SignedProposal* GetSignedProposal() const {
    return signed_proposal_ ? &*signed_proposal_ : nullptr;
  }
  // The proposal's channel header timestamp (zero without a proposal).
  const google::protobuf::Timestamp& GetTxTimestamp() const { return tx_timestamp_; }

  // ----- world state (the chaincode's own namespace) -----
  // The value, or nullopt when the key does not exist (the peer answers an
  // empty value for both; Fabric treats empty as absent).
  Result<std::optional<std::string>> GetState(const std::string& key);
  Status PutState(const std::string& key, const std::string& value);
  Status DelState(const std::string& key);
  // Keys in [start, end); an empty start is the first key, an empty end
  // means no upper bound.
  Result<StateIterator> GetStateByRange(const std::string& start, const std::string& end);
  // One page of at most `page_size` keys of [start, end) from `bookmark`
  // (empty: from `start`).
  Result<PagedStateQuery> GetStateByRangeWithPagination(const std::string& start, const std::string& end,
                                                        int32_t page_size, const std::string& bookmark);
  // Keys created with CreateCompositeKey(object_type, attributes + more...).
  Result<StateIterator> GetStateByPartialCompositeKey(const std::string& object_type,
                                                      const std::vector<std::string>& attributes);
  // Every committed modification of `key`, newest first.
  Result<HistoryIterator> GetHistoryForKey(const std::string& key);

  // ----- other chaincodes and events -----
  // Calls chaincode `name` (on `channel`, or this transaction's channel when
  // empty) within this transaction. Failures to reach it come back as a
  // status-500 Response carrying the reason, as in Fabric.
  Response InvokeChaincode(const std::string& name, const std::vector<std::string>& args,
                           const std::string& channel = "");
  // The event sent with the transaction's COMPLETED message; a later call
  // replaces an earlier one.
  Status SetEvent(const std::string& name, const std::string& payload);
  const std::optional<protos::ChaincodeEvent>& event() const { return event_; }

 private:
  ChaincodeStub(PeerRequester& peer, std::string channel_id, std::string tx_id)
      : peer_(peer), channel_id_(std::move(channel_id)), tx_id_(std::move(tx_id)) {}
  Status ReadProposal(const protos::SignedProposal& signed_proposal);
  Result<protos::QueryResponse> RangeQuery(const std::string& start, const std::string& end,
                                           std::string metadata);

  PeerRequester& peer_;
  std::string channel_id_;
  std::string tx_id_;
  std::vector<std::string> args_;
  std::map<std::string, std::string> decorations_;
  std::optional<protos::SignedProposal> signed_proposal_;
  std::string creator_;
  std::map<std::string, std::string> transient_;
  std::string binding_;
  google::protobuf::Timestamp tx_timestamp_;
  std::optional<protos::ChaincodeEvent> event_;
};

// Fabric's composite keys: 0x00 objectType 0x00 attribute 0x00 ...; the
// leading 0x00 keeps them apart from simple keys. Parts must be valid UTF-8
// without U+0000 or U+10FFFF (InvalidArgument naming the part otherwise).
Result<std::string> CreateCompositeKey(const std::string& object_type,
                                       const std::vector<std::string>& attributes);
// The object type and attributes of a composite key.
Result<std::pair<std::string, std::vector<std::string>>> SplitCompositeKey(const std::string& composite_key);

// The peer's MSP id from CORE_PEER_LOCALMSPID (Fabric's shim.GetMSPID).
Result<std::string> GetMspId();

}  // namespace loom::shim
