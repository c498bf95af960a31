// An untrusted chaincode: bad bytes, messages for transactions it is not
// running, unexpected types, a second REGISTER, a taken name, a request storm,
// an oversized message, private data, a broken stream and a deadline. Each
// gets an ERROR reply or ends the transaction (or stream) with a clear
// error; the peer keeps serving.
#include <gtest/gtest.h>

#include "runtime_fixture.h"

namespace loom::chaincode::testing {
namespace {

using ::testing::HasSubstr;

protos::Response Ok() {
  protos::Response response;
  response.set_status(200);
  return response;
}

std::string PutStatePayload(const std::string& key, const std::string& value) {
  protos::PutState request;
  request.set_key(key);
  request.set_value(value);
  return request.SerializeAsString();
}

class MisbehaviourTest : public RuntimeFixture {};

TEST_F(MisbehaviourTest, FirstMessageMustBeRegister) {
  ScriptedChaincode chaincode(address_);
  Message ready;
  ready.set_type(Message::READY);
  ASSERT_TRUE(chaincode.Send(ready));
  std::optional<Message> error = chaincode.Read();
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->type(), Message::ERROR);
  EXPECT_THAT(error->payload(), HasSubstr("expected REGISTER as the first message"));
  EXPECT_FALSE(chaincode.Read().has_value());  // and the stream ends
}

TEST_F(MisbehaviourTest, RegisterWithoutANameIsRefused) {
  ScriptedChaincode chaincode(address_);
  Message registration;
  registration.set_type(Message::REGISTER);
  registration.set_payload("\xff\xff");
  ASSERT_TRUE(chaincode.Send(registration));
  std::optional<Message> error = chaincode.Read();
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->type(), Message::ERROR);
  EXPECT_THAT(error->payload(), HasSubstr("does not carry a ChaincodeID with a name"));
  EXPECT_FALSE(chaincode.Read().has_value());
}

TEST_F(MisbehaviourTest, ATakenNameIsRefusedAndTheFirstKeepsServing) {
  auto first = Connect("cc");
  ScriptedChaincode second(address_);
  protos::ChaincodeID id;
  id.set_name("cc");
  Message registration;
  registration.set_type(Message::REGISTER);
  registration.set_payload(id.SerializeAsString());
  ASSERT_TRUE(second.Send(registration));
  std::optional<Message> error = second.Read();
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->type(), Message::ERROR);
  EXPECT_THAT(error->payload(), HasSubstr("already connected"));
  EXPECT_FALSE(second.Read().has_value());

  auto simulator = NewSimulator("tx1");
  Invocation invocation = MakeInvocation("cc", {"f"}, simulator.get());
  auto result = ExecuteAsync(invocation);
  std::optional<Message> start = first->Read();
  ASSERT_TRUE(start.has_value());
  first->Complete(*start, Ok());
  ASSERT_TRUE(result.get().ok());
}

TEST_F(MisbehaviourTest, BadBytesUnknownTxidsAndSecondRegisterGetErrorsAndChangeNothing) {
  auto chaincode = Connect("cc");
  ASSERT_TRUE(chaincode->SendBytes(std::string("\xff\xff\xff\xff", 4)));
  std::optional<Message> malformed = chaincode->Read();
  ASSERT_TRUE(malformed.has_value());
  EXPECT_EQ(malformed->type(), Message::ERROR);
  EXPECT_THAT(malformed->payload(), HasSubstr("malformed ChaincodeMessage"));

  Message stray;
  stray.set_type(Message::PUT_STATE);
  stray.set_txid("not-running");
  stray.set_channel_id("ch");
  stray.set_payload(PutStatePayload("k", "v"));
  ASSERT_TRUE(chaincode->Send(stray));
  std::optional<Message> unknown = chaincode->Read();
  ASSERT_TRUE(unknown.has_value());
  EXPECT_EQ(unknown->type(), Message::ERROR);
  EXPECT_EQ(unknown->txid(), "not-running");
  EXPECT_THAT(unknown->payload(), HasSubstr("no transaction not-running on channel 'ch' is in progress"));

  protos::ChaincodeID id;
  id.set_name("other");
  Message again;
  again.set_type(Message::REGISTER);
  again.set_payload(id.SerializeAsString());
  ASSERT_TRUE(chaincode->Send(again));
  std::optional<Message> refused = chaincode->Read();
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->type(), Message::ERROR);
  EXPECT_THAT(refused->payload(), HasSubstr("already registered"));
  EXPECT_EQ(support_->registry().Find("other"), nullptr);

  // Still serving.
  auto simulator = NewSimulator("tx1");
  Invocation invocation = MakeInvocation("cc", {"f"}, simulator.get());
  auto result = ExecuteAsync(invocation);
  std::optional<Message> start = chaincode->Read();
  ASSERT_TRUE(start.has_value());
  chaincode->Complete(*start, Ok());
  ASSERT_TRUE(result.get().ok());
}

TEST_F(MisbehaviourTest, UnsupportedAndUnexpectedRequestsGetErrors) {
  auto chaincode = Connect("cc");
  auto simulator = NewSimulator("tx1");
  Invocation invocation = MakeInvocation("cc", {"f"}, simulator.get());
  auto result = ExecuteAsync(invocation);
  std::optional<Message> start = chaincode->Read();
  ASSERT_TRUE(start.has_value());

  struct Case {
    Message::Type type;
    std::string payload;
    std::string expected;
  };
  protos::GetState private_read;
  private_read.set_key("k1");
  private_read.set_collection("secret");
  protos::PutState private_write;
  private_write.set_key("k1");
  private_write.set_collection("secret");
  std::vector<Case> cases = {
      {Message::GET_STATE, private_read.SerializeAsString(), "private data is not supported"},
      {Message::PUT_STATE, private_write.SerializeAsString(), "private data is not supported"},
      {Message::GET_PRIVATE_DATA_HASH, "", "private data is not supported"},
      {Message::GET_QUERY_RESULT, "", "rich queries"},
      {Message::PUT_STATE_METADATA, "", "key metadata"},
      {Message::INIT, "", "unexpected INIT message"},
      {Message::RESPONSE, "", "unexpected RESPONSE message"},
      {static_cast<Message::Type>(99), "", "unexpected type 99 message"},
      {Message::GET_STATE, "\xff\xff", "malformed GET_STATE payload"},
      {Message::GET_STATE, "", "key"},  // an empty key
      {Message::QUERY_STATE_NEXT, "", "query iterator  not found"},
  };
  for (const Case& test : cases) {
    std::optional<Message> reply = chaincode->Request(*start, test.type, test.payload);
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(reply->type(), Message::ERROR) << test.expected;
    EXPECT_THAT(reply->payload(), HasSubstr(test.expected));
  }
  chaincode->Complete(*start, Ok());
  ASSERT_TRUE(result.get().ok());
  auto rwset = simulator->Finish();
  ASSERT_TRUE(rwset.ok());
  EXPECT_TRUE(DumpRwSet(*rwset).empty());  // nothing recorded
}

TEST_F(MisbehaviourTest, RequestStormEndsTheTransaction) {
  HandlerLimits limits;
  limits.max_requests_per_transaction = 10;
  StartPeer(limits);
  auto chaincode = Connect("cc");
  auto simulator = NewSimulator("tx1");
  Invocation invocation = MakeInvocation("cc", {"f"}, simulator.get());
  auto result = ExecuteAsync(invocation);
  std::optional<Message> start = chaincode->Read();
  ASSERT_TRUE(start.has_value());
  Message request;
  request.set_type(Message::PUT_STATE);
  request.set_txid(start->txid());
  request.set_channel_id(start->channel_id());
  request.set_payload(PutStatePayload("k", "v"));
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(chaincode->Send(request));
  Result<InvocationResult> outcome = result.get();
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->response.status(), 500);
  EXPECT_THAT(outcome->response.message(), HasSubstr("sent more than 10 messages in transaction"));
  EXPECT_THAT(outcome->response.message(), HasSubstr("transaction aborted"));
}

// Holds an INVOKE_CHAINCODE until the test releases it, so the runner is
// busy while the chaincode floods.
class BlockingExecutor : public ChaincodeExecutor {
 public:
  Result<InvocationResult> Execute(const Invocation&) override {
    entered.set_value();
    release.get_future().wait();
    InvocationResult result;
    result.response.set_status(200);
    return result;
  }
  std::promise<void> entered;
  std::promise<void> release;
};

TEST_F(MisbehaviourTest, FloodWithoutWaitingForRepliesEndsTheTransaction) {
  HandlerLimits limits;
  limits.max_queued_messages = 3;
  StartPeer(limits);
  BlockingExecutor blocking;
  runtime_->SetInvoker(&blocking);
  auto chaincode = Connect("cc");
  auto simulator = NewSimulator("tx1");
  Invocation invocation = MakeInvocation("cc", {"f"}, simulator.get());
  auto result = ExecuteAsync(invocation);
  std::optional<Message> start = chaincode->Read();
  ASSERT_TRUE(start.has_value());
  auto entered = blocking.entered.get_future();
  Message request;
  request.set_txid(start->txid());
  request.set_channel_id(start->channel_id());
  request.set_type(Message::INVOKE_CHAINCODE);
  protos::ChaincodeSpec spec;
  spec.mutable_chaincode_id()->set_name("slow");
  request.set_payload(spec.SerializeAsString());
  ASSERT_TRUE(chaincode->Send(request));
  ASSERT_EQ(entered.wait_for(std::chrono::seconds(30)), std::future_status::ready);

  request.set_type(Message::PUT_STATE);
  request.set_payload(PutStatePayload("k", "v"));
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(chaincode->Send(request));
  // Messages are handled in order: the reply to this stray one means the
  // flood has been taken in.
  Message stray = request;
  stray.set_txid("stray");
  ASSERT_TRUE(chaincode->Send(stray));
  std::optional<Message> stray_reply = chaincode->Read();
  ASSERT_TRUE(stray_reply.has_value());
  EXPECT_EQ(stray_reply->txid(), "stray");
  blocking.release.set_value();

  Result<InvocationResult> outcome = result.get();
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->response.status(), 500);
  EXPECT_THAT(outcome->response.message(), HasSubstr("sent more than 3 messages in transaction " +
                                                     invocation.tx_id + " without waiting for replies"));
  auto rwset = simulator->Finish();
  ASSERT_TRUE(rwset.ok());
  EXPECT_TRUE(DumpRwSet(*rwset).empty());
}

TEST_F(MisbehaviourTest, OversizedMessageEndsTheTransaction) {
  HandlerLimits limits;
  limits.max_message_bytes = 1024;
  StartPeer(limits);
  auto chaincode = Connect("cc");
  auto simulator = NewSimulator("tx1");
  Invocation invocation = MakeInvocation("cc", {"f"}, simulator.get());
  auto result = ExecuteAsync(invocation);
  std::optional<Message> start = chaincode->Read();
  ASSERT_TRUE(start.has_value());
  Message request;
  request.set_type(Message::PUT_STATE);
  request.set_txid(start->txid());
  request.set_channel_id(start->channel_id());
  request.set_payload(PutStatePayload("k", std::string(2000, 'x')));
  ASSERT_TRUE(chaincode->Send(request));
  Result<InvocationResult> outcome = result.get();
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->response.status(), 500);
  EXPECT_THAT(outcome->response.message(), HasSubstr("over the limit of 1024"));
  auto rwset = simulator->Finish();
  ASSERT_TRUE(rwset.ok());
  EXPECT_TRUE(DumpRwSet(*rwset).empty());
}

TEST_F(MisbehaviourTest, StreamEndingMidTransactionIsUnavailable) {
  auto chaincode = Connect("cc");
  auto simulator = NewSimulator("tx1");
  Invocation invocation = MakeInvocation("cc", {"f"}, simulator.get());
  auto result = ExecuteAsync(invocation);
  std::optional<Message> start = chaincode->Read();
  ASSERT_TRUE(start.has_value());
  chaincode->CloseSend();
  Result<InvocationResult> outcome = result.get();
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), Status::Code::kUnavailable);
  EXPECT_THAT(outcome.status().message(), HasSubstr("stream ended"));
  EXPECT_THAT(outcome.status().message(), HasSubstr(invocation.tx_id));
  EXPECT_EQ(support_->registry().Find("cc"), nullptr);
}

TEST_F(MisbehaviourTest, DeadlineClosesTheStreamOfAChaincodeThatDoesNotAnswer) {
  auto chaincode = Connect("cc");
  auto simulator = NewSimulator("tx1");
  Invocation invocation = MakeInvocation("cc", {"f"}, simulator.get(), std::chrono::milliseconds(300));
  auto result = ExecuteAsync(invocation);
  std::optional<Message> start = chaincode->Read();
  ASSERT_TRUE(start.has_value());
  Result<InvocationResult> outcome = result.get();
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), Status::Code::kDeadlineExceeded);
  EXPECT_EQ(outcome.status().message(),
            "chaincode cc did not complete tx " + invocation.tx_id + " within 0.3 s; killed it");
  EXPECT_FALSE(chaincode->Read().has_value());  // the peer ended its stream
  EXPECT_EQ(support_->registry().Find("cc"), nullptr);
}

}  // namespace
}  // namespace loom::chaincode::testing
