#include "core/lifecycle/definition_state.h"

#include <functional>

#include "peer/lifecycle/chaincode_definition.pb.h"
#include "peer/lifecycle/db.pb.h"

namespace loom::lifecycle {
namespace {

constexpr char kDatatype[] = "ChaincodeDefinition";
constexpr char kSequenceField[] = "Sequence";
constexpr char kEndorsementInfoField[] = "EndorsementInfo";
constexpr char kValidationInfoField[] = "ValidationInfo";
constexpr char kCollectionsField[] = "Collections";
// In Fabric's struct order, which its serializer stores in the metadata.
const std::vector<std::string>& AllFields() {
  static const std::vector<std::string> fields = {kSequenceField, kEndorsementInfoField, kValidationInfoField,
                                                  kCollectionsField};
  return fields;
}

using StateGetter = std::function<Result<std::optional<std::string>>(const std::string& key)>;

std::string Where(const std::string& key) {
  return std::string(kLifecycleName) + " key '" + key + "'";
}

// The StateData of a field; an absent key decodes as empty, as in Fabric.
Result<::lifecycle::StateData> ReadField(const StateGetter& get, const std::string& name, const char* field) {
  std::string key = DefinitionFieldKey(name, field);
  LOOM_ASSIGN_OR_RETURN(std::optional<std::string> bytes, get(key));
  ::lifecycle::StateData data;
  if (bytes && !data.ParseFromString(*bytes))
    return Status::Corruption(Where(key) + ": not a lifecycle.StateData");
  return data;
}

Result<std::string> ReadBytesField(const StateGetter& get, const std::string& name, const char* field) {
  LOOM_ASSIGN_OR_RETURN(::lifecycle::StateData data, ReadField(get, name, field));
  if (data.Type_case() == ::lifecycle::StateData::TYPE_NOT_SET) return std::string();
  if (data.Type_case() != ::lifecycle::StateData::kBytes)
    return Status::Corruption(Where(DefinitionFieldKey(name, field)) + ": expected Bytes");
  return data.bytes();
}

template <typename Message>
Status ReadProtoField(const StateGetter& get, const std::string& name, const char* field, Message* message) {
  LOOM_ASSIGN_OR_RETURN(std::string bytes, ReadBytesField(get, name, field));
  if (!message->ParseFromString(bytes))
    return Status::Corruption(Where(DefinitionFieldKey(name, field)) + ": not a " + message->GetTypeName());
  return Status::Ok();
}

Result<std::optional<ChaincodeDefinition>> ReadWith(const StateGetter& get, const std::string& name) {
  std::string metadata_key = DefinitionMetadataKey(name);
  LOOM_ASSIGN_OR_RETURN(std::optional<std::string> metadata_bytes, get(metadata_key));
  if (!metadata_bytes) return std::optional<ChaincodeDefinition>();
  ::lifecycle::StateMetadata metadata;
  if (!metadata.ParseFromString(*metadata_bytes))
    return Status::Corruption(Where(metadata_key) + ": not a lifecycle.StateMetadata");
  if (metadata.datatype() != kDatatype)
    return Status::Corruption(Where(metadata_key) + ": datatype '" + metadata.datatype() + "', expected '" +
                              kDatatype + "'");

  ChaincodeDefinition definition;
  definition.name = name;
  LOOM_ASSIGN_OR_RETURN(::lifecycle::StateData sequence, ReadField(get, name, kSequenceField));
  if (sequence.Type_case() != ::lifecycle::StateData::kInt64 &&
      sequence.Type_case() != ::lifecycle::StateData::TYPE_NOT_SET)
    return Status::Corruption(Where(DefinitionFieldKey(name, kSequenceField)) + ": expected Int64");
  definition.sequence = sequence.int64();

  ::lifecycle::ChaincodeEndorsementInfo endorsement;
  LOOM_RETURN_IF_ERROR(ReadProtoField(get, name, kEndorsementInfoField, &endorsement));
  definition.version = endorsement.version();
  definition.init_required = endorsement.init_required();
  definition.endorsement_plugin = endorsement.endorsement_plugin();

  ::lifecycle::ChaincodeValidationInfo validation;
  LOOM_RETURN_IF_ERROR(ReadProtoField(get, name, kValidationInfoField, &validation));
  definition.validation_plugin = validation.validation_plugin();
  definition.validation_parameter = validation.validation_parameter();

  LOOM_RETURN_IF_ERROR(ReadProtoField(get, name, kCollectionsField, &definition.collections));
  return std::optional<ChaincodeDefinition>(std::move(definition));
}

// Every field's StateData bytes, keyed by field name, as Fabric marshals them.
std::vector<std::pair<std::string, std::string>> EncodeFields(const ChaincodeDefinition& definition) {
  ::lifecycle::ChaincodeEndorsementInfo endorsement;
  endorsement.set_version(definition.version);
  endorsement.set_init_required(definition.init_required);
  endorsement.set_endorsement_plugin(definition.endorsement_plugin);
  ::lifecycle::ChaincodeValidationInfo validation;
  validation.set_validation_plugin(definition.validation_plugin);
  validation.set_validation_parameter(definition.validation_parameter);

  ::lifecycle::StateData sequence, endorsement_data, validation_data, collections_data;
  sequence.set_int64(definition.sequence);
  endorsement_data.set_bytes(endorsement.SerializeAsString());
  validation_data.set_bytes(validation.SerializeAsString());
  collections_data.set_bytes(definition.collections.SerializeAsString());
  return {{kSequenceField, sequence.SerializeAsString()},
          {kEndorsementInfoField, endorsement_data.SerializeAsString()},
          {kValidationInfoField, validation_data.SerializeAsString()},
          {kCollectionsField, collections_data.SerializeAsString()}};
}

StateGetter SnapshotGetter(const ledger::StateSnapshot& state) {
  return [&state](const std::string& key) -> Result<std::optional<std::string>> {
    LOOM_ASSIGN_OR_RETURN(std::optional<ledger::VersionedValue> value, state.Get(kLifecycleName, key));
    if (!value) return std::optional<std::string>();
    return std::optional<std::string>(std::move(value->value));
  };
}

StateGetter SimulatorGetter(ledger::TxSimulator& simulator) {
  return [&simulator](const std::string& key) { return simulator.GetState(kLifecycleName, key); };
}

// The chaincode name of a metadata key, or an error for a key outside the range.
Result<std::string> NameOfMetadataKey(const std::string& key) {
  std::string prefix = DefinitionMetadataRangeStart();
  if (key.compare(0, prefix.size(), prefix) != 0 || key.size() == prefix.size())
    return Status::Corruption(Where(key) + ": not a definition metadata key");
  return key.substr(prefix.size());
}

}  // namespace

Result<std::optional<ChaincodeDefinition>> ReadDefinition(const ledger::StateSnapshot& state,
                                                          const std::string& name) {
  return ReadWith(SnapshotGetter(state), name);
}

Result<std::optional<ChaincodeDefinition>> ReadDefinition(ledger::TxSimulator& simulator,
                                                          const std::string& name) {
  return ReadWith(SimulatorGetter(simulator), name);
}

Result<std::vector<ChaincodeDefinition>> ListDefinitions(const ledger::StateSnapshot& state) {
  std::vector<std::string> names;
  ledger::StateRangeIterator it =
      state.GetRange(kLifecycleName, DefinitionMetadataRangeStart(), DefinitionMetadataRangeEnd());
  while (true) {
    LOOM_ASSIGN_OR_RETURN(std::optional<ledger::StateEntry> entry, it.Next());
    if (!entry) break;
    LOOM_ASSIGN_OR_RETURN(std::string name, NameOfMetadataKey(entry->key));
    names.push_back(std::move(name));
  }
  std::vector<ChaincodeDefinition> definitions;
  StateGetter get = SnapshotGetter(state);
  for (const std::string& name : names) {
    LOOM_ASSIGN_OR_RETURN(std::optional<ChaincodeDefinition> definition, ReadWith(get, name));
    if (definition) definitions.push_back(std::move(*definition));
  }
  return definitions;
}

Result<std::vector<ChaincodeDefinition>> ListDefinitions(ledger::TxSimulator& simulator) {
  std::vector<std::string> names;
  LOOM_ASSIGN_OR_RETURN(ledger::RangeQueryIterator * it,
                        simulator.GetStateByRange(kLifecycleName, DefinitionMetadataRangeStart(),
                                                  DefinitionMetadataRangeEnd()));
  while (true) {
    LOOM_ASSIGN_OR_RETURN(std::optional<ledger::RangeResult> entry, it->Next());
    if (!entry) break;
    LOOM_ASSIGN_OR_RETURN(std::string name, NameOfMetadataKey(entry->key));
    names.push_back(std::move(name));
  }
  it->Close();
  std::vector<ChaincodeDefinition> definitions;
  StateGetter get = SimulatorGetter(simulator);
  for (const std::string& name : names) {
    LOOM_ASSIGN_OR_RETURN(std::optional<ChaincodeDefinition> definition, ReadWith(get, name));
    if (definition) definitions.push_back(std::move(*definition));
  }
  return definitions;
}

Status WriteDefinition(ledger::TxSimulator& simulator, const ChaincodeDefinition& definition,
                       const std::optional<ChaincodeDefinition>& current) {
  std::vector<std::pair<std::string, std::string>> current_fields;
  if (current) current_fields = EncodeFields(*current);
  std::vector<std::pair<std::string, std::string>> fields = EncodeFields(definition);
  for (size_t i = 0; i < fields.size(); ++i) {
    const auto& [field, bytes] = fields[i];
    if (!current_fields.empty() && current_fields[i].second == bytes) continue;  // unchanged: not written
    LOOM_RETURN_IF_ERROR(
        simulator.PutState(kLifecycleName, DefinitionFieldKey(definition.name, field), bytes));
  }
  if (!current) {
    ::lifecycle::StateMetadata metadata;
    metadata.set_datatype(kDatatype);
    for (const std::string& field : AllFields()) metadata.add_fields(field);
    LOOM_RETURN_IF_ERROR(simulator.PutState(kLifecycleName, DefinitionMetadataKey(definition.name),
                                            metadata.SerializeAsString()));
  }
  return Status::Ok();
}

}  // namespace loom::lifecycle
