// Launching chaincode for real: the native test chaincode (its path comes
// from CMake), node through a stand-in `npm` script, and chaincode-as-a-
// service where the test serves protos.Chaincode/Connect. Also the process
// side of failures: a runaway chaincode killed at the deadline and relaunched,
// one that exits mid-transaction, one that never registers, one that crashes.
#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "peer/chaincode_shim.grpc.pb.h"
#include "runtime_fixture.h"

#ifndef LOOM_TEST_CHAINCODE
#error "LOOM_TEST_CHAINCODE must name the test chaincode executable"
#endif

namespace loom::chaincode::testing {
namespace {

using ::testing::HasSubstr;

bool ProcessGone(pid_t pid) {
  return ::kill(pid, 0) != 0 && errno == ESRCH;
}

class LaunchTest : public RuntimeFixture {
 protected:
  LaunchSpec NativeSpec(std::map<std::string, std::string> env = {}) {
    LaunchSpec spec;
    spec.type = LaunchType::kNative;
    spec.path = LOOM_TEST_CHAINCODE;
    spec.env = std::move(env);
    return spec;
  }

  Result<InvocationResult> Run(const std::string& chaincode, std::vector<std::string> args,
                               std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    auto simulator = NewSimulator("tx");
    Invocation invocation = MakeInvocation(chaincode, std::move(args), simulator.get(), timeout);
    last_tx_id_ = invocation.tx_id;
    Result<InvocationResult> result = runtime_->Execute(invocation);
    if (result.ok()) last_rwset_ = DumpRwSet(simulator->Finish().value());
    return result;
  }

  std::string last_tx_id_;
  Lines last_rwset_;
};

TEST_F(LaunchTest, NativeChaincodeIsStartedWithFabricsArgumentsAndEnvironment) {
  LaunchSpec spec = NativeSpec({{"EXTRA", "yes"}});
  spec.chaincode_id = "native:1.0";
  specs_["native"] = spec;
  Result<InvocationResult> env = Run("native", {"env"});
  ASSERT_TRUE(env.ok()) << env.status().ToString();
  EXPECT_EQ(env->response.status(), 200);
  EXPECT_EQ(env->response.payload(),
            "CORE_CHAINCODE_ID_NAME=native:1.0 CORE_PEER_ADDRESS=" + address_ +
                " CORE_PEER_TLS_ENABLED=false CORE_PEER_LOCALMSPID=Org1MSP EXTRA=yes "
                "args=--peer.address " +
                address_);
  Result<InvocationResult> put = Run("native", {"put", "a", "1"});
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->response.status(), 200);
  EXPECT_THAT(last_rwset_, ::testing::ElementsAre("ns native", "write a=1"));
  // One process serves both.
  ASSERT_TRUE(runtime_->ProcessId("native").has_value());
  Result<InvocationResult> pid = Run("native", {"pid"});
  ASSERT_TRUE(pid.ok());
  EXPECT_EQ(pid->response.payload(), std::to_string(*runtime_->ProcessId("native")));
}

TEST_F(LaunchTest, RunawayChaincodeIsKilledAtTheDeadlineAndRelaunched) {
  specs_["spin"] = NativeSpec();
  Result<InvocationResult> first = Run("spin", {"pid"});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  const pid_t old_pid = std::stoi(first->response.payload());

  Result<InvocationResult> spin = Run("spin", {"spin"}, std::chrono::milliseconds(500));
  ASSERT_FALSE(spin.ok());
  EXPECT_EQ(spin.status().code(), Status::Code::kDeadlineExceeded);
  EXPECT_EQ(spin.status().message(),
            "chaincode spin did not complete tx " + last_tx_id_ + " within 0.5 s; killed it");
  EXPECT_TRUE(ProcessGone(old_pid)) << "killed and reaped";
  EXPECT_FALSE(runtime_->ProcessId("spin").has_value());

  Result<InvocationResult> again = Run("spin", {"pid"});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_NE(std::stoi(again->response.payload()), old_pid);
}

TEST_F(LaunchTest, ChaincodeThatExitsMidTransactionIsUnavailableThenRelaunched) {
  specs_["quits"] = NativeSpec();
  Result<InvocationResult> quits = Run("quits", {"exit"});
  ASSERT_FALSE(quits.ok());
  EXPECT_EQ(quits.status().code(), Status::Code::kUnavailable);
  EXPECT_THAT(quits.status().message(), HasSubstr("chaincode quits: stream ended"));
  Result<InvocationResult> again = Run("quits", {"put", "b", "2"});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->response.status(), 200);
  std::ifstream log(dir_.File("logs") + "/quits.log");
  std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_THAT(text, HasSubstr("test chaincode exiting mid-transaction"));
}

TEST_F(LaunchTest, ChaincodeThatNeverRegistersIsUnavailableWithItsLog) {
  RuntimeOptions options;
  options.registration_timeout = std::chrono::milliseconds(500);
  StartPeer({}, options);
  specs_["silent"] = NativeSpec({{"TEST_CC_MODE", "silent"}});
  Result<InvocationResult> result = Run("silent", {"pid"});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Status::Code::kUnavailable);
  EXPECT_THAT(result.status().message(),
              HasSubstr("chaincode silent did not register as 'silent' within 0.5 s"));
  EXPECT_THAT(result.status().message(), HasSubstr(dir_.File("logs") + "/silent.log"));
  EXPECT_THAT(result.status().message(), HasSubstr("test chaincode not registering"));
  EXPECT_FALSE(runtime_->ProcessId("silent").has_value());
}

TEST_F(LaunchTest, ChaincodeThatCrashesAtStartIsUnavailableWithHowItEnded) {
  specs_["crash"] = NativeSpec({{"TEST_CC_MODE", "crash"}});
  Result<InvocationResult> result = Run("crash", {"pid"});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Status::Code::kUnavailable);
  EXPECT_THAT(result.status().message(), HasSubstr("its process exited with status 7"));
  EXPECT_THAT(result.status().message(), HasSubstr("test chaincode crashing on start"));
}

TEST_F(LaunchTest, MissingExecutableIsUnavailable) {
  LaunchSpec spec;
  spec.path = dir_.File("no-such-chaincode");
  specs_["missing"] = spec;
  Result<InvocationResult> result = Run("missing", {"pid"});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Status::Code::kUnavailable);
  EXPECT_THAT(result.status().message(), HasSubstr("chaincode missing"));
}

TEST_F(LaunchTest, NodeChaincodeIsStartedWithNpmStartInItsPackageFolder) {
  // A stand-in for npm: checks Fabric's `npm start -- --peer.address <addr>`
  // and runs the test chaincode with the arguments after `--`.
  const std::string npm = dir_.File("npm");
  {
    std::ofstream script(npm);
    script << "#!/bin/sh\n"
              "echo \"npm $*\" >&2\n"
              "[ \"$1\" = start ] && [ \"$2\" = -- ] || exit 9\n"
              "shift 2\n"
              "exec \"$TEST_CC_BINARY\" \"$@\"\n";
  }
  ASSERT_EQ(::chmod(npm.c_str(), 0755), 0);
  StartPeer({}, {}, npm);
  const std::string package = dir_.File("package");
  std::filesystem::create_directories(package);
  LaunchSpec spec;
  spec.type = LaunchType::kNode;
  spec.path = package;
  spec.env = {{"TEST_CC_BINARY", LOOM_TEST_CHAINCODE}};
  specs_["nodecc"] = spec;
  Result<InvocationResult> cwd = Run("nodecc", {"cwd"});
  ASSERT_TRUE(cwd.ok()) << cwd.status().ToString();
  EXPECT_EQ(std::filesystem::canonical(cwd->response.payload()), std::filesystem::canonical(package));
  Result<InvocationResult> env = Run("nodecc", {"env"});
  ASSERT_TRUE(env.ok());
  EXPECT_THAT(env->response.payload(), HasSubstr("CORE_CHAINCODE_ID_NAME=nodecc "));
  EXPECT_THAT(env->response.payload(), HasSubstr("args=--peer.address " + address_));
}

// An in-peer chaincode answering "echo <its argument>".
class EchoExecutor : public ChaincodeExecutor {
 public:
  Result<InvocationResult> Execute(const Invocation& invocation) override {
    InvocationResult result;
    result.response.set_status(200);
    result.response.set_payload("echo " + (invocation.input.args_size() > 0 ? invocation.input.args(0) : ""));
    return result;
  }
};

// Fabric's own Node shim (fabric-shim 2.5.x) started as Fabric starts Node
// chaincode, with real `npm start`. Needs a node_modules folder holding
// fabric-shim (tests/interop installs one): set LOOM_FABRIC_SHIM_NODE_MODULES
// to it, else the test is skipped.
TEST_F(LaunchTest, FabricNodeShimChaincodeRunsAgainstTheRuntime) {
  const char* node_modules = std::getenv("LOOM_FABRIC_SHIM_NODE_MODULES");
  if (node_modules == nullptr || !std::filesystem::exists(std::string(node_modules) + "/fabric-shim")) {
    GTEST_SKIP() << "LOOM_FABRIC_SHIM_NODE_MODULES does not name a node_modules folder with fabric-shim";
  }
  const std::string package = dir_.File("node-cc");
  std::filesystem::create_directories(package);
  std::filesystem::create_directory_symlink(node_modules, package + "/node_modules");
  {
    std::ofstream manifest(package + "/package.json");
    manifest << R"({"name": "loom-shim-check", "version": "1.0.0", "main": "index.js",
                    "scripts": {"start": "node index.js"}})";
    std::ofstream code(package + "/index.js");
    code << R"JS(
const shim = require('fabric-shim');
async function keysOf(iterator) {
  const keys = [];
  for (let r = await iterator.next(); !r.done; r = await iterator.next())
    keys.push(r.value.key + '=' + r.value.value.toString());
  await iterator.close();
  return keys.join(',');
}
class Checker {
  async Init() { return shim.success(); }
  async Invoke(stub) {
    const { fcn, params } = stub.getFunctionAndParameters();
    if (fcn === 'put') { await stub.putState(params[0], Buffer.from(params[1])); return shim.success(Buffer.from('ok')); }
    if (fcn === 'get') return shim.success(await stub.getState(params[0]));
    if (fcn === 'del') { await stub.deleteState(params[0]); return shim.success(); }
    if (fcn === 'range') return shim.success(Buffer.from(await keysOf(await stub.getStateByRange(params[0], params[1]))));
    if (fcn === 'page') {
      const { iterator, metadata } = await stub.getStateByRangeWithPagination('', '', 2, params[0] || '');
      const keys = await keysOf(iterator);
      return shim.success(Buffer.from(keys + '|' + metadata.bookmark + '|' + metadata.fetchedRecordsCount));
    }
    if (fcn === 'history') {
      const iterator = await stub.getHistoryForKey(params[0]);
      const values = [];
      for (let r = await iterator.next(); !r.done; r = await iterator.next()) values.push(r.value.value.toString());
      await iterator.close();
      return shim.success(Buffer.from(values.sort().join(',')));
    }
    if (fcn === 'call') {
      const answer = await stub.invokeChaincode(params[0], [params[1]], '');
      return shim.success(Buffer.from(answer.status + ':' + answer.payload.toString()));
    }
    if (fcn === 'private') {
      // A low-level Invoke must turn errors into shim.error itself: the
      // shim sends nothing for a thrown one.
      try { await stub.getPrivateData('secret', 'k1'); } catch (err) { return shim.error(err.message); }
      return shim.success();
    }
    return shim.error('unknown function ' + fcn);
  }
}
shim.start(new Checker());
)JS";
  }
  LaunchSpec spec;
  spec.type = LaunchType::kNode;
  spec.path = package;
  specs_["cc"] = spec;  // the fixture's namespace, so its committed state is visible
  EchoExecutor echo;
  ExecutorRouter router;
  router.Register("echo", &echo);
  router.SetFallback(runtime_.get());
  runtime_->SetInvoker(&router);

  auto call = [&](std::vector<std::string> args) {
    Result<InvocationResult> result = Run("cc", std::move(args), std::chrono::seconds(60));
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? result->response : protos::Response();
  };
  protos::Response put = call({"put", "k9", "nine"});
  EXPECT_EQ(put.status(), 200) << put.message();
  EXPECT_THAT(last_rwset_, ::testing::ElementsAre("ns cc", "write k9=nine"));
  EXPECT_EQ(call({"get", "k1"}).payload(), "v1b");
  EXPECT_THAT(last_rwset_, ::testing::ElementsAre("ns cc", "read k1@1:0"));
  call({"del", "k2"});
  EXPECT_THAT(last_rwset_, ::testing::ElementsAre("ns cc", "delete k2"));
  EXPECT_EQ(call({"range", "k2", "k5"}).payload(), "k2=v2,k3=v3,k4=v4");
  EXPECT_EQ(call({"page", ""}).payload(), "k1=v1b,k2=v2|k3|2");
  EXPECT_EQ(call({"page", "k5"}).payload(), "k5=v5||1");
  EXPECT_EQ(call({"history", "k1"}).payload(), "v1,v1b");
  EXPECT_EQ(call({"call", "echo", "hello"}).payload(), "200:echo hello");
  protos::Response refused = call({"private"});
  EXPECT_EQ(refused.status(), 500);
  EXPECT_THAT(refused.message(), HasSubstr("private data is not supported"));
}

// A chaincode server (chaincode-as-a-service): on Connect it registers as
// `name` and then serves one transaction writing key "svc".
class ChaincodeServer final : public protos::Chaincode::Service {
 public:
  // With `answer_first` false the first transaction it receives is never
  // answered.
  explicit ChaincodeServer(std::string name, bool answer_first = true)
      : name_(std::move(name)), answer_first_(answer_first) {}
  grpc::Status Connect(
      grpc::ServerContext*,
      grpc::ServerReaderWriter<protos::ChaincodeMessage, protos::ChaincodeMessage>* stream) override {
    connections_.fetch_add(1);
    protos::ChaincodeID id;
    id.set_name(name_);
    Message message;
    message.set_type(Message::REGISTER);
    message.set_payload(id.SerializeAsString());
    stream->Write(message);
    Message reply;
    if (!stream->Read(&reply) || reply.type() != Message::REGISTERED) return grpc::Status::CANCELLED;
    if (!stream->Read(&reply) || reply.type() != Message::READY) return grpc::Status::CANCELLED;
    while (stream->Read(&message)) {
      if (message.type() != Message::TRANSACTION) continue;
      if (!answer_first_ && !skipped_first_.exchange(true)) continue;
      protos::PutState put;
      put.set_key("svc");
      put.set_value("served");
      Message request;
      request.set_type(Message::PUT_STATE);
      request.set_payload(put.SerializeAsString());
      request.set_txid(message.txid());
      request.set_channel_id(message.channel_id());
      stream->Write(request);
      if (!stream->Read(&reply) || reply.type() != Message::RESPONSE) return grpc::Status::CANCELLED;
      protos::Response response;
      response.set_status(200);
      response.set_payload("from the chaincode server");
      Message completed;
      completed.set_type(Message::COMPLETED);
      completed.set_payload(response.SerializeAsString());
      completed.set_txid(message.txid());
      completed.set_channel_id(message.channel_id());
      stream->Write(completed);
    }
    return grpc::Status::OK;
  }
  int connections() const { return connections_.load(); }

 private:
  std::string name_;
  const bool answer_first_;
  std::atomic<bool> skipped_first_{false};
  std::atomic<int> connections_{0};
};

TEST_F(LaunchTest, ChaincodeAsAServiceIsDialledAndServesTransactions) {
  ChaincodeServer service("ext:abc");
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  LaunchSpec spec;
  spec.type = LaunchType::kCcaas;
  spec.address = "127.0.0.1:" + std::to_string(port);
  spec.chaincode_id = "ext:abc";
  specs_["ext"] = spec;
  for (int i = 0; i < 2; ++i) {
    Result<InvocationResult> result = Run("ext", {"f"});
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_EQ(result->response.payload(), "from the chaincode server");
    EXPECT_THAT(last_rwset_, ::testing::ElementsAre("ns ext", "write svc=served"));
  }
  runtime_->Stop("ext");  // closes the dialled stream so the server can stop
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
}

TEST_F(LaunchTest, ChaincodeServerThatDoesNotAnswerIsDisconnectedAtTheDeadlineAndRedialled) {
  ChaincodeServer service("slow", /*answer_first=*/false);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  LaunchSpec spec;
  spec.type = LaunchType::kCcaas;
  spec.address = "127.0.0.1:" + std::to_string(port);
  specs_["slow"] = spec;
  Result<InvocationResult> stuck = Run("slow", {"f"}, std::chrono::milliseconds(500));
  ASSERT_FALSE(stuck.ok());
  EXPECT_EQ(stuck.status().code(), Status::Code::kDeadlineExceeded);
  EXPECT_EQ(stuck.status().message(),
            "chaincode slow did not complete tx " + last_tx_id_ + " within 0.5 s; killed it");
  // The next invocation dials again and is served on the new connection.
  Result<InvocationResult> served = Run("slow", {"f"});
  ASSERT_TRUE(served.ok()) << served.status().ToString();
  EXPECT_EQ(served->response.payload(), "from the chaincode server");
  EXPECT_EQ(service.connections(), 2);
  runtime_->Stop("slow");
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
}

TEST_F(LaunchTest, UnreachableChaincodeServerIsUnavailable) {
  LaunchSpec spec;
  spec.type = LaunchType::kCcaas;
  spec.address = "127.0.0.1:1";
  specs_["gone"] = spec;
  Result<InvocationResult> result = Run("gone", {"f"});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Status::Code::kUnavailable);
  EXPECT_THAT(result.status().message(), HasSubstr("the connection to 127.0.0.1:1 ended"));
}

}  // namespace
}  // namespace loom::chaincode::testing
