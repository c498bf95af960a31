// TransactionRunner: runs one invocation on a registered chaincode's stream
// and serves the chaincode's requests until it finishes (the peer side of
// Fabric's handler.Execute and its Handle* functions).
//
// Sends TRANSACTION (INIT when input.is_init) with the ChaincodeInput, tx id,
// channel and SignedProposal, then answers each request with RESPONSE or an
// ERROR naming what is wrong:
//   GET_STATE, PUT_STATE, DEL_STATE      on invocation.simulator, always in
//                                        the namespace invocation.chaincode_name
//   GET_STATE_BY_RANGE (+ QueryMetadata pagination), QUERY_STATE_NEXT,
//   QUERY_STATE_CLOSE, GET_HISTORY_FOR_KEY   in QueryResponse batches
//                                        (open_queries.h)
//   INVOKE_CHAINCODE                     "name", "name:version" or
//                                        "name/channel" on the same channel
//                                        only, through `invoker` with the same
//                                        simulator and call_depth + 1; the
//                                        RESPONSE carries the callee's
//                                        COMPLETED message
// Private data (a collection), key metadata, rich queries and anything that
// is not a request get an ERROR. The run ends with the chaincode's COMPLETED
// (its protos.Response and event, the event stamped with the chaincode name
// and tx id as Fabric does) or ERROR (status 500, "transaction returned with
// failure: <text>").
//
// Errors of Run: DeadlineExceeded at invocation.deadline (the caller kills the
// chaincode), Unavailable when the stream ended, InvalidArgument when the
// chaincode broke a limit. Blocks the calling thread; the simulator is only
// used from it.
#pragma once

#include <cstdint>

#include "core/chaincode/handler.h"
#include "core/chaincode/invocation.h"
#include "core/chaincode/open_queries.h"

namespace loom::chaincode {

struct ServeOptions {
  int32_t max_results_per_batch = 100;  // Fabric's maxResultLimit
  int32_t total_query_limit = 100000;   // Fabric's ledger.state.totalQueryLimit
  int max_call_depth = 8;               // INVOKE_CHAINCODE hops allowed from the proposal's chaincode
};

class TransactionRunner {
 public:
  // All must outlive Run. `invoker` serves INVOKE_CHAINCODE (null: refused).
  TransactionRunner(Handler* handler, TransactionContext* context, const Invocation& invocation,
                    const ServeOptions& options, ChaincodeExecutor* invoker);

  Result<InvocationResult> Run();

 private:
  protos::ChaincodeMessage Serve(const protos::ChaincodeMessage& request);
  Result<std::string> GetState(const std::string& payload);
  Result<std::string> PutState(const std::string& payload);
  Result<std::string> DelState(const std::string& payload);
  Result<std::string> GetStateByRange(const std::string& payload);
  Result<std::string> QueryStateNext(const std::string& payload);
  Result<std::string> QueryStateClose(const std::string& payload);
  Result<std::string> GetHistoryForKey(const std::string& payload);
  Result<std::string> InvokeChaincode(const std::string& payload);
  Status CheckLedger(const char* request) const;
  InvocationResult Completed(const protos::ChaincodeMessage& message) const;

  Handler* const handler_;
  TransactionContext* const context_;
  const Invocation& invocation_;
  const ServeOptions options_;
  ChaincodeExecutor* const invoker_;
  OpenQueries queries_;
};

// An INVOKE_CHAINCODE target, Fabric's "name[:version][/channel]".
struct InvokeTarget {
  std::string chaincode_name;
  std::string channel_id;  // "" = the caller's
};
InvokeTarget ParseInvokeTarget(const std::string& text);

}  // namespace loom::chaincode
