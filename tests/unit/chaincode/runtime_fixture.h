// The chaincode runtime under test, for real: a ChaincodeSupport served by a
// gRPC server on 127.0.0.1:0, a Launcher and ChaincodeRuntime, and a KvLedger
// in a temp folder whose committed state the chaincodes read
// (namespace "cc": k1..k5, k1 written twice; "other": k1).
#pragma once

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/chaincode/chaincode_runtime.h"
#include "core/chaincode/chaincode_support.h"
#include "core/chaincode/launcher.h"
#include "core/crypto/ecdsa.h"
#include "core/ledger/kv_ledger.h"
#include "core/ledger/tx_simulator.h"
#include "core/protocol/block.h"
#include "core/protocol/block_header.h"
#include "core/protocol/serialized_identity.h"
#include "core/protocol/signer.h"
#include "ledger/rwset/kvrwset/kv_rwset.pb.h"
#include "ledger/rwset/rwset.pb.h"
#include "peer/transaction.pb.h"
#include "scripted_chaincode.h"
#include "tests/support/endorser_transaction.h"
#include "tests/support/temp_dir.h"

namespace loom::chaincode::testing {

using Lines = std::vector<std::string>;

// The rwset of `results_bytes` as lines: "ns <name>", "read <key>@<b:t|->",
// "range [<start>,<end>) exhausted|open <n> reads", "write <k>=<v>",
// "delete <k>".
inline Lines DumpRwSet(const std::string& results_bytes) {
  rwset::TxReadWriteSet results;
  EXPECT_TRUE(results.ParseFromString(results_bytes));
  Lines lines;
  for (const rwset::NsReadWriteSet& ns : results.ns_rwset()) {
    lines.push_back("ns " + ns.namespace_());
    kvrwset::KVRWSet kv;
    EXPECT_TRUE(kv.ParseFromString(ns.rwset()));
    for (const kvrwset::KVRead& read : kv.reads()) {
      lines.push_back("read " + read.key() + "@" +
                      (read.has_version() ? std::to_string(read.version().block_num()) + ":" +
                                                std::to_string(read.version().tx_num())
                                          : "-"));
    }
    for (const kvrwset::RangeQueryInfo& info : kv.range_queries_info()) {
      lines.push_back("range [" + info.start_key() + "," + info.end_key() + ") " +
                      (info.itr_exhausted() ? "exhausted " : "open ") +
                      std::to_string(info.raw_reads().kv_reads_size()) + " reads");
    }
    for (const kvrwset::KVWrite& write : kv.writes())
      lines.push_back(write.is_delete() ? "delete " + write.key()
                                        : "write " + write.key() + "=" + write.value());
  }
  return lines;
}

class RuntimeFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ledger = ledger::KvLedger::Open(dir_.File("ledger"));
    ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
    ledger_ = std::move(ledger).value();
    auto key = crypto::PrivateKey::Generate();
    ASSERT_TRUE(key.ok());
    protocol::KeySigner signer(*key, protocol::SerializeIdentity("Org1MSP", "test"));
    std::vector<loom::testing::TxWrite> first = {{"cc", "k1", "v1"}, {"cc", "k2", "v2"},
                                                 {"cc", "k3", "v3"}, {"cc", "k4", "v4"},
                                                 {"cc", "k5", "v5"}, {"other", "k1", "o1"}};
    std::vector<loom::testing::TxWrite> second = {{"cc", "k1", "v1b"}};
    std::string previous_hash;
    uint64_t number = 0;
    for (const auto& writes : {first, second}) {
      auto tx = loom::testing::MakeEndorserTransactionWithWrites(signer, signer, "ch", "cc", writes);
      ASSERT_TRUE(tx.ok());
      history_tx_ids_.push_back(tx->tx_id);
      common::Block block = protocol::NewBlock(number++, previous_hash, {tx->envelope});
      previous_hash = protocol::BlockHeaderHash(block.header());
      ASSERT_TRUE(ledger_->Commit(block, {0}).ok());
    }
    StartPeer();
  }

  void TearDown() override { StopPeer(); }

  // (Re)starts support, server, launcher and runtime with these settings.
  void StartPeer(HandlerLimits limits = {}, RuntimeOptions options = {}, std::string npm_command = "npm") {
    StopPeer();
    support_ = std::make_unique<ChaincodeSupport>(limits);
    service_ = support_->MakeService();
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    address_ = "127.0.0.1:" + std::to_string(port);
    LauncherOptions launcher_options;
    launcher_options.peer_address = address_;
    launcher_options.local_msp_id = "Org1MSP";
    launcher_options.log_dir = dir_.File("logs");
    launcher_options.npm_command = std::move(npm_command);
    launcher_ = std::make_unique<Launcher>(launcher_options, support_.get());
    runtime_ = std::make_unique<ChaincodeRuntime>(
        support_.get(), launcher_.get(),
        [this](const std::string& name) -> Result<LaunchSpec> {
          auto it = specs_.find(name);
          if (it == specs_.end()) return Status::NotFound("no chaincode package installed for " + name);
          return it->second;
        },
        options);
  }

  void StopPeer() {
    runtime_.reset();
    if (server_) server_->Shutdown(std::chrono::system_clock::now());
    server_.reset();
    launcher_.reset();
    service_.reset();
    support_.reset();
  }

  // A scripted chaincode registered as `name`.
  std::unique_ptr<ScriptedChaincode> Connect(const std::string& name) {
    auto chaincode = std::make_unique<ScriptedChaincode>(address_);
    EXPECT_TRUE(chaincode->Register(name));
    return chaincode;
  }

  std::unique_ptr<ledger::TxSimulator> NewSimulator(const std::string& tx_id) {
    return ledger::TxSimulator::Start(tx_id, *ledger_);
  }

  Invocation MakeInvocation(const std::string& chaincode, std::vector<std::string> args,
                            ledger::TxSimulator* simulator,
                            std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    Invocation invocation;
    invocation.channel_id = "ch";
    invocation.tx_id = "tx" + std::to_string(next_tx_++);
    invocation.chaincode_name = chaincode;
    for (std::string& arg : args) invocation.input.add_args(std::move(arg));
    invocation.simulator = simulator;
    invocation.deadline = std::chrono::steady_clock::now() + timeout;
    return invocation;
  }

  // Runs Execute on its own thread (the chaincode script runs on the test's).
  std::future<Result<InvocationResult>> ExecuteAsync(const Invocation& invocation) {
    return std::async(std::launch::async, [this, &invocation] { return runtime_->Execute(invocation); });
  }

  loom::testing::TempDir dir_{"loom-chaincode"};
  std::unique_ptr<ledger::KvLedger> ledger_;
  std::vector<std::string> history_tx_ids_;
  std::map<std::string, LaunchSpec> specs_;
  std::unique_ptr<ChaincodeSupport> support_;
  std::unique_ptr<grpc::Service> service_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  std::unique_ptr<Launcher> launcher_;
  std::unique_ptr<ChaincodeRuntime> runtime_;
  int next_tx_ = 1;
};

}  // namespace loom::chaincode::testing
