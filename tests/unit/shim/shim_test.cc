// The shim against a fake peer over real gRPC: handshake, every stub call,
// range queries over several pages, pagination, history, chaincode calls,
// events, peer errors, concurrent transactions on one stream, Init, and
// protocol errors.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "chaincode/shim/chaincode_stub.h"
#include "chaincode/shim/shim.h"
#include "common/common.pb.h"
#include "core/crypto/hash.h"
#include "tests/unit/shim/chaincode_runner.h"
#include "tests/unit/shim/fake_peer.h"

namespace loom::shim {
namespace {

using namespace std::string_literals;
using protos::ChaincodeMessage;
using testing::ChaincodeRunner;
using testing::CompletedResponse;
using testing::FakePeer;

std::string Join(const std::vector<std::string>& parts, const char* separator = ",") {
  std::string joined;
  for (const std::string& part : parts) joined += (joined.empty() ? "" : separator) + part;
  return joined;
}

// Each function exercises one part of the stub and reports what it saw.
class ProbeChaincode : public Chaincode {
 public:
  Response Init(ChaincodeStub& stub) override {
    if (!stub.GetArgs().empty() && stub.GetArgs()[0] == "fail") return Response::Error("init refused");
    if (Status put = stub.PutState("initialized", "yes"); !put.ok()) return Response::Error(put.message());
    return Response::Success("init done");
  }

  Response Invoke(ChaincodeStub& stub) override {
    auto [function, params] = stub.GetFunctionAndParameters();
    if (function == "get") {
      Result<std::optional<std::string>> value = stub.GetState(params.at(0));
      if (!value.ok()) return Response::Error(value.status().message());
      return Response::Success(value->value_or("<absent>"));
    }
    if (function == "put") return FromStatus(stub.PutState(params.at(0), params.at(1)));
    if (function == "del") return FromStatus(stub.DelState(params.at(0)));
    if (function == "range") {
      Result<StateIterator> results = stub.GetStateByRange(params.at(0), params.at(1));
      if (!results.ok()) return Response::Error(results.status().message());
      std::vector<std::string> seen;
      while (results->HasNext()) {
        Result<queryresult::KV> kv = results->Next();
        if (!kv.ok()) return Response::Error(kv.status().message());
        seen.push_back(kv->key() + "=" + kv->value());
      }
      if (Status closed = results->Close(); !closed.ok()) return Response::Error(closed.message());
      return Response::Success(Join(seen));
    }
    if (function == "page") {
      Result<PagedStateQuery> page = stub.GetStateByRangeWithPagination(
          params.at(0), params.at(1), std::stoi(params.at(2)), params.at(3));
      if (!page.ok()) return Response::Error(page.status().message());
      std::vector<std::string> keys;
      while (page->iterator.HasNext()) {
        Result<queryresult::KV> kv = page->iterator.Next();
        if (!kv.ok()) return Response::Error(kv.status().message());
        keys.push_back(kv->key());
      }
      return Response::Success(Join(keys) + "|" + std::to_string(page->metadata.fetched_records_count) + "|" +
                               page->metadata.bookmark);
    }
    if (function == "history") {
      Result<HistoryIterator> history = stub.GetHistoryForKey(params.at(0));
      if (!history.ok()) return Response::Error(history.status().message());
      std::vector<std::string> seen;
      while (history->HasNext()) {
        Result<queryresult::KeyModification> modification = history->Next();
        if (!modification.ok()) return Response::Error(modification.status().message());
        seen.push_back(modification->tx_id() + ":" +
                       (modification->is_delete() ? "<deleted>" : modification->value()));
      }
      return Response::Success(Join(seen));  // the iterator closes itself
    }
    if (function == "invoke") {
      std::vector<std::string> args(params.begin() + 2, params.end());
      Response response = stub.InvokeChaincode(params.at(0), args, params.at(1));
      return Response{response.status, response.message, "callee said: " + response.payload};
    }
    if (function == "event") {
      if (Status set = stub.SetEvent(params.at(0), params.at(1)); !set.ok())
        return Response::Error(set.message());
      return Response::Success();
    }
    if (function == "info") {
      std::string transient;
      for (const auto& [key, value] : stub.GetTransient()) transient += key + "=" + value;
      return Response::Success(stub.GetTxId() + "|" + stub.GetChannelId() + "|" + stub.GetCreator() + "|" +
                               transient + "|" + std::to_string(stub.GetTxTimestamp().seconds()) + "|" +
                               (stub.GetSignedProposal() != nullptr ? "proposal" : "no proposal") + "|" +
                               Join(stub.GetStringArgs()));
    }
    if (function == "partial") {
      Result<StateIterator> results = stub.GetStateByPartialCompositeKey(
          params.at(0), std::vector<std::string>(params.begin() + 1, params.end()));
      if (!results.ok()) return Response::Error(results.status().message());
      std::vector<std::string> seen;
      while (results->HasNext()) {
        Result<queryresult::KV> kv = results->Next();
        if (!kv.ok()) return Response::Error(kv.status().message());
        Result<std::pair<std::string, std::vector<std::string>>> parts = SplitCompositeKey(kv->key());
        if (!parts.ok()) return Response::Error(parts.status().message());
        seen.push_back(parts->first + "/" + Join(parts->second, "/") + "=" + kv->value());
      }
      return Response::Success(Join(seen));
    }
    if (function == "binding") return Response::Success(crypto::HexEncode(stub.GetBinding()));
    if (function == "throw") throw std::runtime_error("boom");
    if (function == "status") return Response{std::stoi(params.at(0)), "custom message", "custom payload"};
    return Response::Error("unknown function " + function);
  }

 private:
  static Response FromStatus(const Status& status) {
    return status.ok() ? Response::Success() : Response::Error(status.message());
  }
};

class ShimTest : public ::testing::Test {
 protected:
  // Runs one TRANSACTION and returns its Response (failing the test if the
  // chaincode answered anything but COMPLETED).
  protos::Response Invoke(const std::vector<std::string>& args, const std::string& tx_id = "") {
    const std::string id = tx_id.empty() ? "tx" + std::to_string(++tx_counter_) : tx_id;
    std::optional<ChaincodeMessage> reply = peer_.Execute(id, args);
    EXPECT_TRUE(reply.has_value()) << "no answer to " << id;
    if (!reply) return {};
    EXPECT_EQ(reply->type(), ChaincodeMessage::COMPLETED) << reply->payload();
    EXPECT_EQ(reply->txid(), id);
    EXPECT_EQ(reply->channel_id(), "ch1");
    return CompletedResponse(*reply);
  }

  FakePeer peer_;
  ProbeChaincode chaincode_;
  int tx_counter_ = 0;
};

TEST_F(ShimTest, RegistersWithItsNameAndEchoesKeepalive) {
  peer_.send_keepalive = true;
  ChaincodeRunner runner(peer_, chaincode_, "probe:1.0");
  EXPECT_EQ(peer_.WaitForRegister(), "probe:1.0");
  EXPECT_TRUE(peer_.WaitForKeepaliveEcho());
  EXPECT_EQ(Invoke({"status", "201"}).status(), 201);
}

TEST_F(ShimTest, StateReadsWritesAndDeletesGoThroughThePeer) {
  ChaincodeRunner runner(peer_, chaincode_);
  EXPECT_EQ(Invoke({"get", "k"}).payload(), "<absent>");
  EXPECT_EQ(Invoke({"put", "k", "v1"}).status(), 200);
  EXPECT_EQ(peer_.State().at("k"), "v1");
  EXPECT_EQ(Invoke({"get", "k"}).payload(), "v1");
  EXPECT_EQ(Invoke({"del", "k"}).status(), 200);
  EXPECT_EQ(peer_.State().count("k"), 0u);
  // Every request carried its transaction's id and channel.
  for (const ChaincodeMessage& request : peer_.Requests()) {
    EXPECT_EQ(request.channel_id(), "ch1");
    EXPECT_EQ(request.txid().rfind("tx", 0), 0u) << request.txid();
  }
  // An empty key is refused before reaching the peer.
  protos::Response empty_key = Invoke({"put", "", "v"});
  EXPECT_EQ(empty_key.status(), 500);
  EXPECT_EQ(empty_key.message(), "key must not be an empty string");
}

TEST_F(ShimTest, ResponseStatusMessageAndPayloadReachThePeer) {
  ChaincodeRunner runner(peer_, chaincode_);
  protos::Response response = Invoke({"status", "404"});
  EXPECT_EQ(response.status(), 404);
  EXPECT_EQ(response.message(), "custom message");
  EXPECT_EQ(response.payload(), "custom payload");
}

TEST_F(ShimTest, RangeQueryPullsEveryPageAndClosesTheIterator) {
  peer_.range_page_size = 2;
  for (const char* key : {"a", "b", "c", "d", "e", "f", "g"}) peer_.Put(key, std::string("v") + key);
  ChaincodeRunner runner(peer_, chaincode_);
  EXPECT_EQ(Invoke({"range", "b", "g"}).payload(), "b=vb,c=vc,d=vd,e=ve,f=vf");
  // 5 results in pages of 2: the first page with GET_STATE_BY_RANGE, two more.
  EXPECT_EQ(peer_.CountRequests(ChaincodeMessage::QUERY_STATE_NEXT), 2);
  EXPECT_EQ(peer_.CountRequests(ChaincodeMessage::QUERY_STATE_CLOSE), 1);
  // An open range ("" to "") covers everything; the shim sends 0x01 for "".
  EXPECT_EQ(Invoke({"range", "", ""}).payload(), "a=va,b=vb,c=vc,d=vd,e=ve,f=vf,g=vg");
  bool saw_substitute = false;
  for (const ChaincodeMessage& request : peer_.Requests()) {
    if (request.type() != ChaincodeMessage::GET_STATE_BY_RANGE) continue;
    protos::GetStateByRange range;
    ASSERT_TRUE(range.ParseFromString(request.payload()));
    saw_substitute |= range.startkey() == "\x01";
  }
  EXPECT_TRUE(saw_substitute);
  EXPECT_TRUE(peer_.OpenQueries().empty());
}

TEST_F(ShimTest, AbandonedIteratorIsClosedWithThePeer) {
  peer_.range_page_size = 1;
  for (const char* key : {"a", "b", "c"}) peer_.Put(key, "v");
  ChaincodeRunner runner(peer_, chaincode_);
  // "page" never closes explicitly; the iterator's destructor must.
  EXPECT_EQ(Invoke({"page", "a", "", "3", ""}).payload(), "a,b,c|3|");
  EXPECT_TRUE(peer_.OpenQueries().empty());
  EXPECT_EQ(peer_.CountRequests(ChaincodeMessage::QUERY_STATE_CLOSE), 1);
}

TEST(CompositeKeyTest, CreateAndSplitLikeFabric) {
  Result<std::string> key = CreateCompositeKey("color~name", {"blue", "asset1"});
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*key, "\0color~name\0blue\0asset1\0"s);
  Result<std::pair<std::string, std::vector<std::string>>> parts = SplitCompositeKey(*key);
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->first, "color~name");
  EXPECT_EQ(parts->second, (std::vector<std::string>{"blue", "asset1"}));
  EXPECT_EQ(*CreateCompositeKey("t", {}), "\0t\0"s);
  EXPECT_TRUE(SplitCompositeKey("\0t\0"s)->second.empty());

  EXPECT_EQ(CreateCompositeKey("t", {"ok", "bad\xff"}).status().message(),
            "composite key part \"bad\xff\" at byte 3: not a valid utf8 string");
  EXPECT_EQ(
      CreateCompositeKey("a\0b"s, {}).status().message(),
      "composite key part \"a\0b\" at byte 1: U+0000 and U+10FFFF are not allowed in the input attribute of "
      "a composite key"s);
  EXPECT_FALSE(CreateCompositeKey("t", {"\xF4\x8F\xBF\xBF"}).ok());  // U+10FFFF
  EXPECT_FALSE(CreateCompositeKey("t", {"\xED\xA0\x80"}).ok());      // a UTF-16 surrogate
  EXPECT_FALSE(CreateCompositeKey("t", {"\xC0\xAF"}).ok());          // an overlong '/'
  EXPECT_TRUE(CreateCompositeKey("t", {"\xC3\xA9t\xC3\xA9"}).ok());  // été
  EXPECT_FALSE(SplitCompositeKey("simple").ok());
}

TEST_F(ShimTest, PartialCompositeKeyRangeCoversOnlyItsPrefix) {
  for (const auto& [color, name] : std::vector<std::pair<std::string, std::string>>{
           {"blue", "a1"}, {"blue", "a2"}, {"bluegreen", "a3"}, {"red", "a4"}}) {
    peer_.Put(*CreateCompositeKey("color~name", {color, name}), "v" + name);
  }
  peer_.Put("simple", "s");
  ChaincodeRunner runner(peer_, chaincode_);
  EXPECT_EQ(Invoke({"partial", "color~name", "blue"}).payload(),
            "color~name/blue/a1=va1,color~name/blue/a2=va2");
  EXPECT_EQ(
      Invoke({"partial", "color~name"}).payload(),
      "color~name/blue/a1=va1,color~name/blue/a2=va2,color~name/bluegreen/a3=va3,color~name/red/a4=va4");
  // A simple-key range cannot reach into the composite namespace.
  protos::Response refused = Invoke({"range", "\0x"s, ""});
  EXPECT_EQ(refused.status(), 500);
  EXPECT_EQ(refused.message(),
            "first character of the key [\0x] contains a null character which is not allowed"s);
}

TEST_F(ShimTest, PaginationReportsCountAndBookmark) {
  for (const char* key : {"k1", "k2", "k3", "k4", "k5"}) peer_.Put(key, "v");
  ChaincodeRunner runner(peer_, chaincode_);
  EXPECT_EQ(Invoke({"page", "k1", "", "2", ""}).payload(), "k1,k2|2|k3");
  EXPECT_EQ(Invoke({"page", "k1", "", "2", "k3"}).payload(), "k3,k4|2|k5");
  EXPECT_EQ(Invoke({"page", "k1", "", "2", "k5"}).payload(), "k5|1|");
  protos::Response bad = Invoke({"page", "k1", "", "0", ""});
  EXPECT_EQ(bad.status(), 500);
  EXPECT_EQ(bad.message(), "page size must be positive, got 0");
}

TEST_F(ShimTest, HistoryListsModificationsNewestFirst) {
  peer_.range_page_size = 1;
  ChaincodeRunner runner(peer_, chaincode_);
  Invoke({"put", "h", "one"}, "t1");
  Invoke({"put", "h", "two"}, "t2");
  Invoke({"del", "h"}, "t3");
  EXPECT_EQ(Invoke({"history", "h"}).payload(), "t3:<deleted>,t2:two,t1:one");
  EXPECT_EQ(peer_.CountRequests(ChaincodeMessage::QUERY_STATE_NEXT), 2);
  EXPECT_TRUE(peer_.OpenQueries().empty());
}

TEST_F(ShimTest, InvokeChaincodeSendsNameSlashChannelAndReturnsTheCalleeResponse) {
  ChaincodeRunner runner(peer_, chaincode_);
  protos::Response called = Invoke({"invoke", "other", "ch2", "a", "b"});
  EXPECT_EQ(called.status(), 200);
  EXPECT_EQ(called.payload(), "callee said: called other/ch2:a,b");
  EXPECT_EQ(Invoke({"invoke", "same", "", "x"}).payload(), "callee said: called same:x");
  ASSERT_EQ(peer_.Invocations().size(), 2u);
  EXPECT_EQ(peer_.Invocations()[0].chaincode_id().name(), "other/ch2");
  // A callee the peer cannot find comes back as a status-500 response.
  protos::Response missing = Invoke({"invoke", "missing", ""});
  EXPECT_EQ(missing.status(), 500);
  EXPECT_EQ(missing.message(), "chaincode missing not found");
}

TEST_F(ShimTest, EventRidesOnCompleted) {
  ChaincodeRunner runner(peer_, chaincode_);
  std::optional<ChaincodeMessage> reply = peer_.Execute("tx-event", {"event", "AssetMoved", "payload-bytes"});
  ASSERT_TRUE(reply);
  ASSERT_EQ(reply->type(), ChaincodeMessage::COMPLETED);
  ASSERT_TRUE(reply->has_chaincode_event());
  EXPECT_EQ(reply->chaincode_event().event_name(), "AssetMoved");
  EXPECT_EQ(reply->chaincode_event().payload(), "payload-bytes");
  // No event set: none sent.
  reply = peer_.Execute("tx-plain", {"get", "x"});
  ASSERT_TRUE(reply);
  EXPECT_FALSE(reply->has_chaincode_event());
  EXPECT_EQ(Invoke({"event", "", "p"}).message(), "event name can not be empty string");
}

TEST_F(ShimTest, PeerErrorSurfacesWithThePeersText) {
  ChaincodeRunner runner(peer_, chaincode_);
  protos::Response response = Invoke({"get", "forbidden"});
  EXPECT_EQ(response.status(), 500);
  EXPECT_EQ(response.message(), "access denied for key forbidden");
  // The stream keeps working after an ERROR reply.
  EXPECT_EQ(Invoke({"put", "after", "1"}).status(), 200);
}

TEST_F(ShimTest, TwoTransactionsRunConcurrentlyOnOneStream) {
  ChaincodeRunner runner(peer_, chaincode_);
  ASSERT_TRUE(peer_.WaitForRegister());
  // tx-slow's GET_STATE is held by the peer; tx-fast must finish meanwhile.
  protos::ChaincodeInput slow_input;
  slow_input.add_args("get");
  slow_input.add_args("held");
  ChaincodeMessage slow;
  slow.set_type(ChaincodeMessage::TRANSACTION);
  slow.set_txid("tx-slow");
  slow.set_channel_id("ch1");
  slow.set_payload(slow_input.SerializeAsString());
  ASSERT_TRUE(peer_.Send(slow));
  ASSERT_TRUE(peer_.WaitForHeld());

  EXPECT_EQ(Invoke({"put", "k", "fast"}, "tx-fast").status(), 200);
  EXPECT_EQ(Invoke({"get", "k"}, "tx-fast-2").payload(), "fast");

  peer_.ReleaseHeld("slow value");
  std::optional<ChaincodeMessage> reply = peer_.WaitForReply("tx-slow");
  ASSERT_TRUE(reply);
  ASSERT_EQ(reply->type(), ChaincodeMessage::COMPLETED);
  EXPECT_EQ(CompletedResponse(*reply).payload(), "slow value");
}

TEST_F(ShimTest, SameTxIdOnTwoChannelsIsRoutedByChannel) {
  ChaincodeRunner runner(peer_, chaincode_);
  ASSERT_TRUE(peer_.WaitForRegister());
  peer_.Put("k", "v");
  std::optional<ChaincodeMessage> first =
      peer_.Execute("same-id", {"info"}, ChaincodeMessage::TRANSACTION, nullptr, "chA");
  ASSERT_TRUE(first);
  EXPECT_EQ(CompletedResponse(*first).payload(), "same-id|chA|||0|no proposal|info");
  std::optional<ChaincodeMessage> second =
      peer_.Execute("same-id", {"get", "k"}, ChaincodeMessage::TRANSACTION, nullptr, "chB");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->channel_id(), "chB");
  EXPECT_EQ(CompletedResponse(*second).payload(), "v");
}

TEST_F(ShimTest, ProposalGivesCreatorTransientAndTimestamp) {
  common::ChannelHeader channel_header;
  channel_header.set_type(common::ENDORSER_TRANSACTION);
  channel_header.set_channel_id("ch1");
  channel_header.mutable_timestamp()->set_seconds(1234567);
  channel_header.set_epoch(7);
  common::SignatureHeader signature_header;
  signature_header.set_creator("creator-identity");
  signature_header.set_nonce("nonce");
  common::Header header;
  header.set_channel_header(channel_header.SerializeAsString());
  header.set_signature_header(signature_header.SerializeAsString());
  protos::ChaincodeProposalPayload payload;
  (*payload.mutable_transientmap())["secret"] = "s3";
  protos::Proposal proposal;
  proposal.set_header(header.SerializeAsString());
  proposal.set_payload(payload.SerializeAsString());
  protos::SignedProposal signed_proposal;
  signed_proposal.set_proposal_bytes(proposal.SerializeAsString());
  signed_proposal.set_signature("sig");

  ChaincodeRunner runner(peer_, chaincode_);
  std::optional<ChaincodeMessage> reply =
      peer_.Execute("tx-info", {"info", "arg1"}, ChaincodeMessage::TRANSACTION, &signed_proposal);
  ASSERT_TRUE(reply);
  ASSERT_EQ(reply->type(), ChaincodeMessage::COMPLETED) << reply->payload();
  EXPECT_EQ(CompletedResponse(*reply).payload(),
            "tx-info|ch1|creator-identity|secret=s3|1234567|proposal|info,arg1");
  reply = peer_.Execute("tx-binding", {"binding"}, ChaincodeMessage::TRANSACTION, &signed_proposal);
  ASSERT_TRUE(reply);
  // nonce || creator || epoch 7 as 8 little-endian bytes
  EXPECT_EQ(CompletedResponse(*reply).payload(),
            crypto::HexEncode(crypto::Sha256("noncecreator-identity\x07\0\0\0\0\0\0\0"s)));

  // A proposal whose header does not parse is refused with ERROR.
  signed_proposal.set_proposal_bytes("\xff\xff\xff");
  reply = peer_.Execute("tx-bad-proposal", {"info"}, ChaincodeMessage::TRANSACTION, &signed_proposal);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->type(), ChaincodeMessage::ERROR);
  EXPECT_EQ(reply->payload().rfind("failed to create new ChaincodeStub: ", 0), 0u) << reply->payload();
}

TEST_F(ShimTest, InitAnswersCompletedOrErrorLikeFabric) {
  ChaincodeRunner runner(peer_, chaincode_);
  std::optional<ChaincodeMessage> reply = peer_.Execute("init-ok", {"init"}, ChaincodeMessage::INIT);
  ASSERT_TRUE(reply);
  ASSERT_EQ(reply->type(), ChaincodeMessage::COMPLETED);
  EXPECT_EQ(CompletedResponse(*reply).payload(), "init done");
  EXPECT_EQ(peer_.State().at("initialized"), "yes");
  reply = peer_.Execute("init-fail", {"fail"}, ChaincodeMessage::INIT);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->type(), ChaincodeMessage::ERROR);
  EXPECT_EQ(reply->payload(), "init refused");
}

TEST_F(ShimTest, BadInputAndExceptionsAnswerError) {
  ChaincodeRunner runner(peer_, chaincode_);
  ASSERT_TRUE(peer_.WaitForRegister());
  ChaincodeMessage garbage;
  garbage.set_type(ChaincodeMessage::TRANSACTION);
  garbage.set_txid("tx-garbage");
  garbage.set_channel_id("ch1");
  garbage.set_payload("\xff\xff\xff");
  std::optional<ChaincodeMessage> reply = peer_.ExecuteMessage(garbage);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->type(), ChaincodeMessage::ERROR);
  EXPECT_EQ(
      reply->payload(),
      "failed to create new ChaincodeStub: failed to unmarshal input: the TRANSACTION payload does not parse "
      "as protos.ChaincodeInput");

  reply = peer_.Execute("tx-throw", {"throw"});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->type(), ChaincodeMessage::ERROR);
  EXPECT_EQ(reply->payload(), "TRANSACTION threw an exception: boom");
  // The chaincode keeps serving.
  EXPECT_EQ(Invoke({"put", "k", "v"}).status(), 200);
}

TEST_F(ShimTest, RefusedRegistrationFailsTheHandshake) {
  peer_.refuse_register = "chaincode probe:1.0 is not installed";
  ChaincodeRunner runner(peer_, chaincode_);
  Status status = runner.Join();
  EXPECT_EQ(status.code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(
      status.message().find("expected REGISTERED from the peer, received ERROR (chaincode probe:1.0 is not "
                            "installed)"),
      std::string::npos)
      << status.message();
}

TEST_F(ShimTest, UnexpectedMessageWhenReadyEndsTheChatWithError) {
  ChaincodeRunner runner(peer_, chaincode_);
  ASSERT_TRUE(peer_.WaitForRegister());
  ChaincodeMessage odd;
  odd.set_type(ChaincodeMessage::PUT_STATE);
  odd.set_txid("tx-odd");
  std::optional<ChaincodeMessage> reply = peer_.ExecuteMessage(odd);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->type(), ChaincodeMessage::ERROR);
  Status status = runner.Join();
  EXPECT_EQ(status.code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(status.message().find("cannot handle message (PUT_STATE) while in state: ready"),
            std::string::npos)
      << status.message();
}

TEST_F(ShimTest, StreamEndingFailsAWaitingRequestAndTheChatReturns) {
  ChaincodeRunner runner(peer_, chaincode_);
  ASSERT_TRUE(peer_.WaitForRegister());
  protos::ChaincodeInput input;
  input.add_args("get");
  input.add_args("held");
  ChaincodeMessage waiting;
  waiting.set_type(ChaincodeMessage::TRANSACTION);
  waiting.set_txid("tx-waiting");
  waiting.set_channel_id("ch1");
  waiting.set_payload(input.SerializeAsString());
  ASSERT_TRUE(peer_.Send(waiting));
  ASSERT_TRUE(peer_.WaitForHeld());
  // The transaction's GET_STATE is never answered: ending the stream must
  // wake it (its GetState fails) rather than leave the chat draining it.
  const auto start = std::chrono::steady_clock::now();
  Status status = runner.Stop();
  EXPECT_EQ(status.code(), Status::Code::kUnavailable) << status.ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));  // well under the 5 s drain
}

TEST_F(ShimTest, PeerEndingTheStreamEndsTheChat) {
  ChaincodeRunner runner(peer_, chaincode_);
  EXPECT_EQ(Invoke({"put", "k", "v"}).status(), 200);
  Status status = runner.Stop();
  // The fake peer cancels its end, so gRPC reports the stream as cancelled.
  EXPECT_EQ(status.code(), Status::Code::kUnavailable) << status.ToString();
}

TEST(RunWithPeerTest, UnreachablePeerIsUnavailable) {
  ProbeChaincode chaincode;
  Status status = RunWithPeer("127.0.0.1:1", "probe:1.0", chaincode, std::chrono::milliseconds(300));
  EXPECT_EQ(status.code(), Status::Code::kUnavailable);
  EXPECT_EQ(status.message(), "cannot connect to the peer at 127.0.0.1:1 within 300 ms");
}

}  // namespace
}  // namespace loom::shim
