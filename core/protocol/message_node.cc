#include "core/protocol/message_node.h"

#include <vector>

#include <google/protobuf/descriptor.h>

namespace loom::protocol {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// One value of `field`; `index` is used for repeated fields, -1 otherwise.
DecodedNode FieldValueNode(std::string name, const Message& message, const FieldDescriptor* field,
                           int index) {
  const Reflection* reflection = message.GetReflection();
  const bool repeated = index >= 0;
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return DecodedNode::Number(std::move(name), repeated
                                                      ? reflection->GetRepeatedInt32(message, field, index)
                                                      : reflection->GetInt32(message, field));
    case FieldDescriptor::CPPTYPE_INT64:
      return DecodedNode::Number(std::move(name), repeated
                                                      ? reflection->GetRepeatedInt64(message, field, index)
                                                      : reflection->GetInt64(message, field));
    case FieldDescriptor::CPPTYPE_UINT32:
      return DecodedNode::Unsigned(std::move(name), repeated
                                                        ? reflection->GetRepeatedUInt32(message, field, index)
                                                        : reflection->GetUInt32(message, field));
    case FieldDescriptor::CPPTYPE_UINT64:
      return DecodedNode::Unsigned(std::move(name), repeated
                                                        ? reflection->GetRepeatedUInt64(message, field, index)
                                                        : reflection->GetUInt64(message, field));
    case FieldDescriptor::CPPTYPE_BOOL:
      return DecodedNode::Bool(std::move(name), repeated ? reflection->GetRepeatedBool(message, field, index)
                                                         : reflection->GetBool(message, field));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return DecodedNode::Symbol(
          std::move(name), std::to_string(repeated ? reflection->GetRepeatedDouble(message, field, index)
                                                   : reflection->GetDouble(message, field)));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return DecodedNode::Symbol(std::move(name),
                                 std::to_string(repeated ? reflection->GetRepeatedFloat(message, field, index)
                                                         : reflection->GetFloat(message, field)));
    case FieldDescriptor::CPPTYPE_ENUM: {
      int value = repeated ? reflection->GetRepeatedEnumValue(message, field, index)
                           : reflection->GetEnumValue(message, field);
      const auto* enum_value = field->enum_type()->FindValueByNumber(value);
      return DecodedNode::Symbol(std::move(name),
                                 enum_value != nullptr ? enum_value->name() : std::to_string(value));
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string value = repeated ? reflection->GetRepeatedString(message, field, index)
                                   : reflection->GetString(message, field);
      if (field->type() == FieldDescriptor::TYPE_BYTES) return DecodedNode::Bytes(std::move(name), value);
      return DecodedNode::Text(std::move(name), value);
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return MessageNode(std::move(name), repeated ? reflection->GetRepeatedMessage(message, field, index)
                                                   : reflection->GetMessage(message, field));
  }
  return DecodedNode::Undecodable(std::move(name), "unknown field type");
}

}  // namespace

DecodedNode MessageNode(std::string name, const Message& message) {
  DecodedNode node = DecodedNode::Group(std::move(name));
  std::vector<const FieldDescriptor*> fields;
  message.GetReflection()->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->is_repeated()) {
      DecodedNode& list = node.Add(DecodedNode::List(field->name()));
      int size = message.GetReflection()->FieldSize(message, field);
      for (int i = 0; i < size; ++i) list.Add(FieldValueNode("", message, field, i));
    } else {
      node.Add(FieldValueNode(field->name(), message, field, -1));
    }
  }
  return node;
}

}  // namespace loom::protocol
