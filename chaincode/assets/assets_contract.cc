#include "chaincode/assets/assets_contract.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "chaincode/assets/asset.h"

namespace loom::samples {
namespace {

using shim::ChaincodeStub;
using shim::Response;
using Params = std::vector<std::string>;

constexpr char kContractName[] = "SmartContract";

Status CheckParamCount(const Params& params, size_t expected) {
  if (params.size() == expected) return Status::Ok();
  return Status::InvalidArgument("Incorrect number of params. Expected " + std::to_string(expected) +
                                 ", received " + std::to_string(params.size()));
}

// Parameters are named param0, param1, ... as in Go's contract API metadata.
Result<int64_t> IntParam(const Params& params, size_t index) {
  int64_t value = 0;
  if (!ParseGoInt(params[index], &value)) {
    return Status::InvalidArgument("Error managing parameter param" + std::to_string(index) +
                                   ". Conversion error. Cannot convert passed value " + params[index] +
                                   " to int");
  }
  return value;
}

Result<bool> AssetExists(ChaincodeStub& stub, const std::string& id) {
  Result<std::optional<std::string>> value = stub.GetState(id);
  if (!value.ok()) return Status::Internal("failed to read from world state: " + value.status().message());
  return value->has_value();
}

Result<Asset> ReadAsset(ChaincodeStub& stub, const std::string& id) {
  Result<std::optional<std::string>> value = stub.GetState(id);
  if (!value.ok()) return Status::Internal("failed to read from world state: " + value.status().message());
  if (!value->has_value()) return Status::NotFound("the asset " + id + " does not exist");
  return AssetFromJson(**value);
}

// Create and Update take the same five parameters.
Result<Asset> AssetFromParams(const Params& params) {
  LOOM_RETURN_IF_ERROR(CheckParamCount(params, 5));
  Asset asset;
  asset.id = params[0];
  asset.color = params[1];
  LOOM_ASSIGN_OR_RETURN(asset.size, IntParam(params, 2));
  asset.owner = params[3];
  LOOM_ASSIGN_OR_RETURN(asset.appraised_value, IntParam(params, 4));
  return asset;
}

Result<std::string> InitLedger(ChaincodeStub& stub, const Params& params) {
  LOOM_RETURN_IF_ERROR(CheckParamCount(params, 0));
  const std::vector<Asset> assets = {
      {300, "blue", "asset1", "Tomoko", 5},    {400, "red", "asset2", "Brad", 5},
      {500, "green", "asset3", "Jin Soo", 10}, {600, "yellow", "asset4", "Max", 10},
      {700, "black", "asset5", "Adriana", 15}, {800, "white", "asset6", "Michel", 15},
  };
  for (const Asset& asset : assets) {
    Status put = stub.PutState(asset.id, AssetToJson(asset));
    if (!put.ok()) return Status::Internal("failed to put to world state. " + put.message());
  }
  return std::string();
}

Result<std::string> CreateAsset(ChaincodeStub& stub, const Params& params) {
  LOOM_ASSIGN_OR_RETURN(Asset asset, AssetFromParams(params));
  LOOM_ASSIGN_OR_RETURN(bool exists, AssetExists(stub, asset.id));
  if (exists) return Status::AlreadyExists("the asset " + asset.id + " already exists");
  LOOM_RETURN_IF_ERROR(stub.PutState(asset.id, AssetToJson(asset)));
  return std::string();
}

Result<std::string> ReadAssetFunction(ChaincodeStub& stub, const Params& params) {
  LOOM_RETURN_IF_ERROR(CheckParamCount(params, 1));
  LOOM_ASSIGN_OR_RETURN(Asset asset, ReadAsset(stub, params[0]));
  return AssetToJson(asset);
}

Result<std::string> UpdateAsset(ChaincodeStub& stub, const Params& params) {
  LOOM_ASSIGN_OR_RETURN(Asset asset, AssetFromParams(params));
  LOOM_ASSIGN_OR_RETURN(bool exists, AssetExists(stub, asset.id));
  if (!exists) return Status::NotFound("the asset " + asset.id + " does not exist");
  LOOM_RETURN_IF_ERROR(stub.PutState(asset.id, AssetToJson(asset)));
  return std::string();
}

Result<std::string> DeleteAsset(ChaincodeStub& stub, const Params& params) {
  LOOM_RETURN_IF_ERROR(CheckParamCount(params, 1));
  LOOM_ASSIGN_OR_RETURN(bool exists, AssetExists(stub, params[0]));
  if (!exists) return Status::NotFound("the asset " + params[0] + " does not exist");
  LOOM_RETURN_IF_ERROR(stub.DelState(params[0]));
  return std::string();
}

Result<std::string> AssetExistsFunction(ChaincodeStub& stub, const Params& params) {
  LOOM_RETURN_IF_ERROR(CheckParamCount(params, 1));
  LOOM_ASSIGN_OR_RETURN(bool exists, AssetExists(stub, params[0]));
  return std::string(exists ? "true" : "false");
}

Result<std::string> TransferAsset(ChaincodeStub& stub, const Params& params) {
  LOOM_RETURN_IF_ERROR(CheckParamCount(params, 2));
  LOOM_ASSIGN_OR_RETURN(Asset asset, ReadAsset(stub, params[0]));
  std::string old_owner = asset.owner;
  asset.owner = params[1];
  LOOM_RETURN_IF_ERROR(stub.PutState(asset.id, AssetToJson(asset)));
  return old_owner;
}

Result<std::string> GetAllAssets(ChaincodeStub& stub, const Params& params) {
  LOOM_RETURN_IF_ERROR(CheckParamCount(params, 0));
  // An empty start and end is an open-ended query of the whole namespace.
  LOOM_ASSIGN_OR_RETURN(shim::StateIterator results, stub.GetStateByRange("", ""));
  std::vector<Asset> assets;
  while (results.HasNext()) {
    LOOM_ASSIGN_OR_RETURN(queryresult::KV kv, results.Next());
    LOOM_ASSIGN_OR_RETURN(Asset asset, AssetFromJson(kv.value()));
    assets.push_back(std::move(asset));
  }
  LOOM_RETURN_IF_ERROR(results.Close());
  if (assets.empty()) return std::string();  // Go's contract API renders a nil slice as ""
  return AssetsToJson(assets);
}

using Function = std::function<Result<std::string>(ChaincodeStub&, const Params&)>;

const std::map<std::string, Function>& Functions() {
  static const auto* functions = new std::map<std::string, Function>{
      {"InitLedger", InitLedger},       {"CreateAsset", CreateAsset},   {"ReadAsset", ReadAssetFunction},
      {"UpdateAsset", UpdateAsset},     {"DeleteAsset", DeleteAsset},   {"AssetExists", AssetExistsFunction},
      {"TransferAsset", TransferAsset}, {"GetAllAssets", GetAllAssets},
  };
  return *functions;
}

}  // namespace

Response AssetTransferContract::Init(ChaincodeStub& stub) {
  if (stub.GetArgs().empty()) return Response::Success();
  return Invoke(stub);
}

Response AssetTransferContract::Invoke(ChaincodeStub& stub) {
  auto [function, params] = stub.GetFunctionAndParameters();
  const std::string prefix = std::string(kContractName) + ":";
  if (function.rfind(prefix, 0) == 0) function.erase(0, prefix.size());
  auto it = Functions().find(function);
  if (it == Functions().end()) {
    return Response::Error("Function " + function + " not found in contract " + kContractName);
  }
  Result<std::string> result = it->second(stub, params);
  if (!result.ok()) return Response::Error(result.status().message());
  return Response::Success(std::move(*result));
}

}  // namespace loom::samples
