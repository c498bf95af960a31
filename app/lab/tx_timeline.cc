#include "app/lab/tx_timeline.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <algorithm>
#include <set>

namespace loom::lab {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

std::string Hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string ScalarText(const Message& message, const FieldDescriptor* field, int index) {
  const Reflection* r = message.GetReflection();
  const bool repeated = field->is_repeated();
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return std::to_string(repeated ? r->GetRepeatedInt32(message, field, index)
                                     : r->GetInt32(message, field));
    case FieldDescriptor::CPPTYPE_INT64:
      return std::to_string(repeated ? r->GetRepeatedInt64(message, field, index)
                                     : r->GetInt64(message, field));
    case FieldDescriptor::CPPTYPE_UINT32:
      return std::to_string(repeated ? r->GetRepeatedUInt32(message, field, index)
                                     : r->GetUInt32(message, field));
    case FieldDescriptor::CPPTYPE_UINT64:
      return std::to_string(repeated ? r->GetRepeatedUInt64(message, field, index)
                                     : r->GetUInt64(message, field));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return std::to_string(repeated ? r->GetRepeatedDouble(message, field, index)
                                     : r->GetDouble(message, field));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return std::to_string(repeated ? r->GetRepeatedFloat(message, field, index)
                                     : r->GetFloat(message, field));
    case FieldDescriptor::CPPTYPE_BOOL:
      return (repeated ? r->GetRepeatedBool(message, field, index) : r->GetBool(message, field)) ? "true"
                                                                                                 : "false";
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* value = repeated ? r->GetRepeatedEnum(message, field, index) : r->GetEnum(message, field);
      return value != nullptr ? value->name() : "";
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string text =
          repeated ? r->GetRepeatedString(message, field, index) : r->GetString(message, field);
      return field->type() == FieldDescriptor::TYPE_BYTES ? Hex(text) : text;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: break;  // handled by the caller
  }
  return "";
}

void Flatten(const Message& message, const std::string& prefix, Facts* out) {
  const Reflection* r = message.GetReflection();
  const google::protobuf::Descriptor* descriptor = message.GetDescriptor();
  for (int f = 0; f < descriptor->field_count(); ++f) {
    const FieldDescriptor* field = descriptor->field(f);
    // Fields that are set; and enums even at their zero value, which means
    // something ("VALID", "REASON_UNSPECIFIED") where a zero count does not.
    const bool present =
        field->is_repeated() ? r->FieldSize(message, field) > 0 : r->HasField(message, field);
    if (!present && (field->is_repeated() || field->cpp_type() != FieldDescriptor::CPPTYPE_ENUM)) continue;
    // Block-level details list their block's transactions: the span is
    // already in each of them, so the list would only repeat the block.
    if (field->name() == "tx_ids") continue;
    const std::string key = prefix + field->name();
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field->is_repeated()) {
        for (int i = 0; i < r->FieldSize(message, field); ++i) {
          Flatten(r->GetRepeatedMessage(message, field, i), key + "[" + std::to_string(i) + "].", out);
        }
      } else {
        Flatten(r->GetMessage(message, field), key + ".", out);
      }
      continue;
    }
    if (field->is_repeated()) {
      std::string joined;
      for (int i = 0; i < r->FieldSize(message, field); ++i) {
        joined += (i > 0 ? "," : "") + ScalarText(message, field, i);
      }
      out->emplace_back(key, std::move(joined));
    } else {
      out->emplace_back(key, ScalarText(message, field, 0));
    }
  }
}

}  // namespace

std::string_view PhaseGroupName(PhaseGroup group) {
  switch (group) {
    case PhaseGroup::kEndorse: return "endorse";
    case PhaseGroup::kOrder: return "order";
    case PhaseGroup::kValidate: return "validate";
    case PhaseGroup::kCommit: return "commit";
    case PhaseGroup::kClient: return "client";
  }
  return "client";
}

PhaseGroup GroupOf(loom::TraceEvent::Phase phase) {
  switch (phase) {
    case loom::TraceEvent::PROPOSAL_RECEIVED:
    case loom::TraceEvent::SIMULATED:
    case loom::TraceEvent::ENDORSED:
    case loom::TraceEvent::PROPOSAL_REJECTED: return PhaseGroup::kEndorse;
    case loom::TraceEvent::BROADCAST_ACCEPTED:
    case loom::TraceEvent::BROADCAST_REJECTED:
    case loom::TraceEvent::CONSENSUS_COMMITTED:
    case loom::TraceEvent::BLOCK_CUT:
    case loom::TraceEvent::BLOCK_WRITTEN:
    case loom::TraceEvent::LEADER_CHANGED: return PhaseGroup::kOrder;
    case loom::TraceEvent::BLOCK_RECEIVED:
    case loom::TraceEvent::VSCC_DONE:
    case loom::TraceEvent::MVCC_DONE: return PhaseGroup::kValidate;
    case loom::TraceEvent::COMMITTED: return PhaseGroup::kCommit;
    default: return PhaseGroup::kClient;
  }
}

bool IsBlockLevel(const loom::TraceEvent& event) {
  switch (event.phase()) {
    case loom::TraceEvent::BLOCK_CUT:
    case loom::TraceEvent::BLOCK_WRITTEN:
    case loom::TraceEvent::BLOCK_RECEIVED: return true;
    case loom::TraceEvent::COMMITTED: return event.tx_id().empty();
    default: return false;
  }
}

loom::TraceEvent MakeClientSpanEvent(const std::string& tx_id, std::string_view phase,
                                     int64_t start_unix_nanos, int64_t end_unix_nanos, const Facts& facts,
                                     const std::string& node, const std::string& channel) {
  loom::TraceEvent event;
  event.set_node(node.empty() ? "client" : node);
  event.set_phase(loom::TraceEvent::PHASE_UNSPECIFIED);
  event.set_tx_id(tx_id);
  event.set_channel(channel);
  event.set_start_unix_nanos(start_unix_nanos);
  event.set_end_unix_nanos(end_unix_nanos);
  auto& map = *event.mutable_facts();
  for (const auto& [key, value] : facts) map[key] = value;
  map[kClientPhaseFact] = std::string(phase);
  return event;
}

Facts FlattenFacts(const loom::TraceEvent& event) {
  Facts out;
  const google::protobuf::OneofDescriptor* detail = event.GetDescriptor()->FindOneofByName("detail");
  if (const FieldDescriptor* set = event.GetReflection()->GetOneofFieldDescriptor(event, detail)) {
    Flatten(event.GetReflection()->GetMessage(event, set), "", &out);
  }
  std::vector<std::pair<std::string, std::string>> own(event.facts().begin(), event.facts().end());
  std::sort(own.begin(), own.end());
  for (auto& fact : own) {
    if (fact.first != kClientPhaseFact) out.push_back(std::move(fact));
  }
  return out;
}

loom::TraceEvent TxSpan::event() const {
  loom::TraceEvent parsed;
  if (record) parsed.ParseFromString(*record);
  return parsed;
}

std::string ValidationCodeName(protos::TxValidationCode code) {
  const std::string& name = protos::TxValidationCode_Name(code);
  return name.empty() ? "CODE_" + std::to_string(static_cast<int>(code)) : name;
}

std::optional<protos::TxValidationCode> TxTimeline::validation_code() const {
  if (validation_codes.empty() || codes_disagree()) return std::nullopt;
  return validation_codes.begin()->second;
}

bool TxTimeline::codes_disagree() const {
  std::set<int> codes;
  for (const auto& [peer, code] : validation_codes) codes.insert(code);
  return codes.size() > 1;
}

std::string TxTimeline::validation_code_name() const {
  if (validation_codes.empty()) return "";
  if (codes_disagree()) return "DISAGREE";
  return ValidationCodeName(validation_codes.begin()->second);
}

const TxSpan* TxTimeline::Find(std::string_view phase, std::string_view node) const {
  for (const TxSpan& span : spans) {
    if (span.phase == phase && (node.empty() || span.node == node)) return &span;
  }
  return nullptr;
}

std::vector<const TxSpan*> TxTimeline::FindAll(std::string_view phase) const {
  std::vector<const TxSpan*> out;
  for (const TxSpan& span : spans) {
    if (span.phase == phase) out.push_back(&span);
  }
  return out;
}

int64_t TxTimeline::first_start() const {
  int64_t first = 0;
  for (const TxSpan& span : spans) {
    if (first == 0 || span.start_unix_nanos < first) first = span.start_unix_nanos;
  }
  return first;
}

int64_t TxTimeline::last_end() const {
  int64_t last = 0;
  for (const TxSpan& span : spans) last = std::max(last, span.end_unix_nanos);
  return last;
}

}  // namespace loom::lab
