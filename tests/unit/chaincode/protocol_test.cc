// The shim protocol against scripted chaincodes on a real ChaincodeSupport:
// the handshake, each request type and the read-write set it leaves,
// range pages and pagination, history, INVOKE_CHAINCODE, and how a
// chaincode's own answer (COMPLETED, ERROR) becomes the invocation result.
#include <gtest/gtest.h>

#include "ledger/queryresult/kv_query_result.pb.h"
#include "runtime_fixture.h"

namespace loom::chaincode::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

protos::Response Ok(const std::string& payload = "") {
  protos::Response response;
  response.set_status(200);
  response.set_payload(payload);
  return response;
}

std::string GetStatePayload(const std::string& key, const std::string& collection = "") {
  protos::GetState request;
  request.set_key(key);
  request.set_collection(collection);
  return request.SerializeAsString();
}

std::string PutStatePayload(const std::string& key, const std::string& value) {
  protos::PutState request;
  request.set_key(key);
  request.set_value(value);
  return request.SerializeAsString();
}

std::string RangePayload(const std::string& start, const std::string& end, int32_t page_size = 0,
                         const std::string& bookmark = "") {
  protos::GetStateByRange request;
  request.set_startkey(start);
  request.set_endkey(end);
  if (page_size != 0 || !bookmark.empty()) {
    protos::QueryMetadata metadata;
    metadata.set_pagesize(page_size);
    metadata.set_bookmark(bookmark);
    request.set_metadata(metadata.SerializeAsString());
  }
  return request.SerializeAsString();
}

std::string IdPayload(const std::string& id) {
  protos::QueryStateNext request;
  request.set_id(id);
  return request.SerializeAsString();
}

protos::QueryResponse ParseQueryResponse(const std::optional<Message>& reply) {
  protos::QueryResponse response;
  EXPECT_TRUE(reply.has_value());
  if (!reply) return response;
  EXPECT_EQ(reply->type(), Message::RESPONSE) << reply->payload();
  EXPECT_TRUE(response.ParseFromString(reply->payload()));
  return response;
}

// "key=value" per result of a range page.
Lines Keys(const protos::QueryResponse& response) {
  Lines keys;
  for (const protos::QueryResultBytes& result : response.results()) {
    queryresult::KV kv;
    EXPECT_TRUE(kv.ParseFromString(result.resultbytes()));
    EXPECT_EQ(kv.namespace_(), "cc");
    keys.push_back(kv.key() + "=" + kv.value());
  }
  return keys;
}

protos::QueryResponseMetadata PageMetadata(const protos::QueryResponse& response) {
  protos::QueryResponseMetadata metadata;
  EXPECT_TRUE(metadata.ParseFromString(response.metadata()));
  return metadata;
}

class ProtocolTest : public RuntimeFixture {};

TEST(RegisteredNames, PlainNameAndPackageIdsMatchTheChaincodeName) {
  EXPECT_TRUE(RegisteredNameMatches("assets", "assets"));
  EXPECT_TRUE(RegisteredNameMatches("assets:1.0", "assets"));
  EXPECT_TRUE(RegisteredNameMatches("assets:7c3e9a", "assets"));
  EXPECT_FALSE(RegisteredNameMatches("assets2", "assets"));
  EXPECT_FALSE(RegisteredNameMatches("asset", "assets"));
  EXPECT_FALSE(RegisteredNameMatches("assets", ""));
}

TEST(InvokeTargets, NameVersionAndChannelAreSplit) {
  EXPECT_EQ(ParseInvokeTarget("cc2").chaincode_name, "cc2");
  EXPECT_EQ(ParseInvokeTarget("cc2").channel_id, "");
  EXPECT_EQ(ParseInvokeTarget("cc2/other").chaincode_name, "cc2");
  EXPECT_EQ(ParseInvokeTarget("cc2/other").channel_id, "other");
  EXPECT_EQ(ParseInvokeTarget("cc2:1.0/ch").chaincode_name, "cc2");
  EXPECT_EQ(ParseInvokeTarget("cc2:1.0/ch").channel_id, "ch");
}

TEST_F(ProtocolTest, HandshakeRegistersTheNameAndPackageIdsAreFoundByName) {
  auto chaincode = Connect("cc");
  auto packaged = Connect("assets:1a2b");
  EXPECT_NE(support_->registry().Find("cc"), nullptr);
  EXPECT_NE(support_->registry().Find("assets"), nullptr);
  EXPECT_EQ(support_->registry().Find("asset"), nullptr);
  EXPECT_EQ(support_->registry().Find("cc")->name(), "cc");
}

TEST_F(ProtocolTest, TransactionReadsWritesAndDeletesInItsOwnNamespace) {
  auto chaincode = Connect("cc");
  auto simulator = NewSimulator("tx1");
  Invocation invocation = MakeInvocation("cc", {"Transfer", "a", "b"}, simulator.get());
  protos::SignedProposal proposal;
  proposal.set_proposal_bytes("proposal bytes");
  proposal.set_signature("signature");
  invocation.signed_proposal = &proposal;
  auto result = ExecuteAsync(invocation);

  std::optional<Message> start = chaincode->Read();
  ASSERT_TRUE(start.has_value());
  EXPECT_EQ(start->type(), Message::TRANSACTION);
  EXPECT_EQ(start->txid(), invocation.tx_id);
  EXPECT_EQ(start->channel_id(), "ch");
  EXPECT_EQ(start->proposal().proposal_bytes(), "proposal bytes");
  protos::ChaincodeInput input;
  ASSERT_TRUE(input.ParseFromString(start->payload()));
  ASSERT_EQ(input.args_size(), 3);
  EXPECT_EQ(input.args(0), "Transfer");

  std::optional<Message> value = chaincode->Request(*start, Message::GET_STATE, GetStatePayload("k1"));
  ASSERT_TRUE(value.has_value());
  EXPECT_EQ(value->type(), Message::RESPONSE);
  EXPECT_EQ(value->payload(), "v1b");
  EXPECT_EQ(value->txid(), invocation.tx_id);
  std::optional<Message> absent = chaincode->Request(*start, Message::GET_STATE, GetStatePayload("missing"));
  ASSERT_TRUE(absent.has_value());
  EXPECT_EQ(absent->type(), Message::RESPONSE);
  EXPECT_EQ(absent->payload(), "");
  EXPECT_EQ(chaincode->Request(*start, Message::PUT_STATE, PutStatePayload("k9", "new"))->type(),
            Message::RESPONSE);
  protos::DelState del;
  del.set_key("k2");
  EXPECT_EQ(chaincode->Request(*start, Message::DEL_STATE, del.SerializeAsString())->type(),
            Message::RESPONSE);
  protos::ChaincodeEvent event;
  event.set_event_name("Transferred");
  event.set_payload("details");
  ASSERT_TRUE(chaincode->Complete(*start, Ok("done"), &event));

  Result<InvocationResult> outcome = result.get();
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->response.status(), 200);
  EXPECT_EQ(outcome->response.payload(), "done");
  ASSERT_TRUE(outcome->event.has_value());
  EXPECT_EQ(outcome->event->event_name(), "Transferred");
  EXPECT_EQ(outcome->event->chaincode_id(), "cc");
  EXPECT_EQ(outcome->event->tx_id(), invocation.tx_id);
  auto rwset = simulator->Finish();
  ASSERT_TRUE(rwset.ok());
  EXPECT_THAT(DumpRwSet(*rwset),
              ElementsAre("ns cc", "read k1@1:0", "read missing@-", "delete k2", "write k9=new"));
}

TEST_F(ProtocolTest, InitInputIsSentAsInit) {
  auto chaincode = Connect("cc");
  auto simulator = NewSimulator("tx1");
  Invocation invocation = MakeInvocation("cc", {"InitLedger"}, simulator.get());
  invocation.input.set_is_init(true);
  auto result = ExecuteAsync(invocation);
  std::optional<Message> start = chaincode->Read();
  ASSERT_TRUE(start.has_value());
  EXPECT_EQ(start->type(), Message::INIT);
  chaincode->Complete(*start, Ok());
  ASSERT_TRUE(result.get().ok());
}

TEST_F(ProtocolTest, ChaincodeErrorAndErrorStatusAreAnswersNotFailures) {
  auto chaincode = Connect("cc");
  auto simulator = NewSimulator("tx1");
  Invocation first = MakeInvocation("cc", {"Boom"}, simulator.get());
  auto result = ExecuteAsync(first);
  std::optional<Message> start = chaincode->Read();
  ASSERT_TRUE(start.has_value());
  Message error;
  error.set_type(Message::ERROR);
  error.set_payload("boom: asset x does not exist");
  error.set_txid(start->txid());
  error.set_channel_id(start->channel_id());
  chaincode->Send(error);
  Result<InvocationResult> outcome = result.get();
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->response.status(), 500);
  EXPECT_EQ(outcome->response.message(), "transaction returned with failure: boom: asset x does not exist");

  Invocation second = MakeInvocation("cc", {"Fails"}, simulator.get());
  result = ExecuteAsync(second);
  start = chaincode->Read();
  ASSERT_TRUE(start.has_value());
  protos::Response failed;
  failed.set_status(404);
  failed.set_message("asset y does not exist");
  chaincode->Complete(*start, failed);
  outcome = result.get();
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome->response.status(), 404);
  EXPECT_EQ(outcome->response.message(), "asset y does not exist");
}

TEST_F(ProtocolTest, RangeQueryIsAnsweredInBatchesWithQueryStateNext) {
  RuntimeOptions options;
  options.serve.max_results_per_batch = 2;
  StartPeer({}, options);
  auto chaincode = Connect("cc");
  auto simulator = NewSimulator("tx1");
  Invocation invocation = MakeInvocation("cc", {"GetAll"}, simulator.get());
  auto result = ExecuteAsync(invocation);
  std::optional<Message> start = chaincode->Read();
  ASSERT_TRUE(start.has_value());

  protos::QueryResponse first =
      ParseQueryResponse(chaincode->Request(*start, Message::GET_STATE_BY_RANGE, RangePayload("", "")));
  EXPECT_THAT(Keys(first), ElementsAre("k1=v1b", "k2=v2"));
  EXPECT_TRUE(first.has_more());
  protos::QueryResponse second =
      ParseQueryResponse(chaincode->Request(*start, Message::QUERY_STATE_NEXT, IdPayload(first.id())));
  EXPECT_THAT(Keys(second), ElementsAre("k3=v3", "k4=v4"));
  EXPECT_TRUE(second.has_more());
  protos::QueryResponse third =
      ParseQueryResponse(chaincode->Request(*start, Message::QUERY_STATE_NEXT, IdPayload(first.id())));
  EXPECT_THAT(Keys(third), ElementsAre("k5=v5"));
  EXPECT_FALSE(third.has_more());
  EXPECT_TRUE(third.metadata().empty());
  // The query ended with its last batch.
  std::optional<Message> gone = chaincode->Request(*start, Message::QUERY_STATE_NEXT, IdPayload(first.id()));
  ASSERT_TRUE(gone.has_value());
  EXPECT_EQ(gone->type(), Message::ERROR);
  EXPECT_THAT(gone->payload(), HasSubstr("not found"));

  // A second query closed early keeps only what was consumed.
  protos::QueryResponse partial =
      ParseQueryResponse(chaincode->Request(*start, Message::GET_STATE_BY_RANGE, RangePayload("k2", "k9")));
  EXPECT_THAT(Keys(partial), ElementsAre("k2=v2", "k3=v3"));
  protos::QueryResponse closed =
      ParseQueryResponse(chaincode->Request(*start, Message::QUERY_STATE_CLOSE, IdPayload(partial.id())));
  EXPECT_FALSE(closed.has_more());
  EXPECT_EQ(closed.id(), partial.id());
  chaincode->Complete(*start, Ok());
  ASSERT_TRUE(result.get().ok());
  auto rwset = simulator->Finish();
  ASSERT_TRUE(rwset.ok());
  // The second query consumed k2, k3 and (held for the next batch) k4.
  EXPECT_THAT(DumpRwSet(*rwset),
              ElementsAre("ns cc", "range [,) exhausted 5 reads", "range [k2,k4) open 3 reads"));
}

TEST_F(ProtocolTest, PaginatedRangeReturnsPagesWithBookmarks) {
  auto chaincode = Connect("cc");
  auto simulator = NewSimulator("tx1");
  Invocation invocation = MakeInvocation("cc", {"GetPage"}, simulator.get());
  auto result = ExecuteAsync(invocation);
  std::optional<Message> start = chaincode->Read();
  ASSERT_TRUE(start.has_value());

  protos::QueryResponse page1 =
      ParseQueryResponse(chaincode->Request(*start, Message::GET_STATE_BY_RANGE, RangePayload("", "", 2)));
  EXPECT_THAT(Keys(page1), ElementsAre("k1=v1b", "k2=v2"));
  EXPECT_FALSE(page1.has_more());
  EXPECT_EQ(PageMetadata(page1).fetched_records_count(), 2);
  EXPECT_EQ(PageMetadata(page1).bookmark(), "k3");
  protos::QueryResponse page2 = ParseQueryResponse(chaincode->Request(
      *start, Message::GET_STATE_BY_RANGE, RangePayload("", "", 2, PageMetadata(page1).bookmark())));
  EXPECT_THAT(Keys(page2), ElementsAre("k3=v3", "k4=v4"));
  protos::QueryResponse page3 = ParseQueryResponse(chaincode->Request(
      *start, Message::GET_STATE_BY_RANGE, RangePayload("", "", 2, PageMetadata(page2).bookmark())));
  EXPECT_THAT(Keys(page3), ElementsAre("k5=v5"));
  EXPECT_EQ(PageMetadata(page3).fetched_records_count(), 1);
  EXPECT_EQ(PageMetadata(page3).bookmark(), "");

  std::optional<Message> negative =
      chaincode->Request(*start, Message::GET_STATE_BY_RANGE, RangePayload("", "", -5));
  ASSERT_TRUE(negative.has_value());
  EXPECT_EQ(negative->type(), Message::ERROR);
  EXPECT_THAT(negative->payload(), HasSubstr("page size -5 is not positive"));
  // Pagination is for read-only transactions, as in Fabric: a write after it is refused.
  std::optional<Message> write = chaincode->Request(*start, Message::PUT_STATE, PutStatePayload("k1", "x"));
  ASSERT_TRUE(write.has_value());
  EXPECT_EQ(write->type(), Message::ERROR);
  chaincode->Complete(*start, Ok());
  ASSERT_TRUE(result.get().ok());
}

TEST_F(ProtocolTest, HugePageSizeIsCutAtTheTotalQueryLimit) {
  RuntimeOptions options;
  options.serve.total_query_limit = 3;
  options.serve.max_results_per_batch = 2;
  StartPeer({}, options);
  auto chaincode = Connect("cc");
  auto simulator = NewSimulator("tx1");
  Invocation invocation = MakeInvocation("cc", {"GetPage"}, simulator.get());
  auto result = ExecuteAsync(invocation);
  std::optional<Message> start = chaincode->Read();
  ASSERT_TRUE(start.has_value());
  protos::QueryResponse first = ParseQueryResponse(
      chaincode->Request(*start, Message::GET_STATE_BY_RANGE, RangePayload("", "", 2147483647)));
  EXPECT_THAT(Keys(first), ElementsAre("k1=v1b", "k2=v2"));
  EXPECT_TRUE(first.has_more());
  protos::QueryResponse last =
      ParseQueryResponse(chaincode->Request(*start, Message::QUERY_STATE_NEXT, IdPayload(first.id())));
  EXPECT_THAT(Keys(last), ElementsAre("k3=v3"));
  EXPECT_FALSE(last.has_more());
  EXPECT_EQ(PageMetadata(last).fetched_records_count(), 3);
  EXPECT_EQ(PageMetadata(last).bookmark(), "k4");
  // Unpaginated queries stop at the limit too.
  protos::QueryResponse unpaged =
      ParseQueryResponse(chaincode->Request(*start, Message::GET_STATE_BY_RANGE, RangePayload("k2", "")));
  protos::QueryResponse rest =
      ParseQueryResponse(chaincode->Request(*start, Message::QUERY_STATE_NEXT, IdPayload(unpaged.id())));
  EXPECT_THAT(Keys(rest), ElementsAre("k4=v4"));
  EXPECT_FALSE(rest.has_more());
  chaincode->Complete(*start, Ok());
  ASSERT_TRUE(result.get().ok());
}

TEST_F(ProtocolTest, HistoryForKeyListsEveryCommittedWrite) {
  auto chaincode = Connect("cc");
  auto simulator = NewSimulator("tx1");
  Invocation invocation = MakeInvocation("cc", {"History"}, simulator.get());
  auto result = ExecuteAsync(invocation);
  std::optional<Message> start = chaincode->Read();
  ASSERT_TRUE(start.has_value());
  protos::GetHistoryForKey request;
  request.set_key("k1");
  protos::QueryResponse history = ParseQueryResponse(
      chaincode->Request(*start, Message::GET_HISTORY_FOR_KEY, request.SerializeAsString()));
  EXPECT_FALSE(history.has_more());
  ASSERT_EQ(history.results_size(), 2);
  std::vector<std::string> seen;
  for (const protos::QueryResultBytes& bytes : history.results()) {
    queryresult::KeyModification modification;
    ASSERT_TRUE(modification.ParseFromString(bytes.resultbytes()));
    seen.push_back(modification.tx_id() + "=" + modification.value());
    EXPECT_GT(modification.timestamp().seconds(), 0);
  }
  EXPECT_THAT(seen, ::testing::UnorderedElementsAre(history_tx_ids_[0] + "=v1", history_tx_ids_[1] + "=v1b"));
  chaincode->Complete(*start, Ok());
  ASSERT_TRUE(result.get().ok());
  auto rwset = simulator->Finish();
  ASSERT_TRUE(rwset.ok());
  EXPECT_TRUE(DumpRwSet(*rwset).empty());  // history reads are not recorded
}

// A second scripted chaincode answering one invocation on its own thread:
// it writes `key` and returns `payload`.
std::thread ServeOnce(ScriptedChaincode* callee, std::string key, std::string payload,
                      std::vector<std::string>* args_seen) {
  return std::thread([=] {
    std::optional<Message> start = callee->Read();
    if (!start) return;
    protos::ChaincodeInput input;
    input.ParseFromString(start->payload());
    for (const std::string& arg : input.args()) args_seen->push_back(arg);
    callee->Request(*start, Message::PUT_STATE, PutStatePayload(key, "from-callee"));
    callee->Complete(*start, Ok(payload));
  });
}

std::string InvokePayload(const std::string& target, std::vector<std::string> args) {
  protos::ChaincodeSpec spec;
  spec.mutable_chaincode_id()->set_name(target);
  for (const std::string& arg : args) spec.mutable_input()->add_args(arg);
  return spec.SerializeAsString();
}

TEST_F(ProtocolTest, InvokeChaincodeRunsTheCalleeOnTheSameSimulatorInItsNamespace) {
  auto caller = Connect("cc");
  auto callee = Connect("cc2");
  auto simulator = NewSimulator("tx1");
  Invocation invocation = MakeInvocation("cc", {"CallOther"}, simulator.get());
  auto result = ExecuteAsync(invocation);
  std::optional<Message> start = caller->Read();
  ASSERT_TRUE(start.has_value());
  std::vector<std::string> callee_args;
  std::thread callee_thread = ServeOnce(callee.get(), "x", "callee says hi", &callee_args);
  std::optional<Message> reply =
      caller->Request(*start, Message::INVOKE_CHAINCODE, InvokePayload("cc2/ch", {"Hello", "1"}));
  callee_thread.join();
  ASSERT_TRUE(reply.has_value());
  ASSERT_EQ(reply->type(), Message::RESPONSE) << reply->payload();
  Message completed;
  ASSERT_TRUE(completed.ParseFromString(reply->payload()));
  EXPECT_EQ(completed.type(), Message::COMPLETED);
  protos::Response response;
  ASSERT_TRUE(response.ParseFromString(completed.payload()));
  EXPECT_EQ(response.status(), 200);
  EXPECT_EQ(response.payload(), "callee says hi");
  EXPECT_THAT(callee_args, ElementsAre("Hello", "1"));
  caller->Request(*start, Message::PUT_STATE, PutStatePayload("y", "from-caller"));
  caller->Complete(*start, Ok());
  ASSERT_TRUE(result.get().ok());
  auto rwset = simulator->Finish();
  ASSERT_TRUE(rwset.ok());
  EXPECT_THAT(DumpRwSet(*rwset),
              ElementsAre("ns cc", "write y=from-caller", "ns cc2", "write x=from-callee"));
}

// An in-peer chaincode (a system chaincode's place) that records its calls.
class FakeExecutor : public ChaincodeExecutor {
 public:
  Result<InvocationResult> Execute(const Invocation& invocation) override {
    seen_name = invocation.chaincode_name;
    seen_depth = invocation.call_depth;
    seen_simulator = invocation.simulator;
    seen_tx_id = invocation.tx_id;
    seen_args.assign(invocation.input.args().begin(), invocation.input.args().end());
    InvocationResult result;
    result.response.set_status(200);
    result.response.set_payload("fake answer");
    return result;
  }
  std::string seen_name;
  int seen_depth = -1;
  const ledger::TxSimulator* seen_simulator = nullptr;
  std::string seen_tx_id;
  std::vector<std::string> seen_args;
};

TEST_F(ProtocolTest, InvokeChaincodeGoesThroughTheRouterWithDepthAndChannelChecks) {
  RuntimeOptions options;
  options.serve.max_call_depth = 1;
  StartPeer({}, options);
  FakeExecutor fake;
  ExecutorRouter router;
  router.Register("fakescc", &fake);
  router.SetFallback(runtime_.get());
  runtime_->SetInvoker(&router);
  auto caller = Connect("cc");
  auto simulator = NewSimulator("tx1");
  Invocation invocation = MakeInvocation("cc", {"CallSystem"}, simulator.get());
  auto result = ExecuteAsync(invocation);
  std::optional<Message> start = caller->Read();
  ASSERT_TRUE(start.has_value());

  std::optional<Message> reply =
      caller->Request(*start, Message::INVOKE_CHAINCODE, InvokePayload("fakescc", {"Query", "a"}));
  ASSERT_TRUE(reply.has_value());
  ASSERT_EQ(reply->type(), Message::RESPONSE) << reply->payload();
  Message completed;
  ASSERT_TRUE(completed.ParseFromString(reply->payload()));
  protos::Response response;
  ASSERT_TRUE(response.ParseFromString(completed.payload()));
  EXPECT_EQ(response.payload(), "fake answer");
  EXPECT_EQ(fake.seen_name, "fakescc");
  EXPECT_EQ(fake.seen_depth, 1);
  EXPECT_EQ(fake.seen_simulator, simulator.get());
  EXPECT_EQ(fake.seen_tx_id, invocation.tx_id);
  EXPECT_THAT(fake.seen_args, ElementsAre("Query", "a"));

  std::optional<Message> other_channel =
      caller->Request(*start, Message::INVOKE_CHAINCODE, InvokePayload("fakescc/otherchannel", {"Query"}));
  ASSERT_TRUE(other_channel.has_value());
  EXPECT_EQ(other_channel->type(), Message::ERROR);
  EXPECT_THAT(other_channel->payload(), HasSubstr("channel 'otherchannel'"));
  std::optional<Message> unknown =
      caller->Request(*start, Message::INVOKE_CHAINCODE, InvokePayload("nosuch", {}));
  ASSERT_TRUE(unknown.has_value());
  EXPECT_EQ(unknown->type(), Message::ERROR);
  EXPECT_THAT(unknown->payload(), HasSubstr("no chaincode package installed for nosuch"));
  // Invoking itself within the same transaction is refused, as in Fabric.
  std::optional<Message> itself = caller->Request(*start, Message::INVOKE_CHAINCODE, InvokePayload("cc", {}));
  ASSERT_TRUE(itself.has_value());
  EXPECT_EQ(itself->type(), Message::ERROR);
  EXPECT_THAT(itself->payload(), HasSubstr("already running transaction"));
  caller->Complete(*start, Ok());
  ASSERT_TRUE(result.get().ok());

  // At depth 1 (the limit), a further hop is refused.
  Invocation deep = MakeInvocation("cc", {"Deep"}, simulator.get());
  deep.call_depth = 1;
  result = ExecuteAsync(deep);
  start = caller->Read();
  ASSERT_TRUE(start.has_value());
  std::optional<Message> too_deep =
      caller->Request(*start, Message::INVOKE_CHAINCODE, InvokePayload("fakescc", {}));
  ASSERT_TRUE(too_deep.has_value());
  EXPECT_EQ(too_deep->type(), Message::ERROR);
  EXPECT_THAT(too_deep->payload(), HasSubstr("call depth 2 exceeds the limit of 1"));
  caller->Complete(*start, Ok());
  ASSERT_TRUE(result.get().ok());
}

TEST_F(ProtocolTest, ConcurrentTransactionsOnOneStreamAreKeptApart) {
  auto chaincode = Connect("cc");
  constexpr int kTransactions = 8;
  std::vector<std::unique_ptr<ledger::TxSimulator>> simulators;
  std::vector<Invocation> invocations;
  for (int i = 0; i < kTransactions; ++i) {
    simulators.push_back(NewSimulator("tx" + std::to_string(i)));
    invocations.push_back(MakeInvocation("cc", {"Put", std::to_string(i)}, simulators.back().get()));
  }
  std::vector<std::future<Result<InvocationResult>>> results;
  for (const Invocation& invocation : invocations) results.push_back(ExecuteAsync(invocation));
  std::vector<Message> starts;
  for (int i = 0; i < kTransactions; ++i) {
    std::optional<Message> start = chaincode->Read();
    ASSERT_TRUE(start.has_value());
    starts.push_back(*start);
  }
  // Answer in reverse arrival order; each writes its own argument.
  for (auto start = starts.rbegin(); start != starts.rend(); ++start) {
    protos::ChaincodeInput input;
    ASSERT_TRUE(input.ParseFromString(start->payload()));
    std::optional<Message> reply =
        chaincode->Request(*start, Message::PUT_STATE, PutStatePayload("key", "value" + input.args(1)));
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(reply->type(), Message::RESPONSE);
    EXPECT_EQ(reply->txid(), start->txid());
    chaincode->Complete(*start, Ok(input.args(1)));
  }
  for (int i = 0; i < kTransactions; ++i) {
    Result<InvocationResult> outcome = results[i].get();
    ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
    EXPECT_EQ(outcome->response.payload(), std::to_string(i));
    auto rwset = simulators[i]->Finish();
    ASSERT_TRUE(rwset.ok());
    EXPECT_THAT(DumpRwSet(*rwset), ElementsAre("ns cc", "write key=value" + std::to_string(i)));
  }
}

TEST_F(ProtocolTest, UnknownChaincodeIsNotFound) {
  auto simulator = NewSimulator("tx1");
  Invocation invocation = MakeInvocation("nosuch", {"x"}, simulator.get());
  Result<InvocationResult> result = runtime_->Execute(invocation);
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.status().IsNotFound()) << result.status().ToString();
}

}  // namespace
}  // namespace loom::chaincode::testing
