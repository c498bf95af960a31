#include "chaincode/shim/chaincode_stub.h"

#include <cstdlib>

#include "common/common.pb.h"
#include "core/crypto/hash.h"

namespace loom::shim {
namespace {

using protos::ChaincodeMessage;

// Fabric's shim substitutes this for an empty start key, so an open range
// starts after the composite-key namespace (keys beginning with 0x00).
constexpr char kEmptyKeySubstitute[] = "\x01";

Status CheckSimpleKey(const std::string& key) {
  if (!key.empty() && key[0] == '\0') {
    return Status::InvalidArgument("first character of the key [" + key +
                                   "] contains a null character which is not allowed");
  }
  return Status::Ok();
}

template <typename Message>
Result<Message> ParseReply(const std::string& bytes, ChaincodeMessage::Type request, const char* what) {
  Message message;
  if (!message.ParseFromString(bytes)) {
    return Status::InvalidArgument(std::string("the peer's reply to ") +
                                   ChaincodeMessage::Type_Name(request) + " does not parse as " + what);
  }
  return message;
}

template <typename Record>
const char* RecordName();
template <>
const char* RecordName<queryresult::KV>() {
  return "queryresult.KV";
}
template <>
const char* RecordName<queryresult::KeyModification>() {
  return "queryresult.KeyModification";
}

constexpr char kCompositeKeyNamespace = '\0';
constexpr char kMaxUnicodeRune[] = "\xF4\x8F\xBF\xBF";  // U+10FFFF, above every attribute

// Checks `text` is UTF-8 without U+0000 or U+10FFFF (Go's rule for composite
// key parts). Returns the byte position of the first offence, or npos.
size_t InvalidCompositeKeyPart(const std::string& text, std::string* why) {
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    size_t length = lead < 0x80           ? 1
                    : (lead >> 5) == 0x6  ? 2
                    : (lead >> 4) == 0xE  ? 3
                    : (lead >> 3) == 0x1E ? 4
                                          : 0;
    if (length == 0 || i + length > text.size()) {
      *why = "not a valid utf8 string";
      return i;
    }
    uint32_t rune = length == 1 ? lead : lead & (0x7F >> length);
    for (size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) {
        *why = "not a valid utf8 string";
        return i;
      }
      rune = (rune << 6) | (next & 0x3F);
    }
    const uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (rune < smallest[length] || rune > 0x10FFFF || (rune >= 0xD800 && rune <= 0xDFFF)) {
      *why = "not a valid utf8 string";
      return i;
    }
    if (rune == 0 || rune == 0x10FFFF) {
      *why = "U+0000 and U+10FFFF are not allowed in the input attribute of a composite key";
      return i;
    }
    i += length;
  }
  return std::string::npos;
}

Status CheckCompositeKeyPart(const std::string& part) {
  std::string why;
  const size_t position = InvalidCompositeKeyPart(part, &why);
  if (position == std::string::npos) return Status::Ok();
  return Status::InvalidArgument("composite key part \"" + part + "\" at byte " + std::to_string(position) +
                                 ": " + why);
}

}  // namespace

Result<std::string> CreateCompositeKey(const std::string& object_type,
                                       const std::vector<std::string>& attributes) {
  LOOM_RETURN_IF_ERROR(CheckCompositeKeyPart(object_type));
  std::string key(1, kCompositeKeyNamespace);
  key += object_type;
  key += '\0';
  for (const std::string& attribute : attributes) {
    LOOM_RETURN_IF_ERROR(CheckCompositeKeyPart(attribute));
    key += attribute;
    key += '\0';
  }
  return key;
}

Result<std::pair<std::string, std::vector<std::string>>> SplitCompositeKey(const std::string& composite_key) {
  if (composite_key.empty() || composite_key[0] != kCompositeKeyNamespace || composite_key.back() != '\0' ||
      composite_key.size() < 2) {
    return Status::InvalidArgument("not a composite key: it must start and end with a 0x00 byte");
  }
  std::vector<std::string> parts;
  size_t start = 1;
  for (size_t i = 1; i < composite_key.size(); ++i) {
    if (composite_key[i] == '\0') {
      parts.push_back(composite_key.substr(start, i - start));
      start = i + 1;
    }
  }
  std::string object_type = std::move(parts.front());
  parts.erase(parts.begin());
  return std::make_pair(std::move(object_type), std::move(parts));
}

// ----- QueryIterator -----

template <typename Record>
QueryIterator<Record>& QueryIterator<Record>::operator=(QueryIterator&& other) noexcept {
  if (this != &other) {
    Close();  // the peer's answer does not matter for an abandoned iterator
    peer_ = other.peer_;
    page_ = std::move(other.page_);
    position_ = other.position_;
    closed_ = other.closed_;
    other.peer_ = nullptr;
    other.closed_ = true;
  }
  return *this;
}

template <typename Record>
QueryIterator<Record>::~QueryIterator() {
  Close();
}

template <typename Record>
Result<Record> QueryIterator<Record>::Next() {
  if (closed_ || peer_ == nullptr) return Status::FailedPrecondition("the query iterator is closed");
  while (position_ >= page_.results_size() && page_.has_more()) {
    protos::QueryStateNext next;
    next.set_id(page_.id());
    LOOM_ASSIGN_OR_RETURN(std::string reply,
                          peer_->Request(ChaincodeMessage::QUERY_STATE_NEXT, next.SerializeAsString()));
    LOOM_ASSIGN_OR_RETURN(page_, ParseReply<protos::QueryResponse>(reply, ChaincodeMessage::QUERY_STATE_NEXT,
                                                                   "protos.QueryResponse"));
    position_ = 0;
  }
  if (position_ >= page_.results_size()) return Status::NotFound("the query has no more results");
  Record record;
  if (!record.ParseFromString(page_.results(position_).resultbytes())) {
    return Status::InvalidArgument("query result " + std::to_string(position_) + " of query " + page_.id() +
                                   " does not parse as " + RecordName<Record>());
  }
  ++position_;
  return record;
}

template <typename Record>
Status QueryIterator<Record>::Close() {
  if (closed_ || peer_ == nullptr) return Status::Ok();
  closed_ = true;
  protos::QueryStateClose close;
  close.set_id(page_.id());
  return peer_->Request(ChaincodeMessage::QUERY_STATE_CLOSE, close.SerializeAsString()).status();
}

template class QueryIterator<queryresult::KV>;
template class QueryIterator<queryresult::KeyModification>;

// ----- ChaincodeStub -----

Result<std::unique_ptr<ChaincodeStub>> ChaincodeStub::Create(PeerRequester& peer,
                                                             const ChaincodeMessage& message) {
  std::unique_ptr<ChaincodeStub> stub(new ChaincodeStub(peer, message.channel_id(), message.txid()));
  protos::ChaincodeInput input;
  if (!input.ParseFromString(message.payload())) {
    return Status::InvalidArgument("failed to unmarshal input: the " +
                                   ChaincodeMessage::Type_Name(message.type()) +
                                   " payload does not parse as protos.ChaincodeInput");
  }
  stub->args_.assign(input.args().begin(), input.args().end());
  stub->decorations_.insert(input.decorations().begin(), input.decorations().end());
  if (message.has_proposal()) LOOM_RETURN_IF_ERROR(stub->ReadProposal(message.proposal()));
  return stub;
}

Status ChaincodeStub::ReadProposal(const protos::SignedProposal& signed_proposal) {
  signed_proposal_ = signed_proposal;
  protos::Proposal proposal;
  if (!proposal.ParseFromString(signed_proposal.proposal_bytes())) {
    return Status::InvalidArgument(
        "failed to extract Proposal from SignedProposal: proposal_bytes do not parse");
  }
  if (proposal.header().empty()) {
    return Status::InvalidArgument("failed to extract Proposal fields: proposal header is nil");
  }
  common::Header header;
  if (!header.ParseFromString(proposal.header())) {
    return Status::InvalidArgument("failed to extract proposal header: Proposal.header does not parse");
  }
  common::ChannelHeader channel_header;
  if (!channel_header.ParseFromString(header.channel_header())) {
    return Status::InvalidArgument("failed to extract channel header: Header.channel_header does not parse");
  }
  if (channel_header.type() != common::ENDORSER_TRANSACTION && channel_header.type() != common::CONFIG) {
    return Status::InvalidArgument(
        "invalid channel header type. Expected ENDORSER_TRANSACTION or CONFIG, received " +
        std::to_string(channel_header.type()));
  }
  common::SignatureHeader signature_header;
  if (!signature_header.ParseFromString(header.signature_header())) {
    return Status::InvalidArgument(
        "failed to extract signature header: Header.signature_header does not parse");
  }
  creator_ = signature_header.creator();
  protos::ChaincodeProposalPayload payload;
  if (!payload.ParseFromString(proposal.payload())) {
    return Status::InvalidArgument(
        "failed to extract proposal payload: Proposal.payload does not parse as ChaincodeProposalPayload");
  }
  transient_.insert(payload.transientmap().begin(), payload.transientmap().end());
  tx_timestamp_ = channel_header.timestamp();
  std::string epoch(8, '\0');
  for (int i = 0; i < 8; ++i) epoch[i] = static_cast<char>((channel_header.epoch() >> (8 * i)) & 0xFF);
  crypto::Sha256Hasher binding;
  binding.Update(signature_header.nonce());
  binding.Update(creator_);
  binding.Update(epoch);
  binding_ = binding.Finish();
  return Status::Ok();
}

std::pair<std::string, std::vector<std::string>> ChaincodeStub::GetFunctionAndParameters() const {
  if (args_.empty()) return {};
  return {args_[0], std::vector<std::string>(args_.begin() + 1, args_.end())};
}

Result<std::optional<std::string>> ChaincodeStub::GetState(const std::string& key) {
  protos::GetState request;
  request.set_key(key);
  LOOM_ASSIGN_OR_RETURN(std::string value,
                        peer_.Request(ChaincodeMessage::GET_STATE, request.SerializeAsString()));
  if (value.empty()) return std::optional<std::string>();
  return std::optional<std::string>(std::move(value));
}

Status ChaincodeStub::PutState(const std::string& key, const std::string& value) {
  if (key.empty()) return Status::InvalidArgument("key must not be an empty string");
  protos::PutState request;
  request.set_key(key);
  request.set_value(value);
  return peer_.Request(ChaincodeMessage::PUT_STATE, request.SerializeAsString()).status();
}

Status ChaincodeStub::DelState(const std::string& key) {
  protos::DelState request;
  request.set_key(key);
  return peer_.Request(ChaincodeMessage::DEL_STATE, request.SerializeAsString()).status();
}

Result<protos::QueryResponse> ChaincodeStub::RangeQuery(const std::string& start, const std::string& end,
                                                        std::string metadata) {
  std::string start_key = start.empty() ? kEmptyKeySubstitute : start;
  LOOM_RETURN_IF_ERROR(CheckSimpleKey(start_key));
  LOOM_RETURN_IF_ERROR(CheckSimpleKey(end));
  protos::GetStateByRange request;
  request.set_startkey(start_key);
  request.set_endkey(end);
  request.set_metadata(std::move(metadata));
  LOOM_ASSIGN_OR_RETURN(std::string reply,
                        peer_.Request(ChaincodeMessage::GET_STATE_BY_RANGE, request.SerializeAsString()));
  return ParseReply<protos::QueryResponse>(reply, ChaincodeMessage::GET_STATE_BY_RANGE,
                                           "protos.QueryResponse");
}

Result<StateIterator> ChaincodeStub::GetStateByRange(const std::string& start, const std::string& end) {
  LOOM_ASSIGN_OR_RETURN(protos::QueryResponse first_page, RangeQuery(start, end, ""));
  return StateIterator(&peer_, std::move(first_page));
}

Result<PagedStateQuery> ChaincodeStub::GetStateByRangeWithPagination(const std::string& start,
                                                                     const std::string& end,
                                                                     int32_t page_size,
                                                                     const std::string& bookmark) {
  if (page_size <= 0) {
    return Status::InvalidArgument("page size must be positive, got " + std::to_string(page_size));
  }
  protos::QueryMetadata query_metadata;
  query_metadata.set_pagesize(page_size);
  query_metadata.set_bookmark(bookmark);
  LOOM_ASSIGN_OR_RETURN(protos::QueryResponse first_page,
                        RangeQuery(start, end, query_metadata.SerializeAsString()));
  protos::QueryResponseMetadata response_metadata;
  if (!response_metadata.ParseFromString(first_page.metadata())) {
    return Status::InvalidArgument(
        "the peer's reply to GET_STATE_BY_RANGE carries metadata that does not parse as "
        "protos.QueryResponseMetadata");
  }
  QueryPageMetadata metadata{response_metadata.fetched_records_count(), response_metadata.bookmark()};
  return PagedStateQuery{StateIterator(&peer_, std::move(first_page)), std::move(metadata)};
}

Result<StateIterator> ChaincodeStub::GetStateByPartialCompositeKey(
    const std::string& object_type, const std::vector<std::string>& attributes) {
  LOOM_ASSIGN_OR_RETURN(std::string partial_key, CreateCompositeKey(object_type, attributes));
  // Composite keys start with 0x00, which a simple-key range refuses; the
  // range is built here directly.
  protos::GetStateByRange request;
  request.set_startkey(partial_key);
  request.set_endkey(partial_key + kMaxUnicodeRune);
  LOOM_ASSIGN_OR_RETURN(std::string reply,
                        peer_.Request(ChaincodeMessage::GET_STATE_BY_RANGE, request.SerializeAsString()));
  LOOM_ASSIGN_OR_RETURN(
      protos::QueryResponse first_page,
      ParseReply<protos::QueryResponse>(reply, ChaincodeMessage::GET_STATE_BY_RANGE, "protos.QueryResponse"));
  return StateIterator(&peer_, std::move(first_page));
}

Result<HistoryIterator> ChaincodeStub::GetHistoryForKey(const std::string& key) {
  protos::GetHistoryForKey request;
  request.set_key(key);
  LOOM_ASSIGN_OR_RETURN(std::string reply,
                        peer_.Request(ChaincodeMessage::GET_HISTORY_FOR_KEY, request.SerializeAsString()));
  LOOM_ASSIGN_OR_RETURN(protos::QueryResponse first_page,
                        ParseReply<protos::QueryResponse>(reply, ChaincodeMessage::GET_HISTORY_FOR_KEY,
                                                          "protos.QueryResponse"));
  return HistoryIterator(&peer_, std::move(first_page));
}

Response ChaincodeStub::InvokeChaincode(const std::string& name, const std::vector<std::string>& args,
                                        const std::string& channel) {
  protos::ChaincodeSpec spec;
  // Fabric addresses a chaincode on another channel as "name/channel".
  spec.mutable_chaincode_id()->set_name(channel.empty() ? name : name + "/" + channel);
  for (const std::string& arg : args) spec.mutable_input()->add_args(arg);
  Result<std::string> reply = peer_.Request(ChaincodeMessage::INVOKE_CHAINCODE, spec.SerializeAsString());
  if (!reply.ok()) return Response::Error(reply.status().message());
  ChaincodeMessage callee;
  if (!callee.ParseFromString(*reply)) {
    return Response::Error("the peer's reply to INVOKE_CHAINCODE does not parse as protos.ChaincodeMessage");
  }
  if (callee.type() != ChaincodeMessage::COMPLETED) {
    return Response::Error(callee.payload().empty() ? "chaincode " + name + " answered " +
                                                          ChaincodeMessage::Type_Name(callee.type())
                                                    : callee.payload());
  }
  protos::Response response;
  if (!response.ParseFromString(callee.payload())) {
    return Response::Error("the COMPLETED payload from chaincode " + name +
                           " does not parse as protos.Response");
  }
  return Response{response.status(), response.message(), response.payload()};
}

Status ChaincodeStub::SetEvent(const std::string& name, const std::string& payload) {
  if (name.empty()) return Status::InvalidArgument("event name can not be empty string");
  protos::ChaincodeEvent event;
  event.set_event_name(name);
  event.set_payload(payload);
  event_ = std::move(event);
  return Status::Ok();
}

Result<std::string> GetMspId() {
  const char* msp_id = std::getenv("CORE_PEER_LOCALMSPID");
  if (msp_id == nullptr || *msp_id == '\0') return Status::NotFound("'CORE_PEER_LOCALMSPID' is not set");
  return std::string(msp_id);
}

}  // namespace loom::shim
