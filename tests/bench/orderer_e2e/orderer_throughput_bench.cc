// End-to-end throughput of real loom-orderer processes — solo, or a Raft
// cluster of N processes on this machine — next to this machine's ECDSA
// P-256 verify rate measured in the same run (issue 3); and Raft leader
// failover time.
//
// Generates crypto + a genesis block in a temp folder, starts loom-orderer
// (solo: one process on port 0; --raft=N: N processes on picked ports, one
// etcdraft channel, 1 s election timeout by default), pre-signs the ENDORSER_TRANSACTION
// envelopes of about 3 KB as User1@Org1 (signing is not timed), then:
//
//   throughput  times from the first Broadcast send until the last SUCCESS
//               envelope shows up in a block on one Deliver stream (node 0),
//               with several Broadcast streams in parallel (Raft: stream s
//               goes to node s mod N, or all to the leader with
//               --target=leader). Prints envelopes/s, the verify ceilings
//               (loom's PublicKey::Verify on 1 and 2 threads, `openssl
//               speed`) and their ratio, plus per-envelope
//               broadcast→delivered latency.
//   --failover  (Raft) under a steady paced load on every node, SIGKILLs the
//               leader (the node whose /metrics says
//               consensus_etcdraft_is_leader{channel="mychannel"} 1) and
//               reports the time from the kill to the next block a
//               surviving node delivers, and to the first block holding an
//               envelope sent after the kill; the killed node is restarted
//               between runs.
//
// Exits 1 when an acknowledged envelope is lost or delivered twice.
//
// Flags: --envelopes=N (20000) --streams=S (4; Raft 2 per node)
// --envelope_bytes=B (3072) --max_message_count=M (500) --batch_timeout=T
// (250ms) --preferred_max_bytes=P (2MB) --raft=N (0 = solo) --target=all|leader
// --failover --runs=R (3) --rate=E envelopes/s of the failover load (1500)
// --show_logs (print the orderers' logs at the end, as on a failure)
// --orderer_bin=PATH (another loom-orderer build, for before/after runs)
// --raft_options='{tick_interval: 100ms, election_tick: 10, heartbeat_tick: 1}'
// (the channel's etcdraft Options, as a scenario's orderer.raft map);
// --benchmark_* flags (from scripts/bench.sh) are ignored.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/crypto/ecdsa.h"
#include "core/msp/signing_identity.h"
#include "core/orderer/deliver_handler.h"
#include "core/orderer/envelope_tx_id.h"
#include "core/orderer/seek_envelope.h"
#include "core/protocol/envelope.h"
#include "core/protocol/wire_fields.h"
#include "core/util/file_util.h"
#include "orderer/ab.pb.h"
#include "tests/integration/orderer/net_util.h"
#include "tests/integration/orderer/orderer_client.h"
#include "tests/integration/orderer/orderer_process.h"
#include "tests/support/orderer_network.h"
#include "tests/support/verify_ceiling.h"

namespace loom::testing {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr char kChannel[] = "mychannel";

struct Options {
  size_t envelopes = 20000;
  int streams = 4;
  size_t envelope_bytes = 3072;
  int max_message_count = 500;
  std::string batch_timeout = "250ms";
  std::string preferred_max_bytes = "2MB";
  int raft_nodes = 0;  // 0: solo
  bool to_leader = false;
  bool failover = false;
  int runs = 3;
  double rate = 1500;  // failover load, envelopes/s over all streams
  bool show_logs = false;
  std::string orderer_bin = LOOM_ORDERER_BIN;
  std::string raft_options = kTestRaftOptions;
};

bool ParseFlag(const char* arg, const char* name, std::string* value) {
  size_t length = std::strlen(name);
  if (std::strncmp(arg, name, length) != 0 || arg[length] != '=') return false;
  *value = arg + length + 1;
  return true;
}

std::optional<Options> ParseOptions(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string value;
    if (ParseFlag(argv[i], "--envelopes", &value)) {
      options.envelopes = std::strtoull(value.c_str(), nullptr, 10);
    } else if (ParseFlag(argv[i], "--streams", &value)) {
      options.streams = std::atoi(value.c_str());
    } else if (ParseFlag(argv[i], "--envelope_bytes", &value)) {
      options.envelope_bytes = std::strtoull(value.c_str(), nullptr, 10);
    } else if (ParseFlag(argv[i], "--max_message_count", &value)) {
      options.max_message_count = std::atoi(value.c_str());
    } else if (ParseFlag(argv[i], "--batch_timeout", &value)) {
      options.batch_timeout = value;
    } else if (ParseFlag(argv[i], "--preferred_max_bytes", &value)) {
      options.preferred_max_bytes = value;
    } else if (ParseFlag(argv[i], "--raft", &value)) {
      options.raft_nodes = std::atoi(value.c_str());
    } else if (ParseFlag(argv[i], "--target", &value)) {
      if (value != "all" && value != "leader") {
        std::fprintf(stderr, "--target is all or leader\n");
        return std::nullopt;
      }
      options.to_leader = value == "leader";
    } else if (ParseFlag(argv[i], "--raft_options", &value)) {
      options.raft_options = value;
    } else if (ParseFlag(argv[i], "--orderer_bin", &value)) {
      options.orderer_bin = value;
    } else if (std::strcmp(argv[i], "--show_logs") == 0) {
      options.show_logs = true;
    } else if (std::strcmp(argv[i], "--failover") == 0) {
      options.failover = true;
    } else if (ParseFlag(argv[i], "--runs", &value)) {
      options.runs = std::atoi(value.c_str());
    } else if (ParseFlag(argv[i], "--rate", &value)) {
      options.rate = std::strtod(value.c_str(), nullptr);
    } else if (std::strncmp(argv[i], "--benchmark_", 12) == 0) {
      // scripts/bench.sh passes Google Benchmark flags to every *_bench.
    } else {
      std::fprintf(stderr, "unknown flag %s\n", argv[i]);
      return std::nullopt;
    }
  }
  bool streams_given = false;
  for (int i = 1; i < argc; ++i)
    streams_given = streams_given || std::strncmp(argv[i], "--streams=", 10) == 0;
  if (options.raft_nodes > 0 && !streams_given) options.streams = 2 * options.raft_nodes;
  if (options.envelopes == 0 || options.streams <= 0 || options.max_message_count <= 0 ||
      options.raft_nodes < 0 || options.runs <= 0 || options.rate <= 0) {
    std::fprintf(stderr, "--envelopes, --streams, --max_message_count, --runs and --rate must be positive\n");
    return std::nullopt;
  }
  if (options.failover && options.raft_nodes < 3) {
    std::fprintf(stderr, "--failover needs --raft=3 or more\n");
    return std::nullopt;
  }
  return options;
}

// ---- Wire walking (the deliver side must stay cheap: it shares the cores) ----

using protocol::ForEachBytesField;
using protocol::ReadVarint;

std::string_view BytesField(std::string_view message, int number) {
  std::string_view found;
  ForEachBytesField(message, [&](int field, std::string_view bytes) {
    if (field == number) found = bytes;
    return true;
  });
  return found;
}

std::string_view TxIdOf(std::string_view envelope) {
  return orderer::EnvelopeTxId(envelope).value_or(std::string_view());
}

// CPU seconds (user + system) process `pid` used so far; 0 when unknown.
double ProcessCpuSeconds(pid_t pid) {
  std::string stat;
  if (FILE* file = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r")) {
    char buffer[1024];
    size_t n = std::fread(buffer, 1, sizeof(buffer), file);
    std::fclose(file);
    stat.assign(buffer, n);
  }
  // Fields after the ")" closing the command name: state is field 3,
  // utime and stime fields 14 and 15.
  size_t at = stat.rfind(')');
  if (at == std::string::npos) return 0;
  std::vector<std::string> fields;
  for (size_t i = at + 2; i < stat.size();) {
    size_t end = stat.find(' ', i);
    if (end == std::string::npos) end = stat.size();
    fields.push_back(stat.substr(i, end - i));
    i = end + 1;
  }
  if (fields.size() < 13) return 0;
  double ticks = std::strtod(fields[11].c_str(), nullptr) + std::strtod(fields[12].c_str(), nullptr);
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double SelfCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// ---- The orderers ----

// One loom-orderer process of the benchmark, restartable with its config.
struct Node {
  std::string name;
  std::string config_file;
  std::string log_file;
  std::unique_ptr<OrdererProcess> process;
  int starts = 0;
};

// Starts `node` (joining the genesis block; harmless on a restart).
Status StartNode(Node& node, const std::string& binary, const std::string& genesis_file) {
  // A fresh log per start: the operations address (port 0) is read from it.
  std::string log_file = node.log_file + (node.starts++ == 0 ? "" : "." + std::to_string(node.starts));
  auto process = OrdererProcess::Start(binary, node.config_file, {genesis_file}, log_file,
                                       SteadyClock::now() + std::chrono::seconds(30));
  if (!process.ok()) return process.status().WithContext(node.name);
  node.process = std::move(*process);
  return Status::Ok();
}

// The node whose /metrics says it leads mychannel, when exactly one does
// before `deadline`; nodes.size() otherwise.
size_t FindLeader(const std::vector<Node>& nodes, SteadyClock::time_point deadline) {
  const std::string leader_line = "consensus_etcdraft_is_leader{channel=\"mychannel\"} 1";
  while (SteadyClock::now() < deadline) {
    size_t leader = nodes.size(), leaders = 0;
    for (size_t i = 0; i < nodes.size(); ++i) {
      if (nodes[i].process == nullptr) continue;
      if (HttpGet(nodes[i].process->OperationsAddress(), "/metrics").find(leader_line) != std::string::npos) {
        leader = i;
        ++leaders;
      }
    }
    if (leaders == 1) return leader;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a benchmark, not a test: polling is fine
  }
  return nodes.size();
}

// The value after "`series` " in a Prometheus text page, or "?".
std::string MetricValue(const std::string& page, const std::string& series) {
  size_t at = page.find(series + " ");
  if (at == std::string::npos) return "?";
  size_t begin = at + series.size() + 1;
  return page.substr(begin, page.find('\n', begin) - begin);
}

// ---- The run ----

struct Sample {
  SteadyClock::time_point sent;
  SteadyClock::time_point delivered;
  common::Status status = common::UNKNOWN;
  int deliveries = 0;
};

int64_t Nanos(SteadyClock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

class Run {
 public:
  explicit Run(const Options& options) : options_(options) {}

  int Main() {
    ScratchDir scratch("loom_orderer_bench");
    ChannelBatchSettings batch;
    batch.batch_timeout = options_.batch_timeout;
    batch.max_message_count = options_.max_message_count;
    batch.absolute_max_bytes = "10MB";
    batch.preferred_max_bytes = options_.preferred_max_bytes;
    batch.raft_options = options_.raft_options;
    std::vector<RaftNodePorts> ports;
    for (int i = 0; i < options_.raft_nodes; ++i) ports.push_back({PickFreePort(), PickFreePort()});
    auto network = OrdererNetwork::Create(scratch.Path("net"), batch, ports);
    if (!network.ok()) return Fail("network: " + network.status().ToString());
    network_ = network->get();
    auto client = (*network)->UserSigner("Org1", "User1");
    auto endorser = (*network)->PeerSigner("Org1");
    auto reader = (*network)->PeerSigner("Org2");
    if (!client.ok() || !endorser.ok() || !reader.ok()) return Fail("cannot load signers");
    reader_ = *reader;

    size_t count = options_.envelopes;
    if (options_.failover) {
      count = static_cast<size_t>(options_.rate * (kLoadBeforeKill + kLoadAfterKill)) *
              static_cast<size_t>(options_.runs);
    }
    // Warm-up envelopes (one per node and run) are signed with the rest
    // but are not part of any measurement.
    size_t warmups =
        options_.raft_nodes > 0 ? static_cast<size_t>(options_.raft_nodes * (options_.runs + 1)) : 0;
    if (!SignEnvelopes(**client, **endorser, count, warmups)) return 1;

    // The verify ceiling, over a real envelope's payload and signature.
    common::Envelope sample;
    sample.ParseFromString(envelopes_[0]);
    auto identity = msp::LoadSigningIdentity(
        cryptogen::UserFolder((*network)->crypto_dir(), (*network)->Org("Org1"), "User1") + "/msp",
        "Org1MSP");
    if (!identity.ok()) return Fail("identity: " + identity.status().ToString());
    crypto::PublicKey key = identity->private_key().public_key();
    double verify_1 = VerifyRate(key, sample.payload(), sample.signature(), 1, 1.0);
    double verify_2 = VerifyRate(key, sample.payload(), sample.signature(), 2, 1.0);
    double verify_openssl = OpensslVerifyRate();

    if (options_.raft_nodes == 0) {
      nodes_.push_back(Node{"orderer", scratch.Path("orderer.yaml"), scratch.Path("orderer.log"), nullptr});
      std::string config =
          "name: orderer.example.com\n"
          "listen_address: 127.0.0.1:0\n"
          "msp: {dir: " +
          (*network)->OrdererMspDir() +
          ", id: OrdererMSP}\n"
          "data_dir: data\n";
      if (!WriteFileAtomically(nodes_[0].config_file, config).ok())
        return Fail("cannot write the orderer config");
    } else {
      for (int i = 0; i < options_.raft_nodes; ++i) {
        std::string name = RaftOrdererName(static_cast<size_t>(i));
        nodes_.push_back(Node{name, scratch.Path(name + ".yaml"), scratch.Path(name + ".log"), nullptr});
        std::string config = "name: " + name + ".example.com\n" +
                             "listen_address: 127.0.0.1:" + std::to_string(ports[i].listen) + "\n" +
                             "cluster_address: 127.0.0.1:" + std::to_string(ports[i].cluster) + "\n" +
                             "msp: {dir: " + (*network)->OrdererMspDir(name) + ", id: OrdererMSP}\n" +
                             "data_dir: data-" + name + "\n" + "operations_address: 127.0.0.1:0\n";
        if (!WriteFileAtomically(nodes_.back().config_file, config).ok())
          return Fail("cannot write " + nodes_.back().config_file);
      }
    }
    for (Node& node : nodes_) {
      Status started = StartNode(node, options_.orderer_bin, (*network)->genesis_file());
      if (!started.ok()) return Fail("loom-orderer: " + started.ToString());
    }
    if (options_.raft_nodes > 0) {
      // Ordered through every node once: a leader is elected and every
      // follower's forward stream is up before the clock starts.
      for (size_t i = 0; i < nodes_.size(); ++i) {
        if (!WarmUp(i)) return Fail("warm-up through " + nodes_[i].name + " failed");
      }
    }

    int failures;
    if (options_.failover) {
      failures = Failover();
    } else {
      failures = Throughput(verify_1, verify_2, verify_openssl);
    }
    if (failures != 0 || options_.show_logs) {
      for (Node& node : nodes_) {
        if (node.process != nullptr)
          std::fprintf(stderr, "%s log:\n%s\n", node.name.c_str(), node.process->Log().c_str());
      }
    }
    for (Node& node : nodes_) {
      if (node.process != nullptr) node.process->Terminate(SteadyClock::now() + std::chrono::seconds(20));
    }
    return failures == 0 ? 0 : 1;
  }

 private:
  // The failover load runs this long before and after the kill.
  static constexpr double kLoadBeforeKill = 1.5;
  static constexpr double kLoadAfterKill = 4.0;

  static int Fail(const std::string& message) {
    std::fprintf(stderr, "orderer_throughput_bench: %s\n", message.c_str());
    return 1;
  }

  std::string DeliverSeek(orderer::SeekPoint from) const {
    auto seek = orderer::CreateSeekEnvelope(
        kChannel, *reader_,
        orderer::MakeSeekInfo(from, orderer::SeekPoint::Number(orderer::kDeliverForever)));
    return seek.ok() ? seek->SerializeAsString() : "";
  }

  // Broadcasts the next warm-up envelope through node `i`; true on SUCCESS.
  bool WarmUp(size_t i) {
    if (next_warmup_ >= warmup_envelopes_.size()) return false;
    BroadcastResult result = BroadcastAll(ConnectInsecure(nodes_[i].process->address()),
                                          {warmup_envelopes_[next_warmup_++]}, SecondsFromNow(30));
    return result.responses.size() == 1 && result.responses[0].status() == common::SUCCESS;
  }

  // Pre-signs the envelopes (two threads; signing is not timed), padded to
  // about `envelope_bytes` each. A bare transaction (creator certificate
  // twice, endorser certificate once) is already ~3.1 KB, so the default
  // 3072 adds no padding.
  bool SignEnvelopes(const protocol::Signer& client, const protocol::Signer& endorser, size_t count,
                     size_t warmups) {
    auto probe = MakeEndorserTransaction(client, endorser, kChannel, "probe", 0);
    if (!probe.ok()) return Fail("envelope: " + probe.status().ToString()) == 0;
    size_t padding = options_.envelope_bytes > probe->envelope.size()
                         ? options_.envelope_bytes - probe->envelope.size()
                         : 0;
    // Padding also grows the nested length prefixes: take the overshoot off once.
    auto padded = MakeEndorserTransaction(client, endorser, kChannel, "probe", padding);
    if (!padded.ok()) return Fail("envelope: " + padded.status().ToString()) == 0;
    if (padded->envelope.size() > options_.envelope_bytes)
      padding -= std::min(padding, padded->envelope.size() - options_.envelope_bytes);
    envelopes_.resize(count);
    std::vector<std::string> tx_ids(count);
    std::atomic<bool> failed{false};
    std::vector<std::thread> signers;
    for (int t = 0; t < 2; ++t) {
      signers.emplace_back([&, t] {
        for (size_t i = static_cast<size_t>(t); i < count; i += 2) {
          auto transaction =
              MakeEndorserTransaction(client, endorser, kChannel, "k" + std::to_string(i), padding);
          if (!transaction.ok()) {
            failed = true;
            return;
          }
          envelopes_[i] = std::move(transaction->envelope);
          tx_ids[i] = std::move(transaction->tx_id);
        }
      });
    }
    for (std::thread& signer : signers) signer.join();
    if (failed) return Fail("cannot sign the envelopes") == 0;
    for (size_t i = 0; i < warmups; ++i) {
      auto transaction = MakeEndorserTransaction(client, endorser, kChannel, "warmup" + std::to_string(i));
      if (!transaction.ok()) return Fail("cannot sign the warm-up envelopes") == 0;
      warmup_envelopes_.push_back(std::move(transaction->envelope));
    }
    index_of_.reserve(count);
    for (size_t i = 0; i < count; ++i) index_of_.emplace(tx_ids[i], i);
    samples_.assign(count, Sample{});
    mean_envelope_bytes_ = 0;
    for (const std::string& envelope : envelopes_) mean_envelope_bytes_ += envelope.size();
    mean_envelope_bytes_ /= count;
    return true;
  }

  // ---- Throughput ----

  int Throughput(double verify_1, double verify_2, double verify_openssl) {
    std::vector<std::shared_ptr<grpc::Channel>> targets;
    std::string where = "solo";
    if (options_.raft_nodes > 0) {
      where = "Raft x" + std::to_string(options_.raft_nodes) + ", streams spread over all nodes";
      size_t leader = nodes_.size();
      if (options_.to_leader) {
        leader = FindLeader(nodes_, SteadyClock::now() + std::chrono::seconds(15));
        if (leader == nodes_.size()) return Fail("no single leader on /metrics");
        where = "Raft x" + std::to_string(options_.raft_nodes) + ", all streams to the leader (" +
                nodes_[leader].name + ")";
      }
      for (int s = 0; s < options_.streams; ++s) {
        size_t node = leader < nodes_.size() ? leader : static_cast<size_t>(s) % nodes_.size();
        targets.push_back(ConnectInsecure(nodes_[node].process->address()));
      }
    } else {
      targets.assign(static_cast<size_t>(options_.streams), ConnectInsecure(nodes_[0].process->address()));
    }
    auto orderers_cpu = [&] {
      double total = 0;
      for (const Node& node : nodes_) total += ProcessCpuSeconds(node.process->pid());
      return total;
    };
    double orderers_before = orderers_cpu(), client_before = SelfCpuSeconds();
    double seconds = Measure(targets, ConnectInsecure(nodes_[0].process->address()),
                             DeliverSeek(orderer::SeekPoint::Oldest()));
    double orderers_used = orderers_cpu() - orderers_before, client_used = SelfCpuSeconds() - client_before;
    int failures = Report(where, seconds, verify_1, verify_2, verify_openssl);
    // CPU per envelope is steadier than envelopes/s on a shared machine.
    std::printf("  %-40s %12.1f\n", "orderer CPU us per envelope (all nodes)",
                orderers_used * 1e6 / static_cast<double>(envelopes_.size()));
    std::printf("  %-40s %12.1f\n", "bench client CPU us per envelope",
                client_used * 1e6 / static_cast<double>(envelopes_.size()));
    if (options_.raft_nodes > 0) {
      // Elections during the run (each node counts the leader changes it saw).
      std::printf("  leader changes seen (incl. the first election):");
      for (const Node& node : nodes_) {
        std::printf(" %s %s", node.name.c_str(),
                    MetricValue(HttpGet(node.process->OperationsAddress(), "/metrics"),
                                "consensus_etcdraft_leader_changes{channel=\"mychannel\"}")
                        .c_str());
      }
      std::printf("\n");
    }
    return failures;
  }

  // Broadcast on one stream per target + one Deliver stream; the seconds
  // from the first send to the last acknowledged envelope seen in a block.
  double Measure(const std::vector<std::shared_ptr<grpc::Channel>>& targets,
                 const std::shared_ptr<grpc::Channel>& deliver_channel, const std::string& seek) {
    auto deadline = SecondsFromNow(std::max<int>(60, static_cast<int>(envelopes_.size() / 100)));
    std::mutex mutex;
    std::condition_variable changed;
    size_t delivered = 0;  // distinct bench envelopes seen in blocks

    RawStream deliver(deliver_channel, "/orderer.AtomicBroadcast/Deliver", deadline);
    deliver.Write(seek);
    deliver.WritesDone();
    std::thread deliverer([&] {
      while (std::optional<std::string> message = deliver.Read()) {
        std::string_view block = BytesField(*message, 2);  // DeliverResponse.block
        if (block.empty()) break;                          // a status: the request ended
        SteadyClock::time_point now = SteadyClock::now();
        std::lock_guard<std::mutex> lock(mutex);
        ForEachBytesField(BytesField(block, 2), [&](int field, std::string_view envelope) {  // Block.data
          if (field != 1) return true;                                                       // BlockData.data
          auto found = index_of_.find(std::string(TxIdOf(envelope)));
          if (found == index_of_.end()) return true;
          Sample& sample = samples_[found->second];
          if (sample.deliveries++ == 0) {
            sample.delivered = now;
            ++delivered;
          }
          return true;
        });
        changed.notify_all();
      }
    });

    // Stream s sends envelopes s, s + S, s + 2S, ... in that order.
    size_t streams = targets.size();
    SteadyClock::time_point start = SteadyClock::now();
    std::vector<std::thread> threads;
    for (size_t s = 0; s < streams; ++s) {
      threads.emplace_back([&, s] {
        RawStream stream(targets[s], "/orderer.AtomicBroadcast/Broadcast", deadline);
        std::thread writer([&] {
          for (size_t i = s; i < envelopes_.size(); i += streams) {
            samples_[i].sent = SteadyClock::now();
            if (!stream.Write(envelopes_[i])) break;
          }
          stream.WritesDone();
        });
        for (size_t i = s; i < envelopes_.size(); i += streams) {
          std::optional<std::string> message = stream.Read();
          if (!message) break;
          ::orderer::BroadcastResponse response;
          response.ParseFromString(*message);
          std::lock_guard<std::mutex> lock(mutex);
          NoteResponse(i, response);
        }
        while (stream.Read()) {
        }
        writer.join();
        stream.Finish();
      });
    }
    for (std::thread& thread : threads) thread.join();

    {
      std::unique_lock<std::mutex> lock(mutex);
      changed.wait_until(lock, SteadyClock::now() + std::chrono::seconds(30),
                         [&] { return AllAcknowledgedDelivered(0, samples_.size()); });
    }
    deliver.Cancel();
    deliverer.join();
    deliver.Finish();
    std::optional<SteadyClock::time_point> last_delivered;
    for (const Sample& sample : samples_) {
      if (sample.status == common::SUCCESS && sample.deliveries > 0 &&
          (!last_delivered || sample.delivered > *last_delivered))
        last_delivered = sample.delivered;
    }
    if (!last_delivered) return 0;
    return std::chrono::duration<double>(*last_delivered - start).count();
  }

  // Records a Broadcast response (under the run's mutex) and counts why
  // envelopes were refused.
  void NoteResponse(size_t i, const ::orderer::BroadcastResponse& response) {
    samples_[i].status = response.status();
    if (response.status() == common::SUCCESS) return;
    std::string why = common::Status_Name(response.status()) + ": " + response.info().substr(0, 120);
    if (refusals_.size() < 8 || refusals_.count(why) > 0) ++refusals_[why];
  }

  // True when every SUCCESS envelope in [begin, end) was delivered (under
  // the run's mutex).
  bool AllAcknowledgedDelivered(size_t begin, size_t end) const {
    for (size_t i = begin; i < end; ++i) {
      if (samples_[i].status == common::SUCCESS && samples_[i].deliveries == 0) return false;
    }
    return true;
  }

  void PrintRefusals() const {
    for (const auto& [why, count] : refusals_) std::printf("    refused %zu x %s\n", count, why.c_str());
  }

  // Acknowledged envelopes in [begin, end) never delivered / delivered
  // more than once, and rejected ones.
  struct Audit {
    size_t acknowledged = 0, rejected = 0, lost = 0, duplicated = 0, unacknowledged_delivered = 0;
  };
  Audit AuditSamples(size_t begin, size_t end) const {
    Audit audit;
    for (size_t i = begin; i < end; ++i) {
      const Sample& sample = samples_[i];
      if (sample.status != common::SUCCESS) {
        ++audit.rejected;
        if (sample.deliveries > 0) ++audit.unacknowledged_delivered;
        continue;
      }
      ++audit.acknowledged;
      if (sample.deliveries == 0) ++audit.lost;
      if (sample.deliveries > 1) ++audit.duplicated;
    }
    return audit;
  }

  // Prints the table; the number of acknowledged envelopes lost or
  // delivered more than once.
  int Report(const std::string& where, double seconds, double verify_1, double verify_2,
             double verify_openssl) {
    Audit audit = AuditSamples(0, samples_.size());
    std::vector<double> latencies_ms;
    latencies_ms.reserve(samples_.size());
    for (const Sample& sample : samples_) {
      if (sample.status == common::SUCCESS && sample.deliveries > 0)
        latencies_ms.push_back(
            std::chrono::duration<double, std::milli>(sample.delivered - sample.sent).count());
    }
    std::sort(latencies_ms.begin(), latencies_ms.end());
    auto percentile = [&](double p) {
      if (latencies_ms.empty()) return 0.0;
      size_t at = static_cast<size_t>(p * static_cast<double>(latencies_ms.size() - 1));
      return latencies_ms[at];
    };
    double rate = seconds > 0 ? static_cast<double>(audit.acknowledged - audit.lost) / seconds : 0;

    std::printf("loom-orderer %s, %zu envelopes of %zu bytes on %d Broadcast streams + 1 Deliver stream\n",
                where.c_str(), samples_.size(), mean_envelope_bytes_, options_.streams);
    std::printf("BatchSize: MaxMessageCount %d, PreferredMaxBytes %s, BatchTimeout %s\n",
                options_.max_message_count, options_.preferred_max_bytes.c_str(),
                options_.batch_timeout.c_str());
    std::printf("  %-40s %12.0f\n", "orderer envelopes/s (SUCCESS, delivered)", rate);
    std::printf("  %-40s %12.0f\n", "ECDSA P-256 verify/s, 1 thread (loom)", verify_1);
    std::printf("  %-40s %12.0f\n", "ECDSA P-256 verify/s, 2 threads (loom)", verify_2);
    if (verify_openssl > 0)
      std::printf("  %-40s %12.0f\n", "ECDSA P-256 verify/s, openssl speed", verify_openssl);
    else
      std::printf("  %-40s %12s\n", "ECDSA P-256 verify/s, openssl speed", "n/a");
    std::printf("  %-40s %12.2f\n", "ratio envelopes/s / 2-thread verify/s",
                verify_2 > 0 ? rate / verify_2 : 0);
    if (verify_2 < 1.6 * verify_1) {
      // Something else held a core while the ceiling was measured: the
      // ratio is not against two cores.
      std::printf(
          "  WARNING: 2-thread verify is not ~2x 1-thread (machine busy); the ratio is not comparable\n");
    }
    std::printf("  %-40s %12.1f\n", "latency p50 ms (broadcast -> delivered)", percentile(0.50));
    std::printf("  %-40s %12.1f\n", "latency p99 ms (broadcast -> delivered)", percentile(0.99));
    std::printf("  %-40s %12.2f\n", "elapsed s", seconds);
    std::printf(
        "  acknowledged %zu, rejected %zu, lost %zu, delivered twice %zu, unacknowledged but delivered %zu\n",
        audit.acknowledged, audit.rejected, audit.lost, audit.duplicated, audit.unacknowledged_delivered);
    PrintRefusals();
    if (audit.acknowledged == 0) {
      std::fprintf(stderr, "orderer_throughput_bench: no envelope was acknowledged\n");
      return 1;
    }
    return static_cast<int>(audit.lost + audit.duplicated);
  }

  // ---- Failover ----

  // One Deliver stream's view of the blocks after the run started.
  struct BlockArrival {
    SteadyClock::time_point at;
    uint64_t number = 0;
    int64_t newest_sent_ns = 0;  // latest send time of a bench envelope in it; 0 when none
  };

  int Failover() {
    std::printf(
        "loom-orderer Raft x%d leader failover: %d runs, load %.0f envelopes/s of %zu bytes on %d "
        "Broadcast streams (stream s to node s mod %d), SIGKILL of the leader %.1f s into each run\n",
        options_.raft_nodes, options_.runs, options_.rate, mean_envelope_bytes_, options_.streams,
        options_.raft_nodes, kLoadBeforeKill);
    std::printf("Raft options %s; BatchSize: MaxMessageCount %d, BatchTimeout %s\n",
                options_.raft_options.c_str(), options_.max_message_count, options_.batch_timeout.c_str());
    sent_ns_ = std::vector<std::atomic<int64_t>>(envelopes_.size());
    size_t per_run = envelopes_.size() / static_cast<size_t>(options_.runs);
    std::vector<double> to_block_ms, to_new_block_ms;
    int failures = 0;
    for (int run = 0; run < options_.runs; ++run) {
      size_t begin = static_cast<size_t>(run) * per_run;
      double any_ms = -1, new_ms = -1;
      int failed = FailoverRun(run, begin, begin + per_run, &any_ms, &new_ms);
      failures += failed;
      if (any_ms >= 0) to_block_ms.push_back(any_ms);
      if (new_ms >= 0) to_new_block_ms.push_back(new_ms);
      if (failed != 0) break;
    }
    auto summary = [](const char* what, std::vector<double> values) {
      if (values.empty()) return;
      std::sort(values.begin(), values.end());
      std::printf("  %-58s min %6.0f  median %6.0f  max %6.0f ms\n", what, values.front(),
                  values[values.size() / 2], values.back());
    };
    summary("kill -> next block delivered by a survivor", to_block_ms);
    summary("kill -> first block with an envelope sent after the kill", to_new_block_ms);
    return failures;
  }

  // One run over envelopes [begin, end): load, kill, audit on a survivor,
  // restart the killed node. The number of acknowledged envelopes lost or
  // doubled (or 1 when the run could not be carried out).
  int FailoverRun(int run, size_t begin, size_t end, double* to_block_ms, double* to_new_block_ms) {
    size_t leader = FindLeader(nodes_, SteadyClock::now() + std::chrono::seconds(30));
    if (leader == nodes_.size()) {
      std::string claims;
      for (const Node& node : nodes_) {
        claims += " " + node.name + " is_leader=" +
                  MetricValue(HttpGet(node.process->OperationsAddress(), "/metrics"),
                              "consensus_etcdraft_is_leader{channel=\"mychannel\"}");
      }
      return Fail("run " + std::to_string(run) + ": no single leader on /metrics within 30 s:" + claims);
    }
    auto deadline = SecondsFromNow(120);

    // A Deliver stream on every node from its newest block on: the run's
    // envelopes are all ordered after it.
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<std::vector<BlockArrival>> arrivals(nodes_.size());
    std::vector<size_t> started(nodes_.size(), 0);
    std::vector<std::unique_ptr<RawStream>> delivers;
    std::vector<std::thread> deliverers;
    size_t audit_node = (leader + 1) % nodes_.size();
    for (size_t n = 0; n < nodes_.size(); ++n) {
      delivers.push_back(std::make_unique<RawStream>(ConnectInsecure(nodes_[n].process->address()),
                                                     "/orderer.AtomicBroadcast/Deliver", deadline));
      delivers[n]->Write(DeliverSeek(orderer::SeekPoint::Newest()));
      delivers[n]->WritesDone();
      deliverers.emplace_back([&, n] {
        while (std::optional<std::string> message = delivers[n]->Read()) {
          std::string_view block = BytesField(*message, 2);
          if (block.empty()) break;
          BlockArrival arrival{SteadyClock::now(), 0, 0};
          std::lock_guard lock(mutex);
          std::string_view header = BytesField(block, 1);  // Block.header; number is field 1 (varint)
          if (!header.empty() && static_cast<uint8_t>(header[0]) == 0x08) {
            std::string_view rest = header.substr(1);
            ReadVarint(&rest, &arrival.number);
          }
          ForEachBytesField(BytesField(block, 2), [&](int field, std::string_view envelope) {
            if (field != 1) return true;
            auto found = index_of_.find(std::string(TxIdOf(envelope)));
            if (found == index_of_.end() || found->second < begin || found->second >= end) return true;
            arrival.newest_sent_ns = std::max(arrival.newest_sent_ns, sent_ns_[found->second].load());
            if (n == audit_node) samples_[found->second].deliveries++;
            return true;
          });
          if (started[n]++ > 0) arrivals[n].push_back(arrival);  // the first is the newest before the run
          changed.notify_all();
        }
      });
    }
    {
      std::unique_lock lock(mutex);
      if (!changed.wait_until(lock, SteadyClock::now() + std::chrono::seconds(10), [&] {
            return std::all_of(started.begin(), started.end(), [](size_t k) { return k > 0; });
          })) {
        lock.unlock();
        for (auto& deliver : delivers) deliver->Cancel();
        for (auto& thread : deliverers) thread.join();
        return Fail("run " + std::to_string(run) + ": a Deliver stream did not start");
      }
    }

    // Paced load: stream s sends its share at rate/S envelopes/s.
    size_t streams = static_cast<size_t>(options_.streams);
    SteadyClock::time_point start = SteadyClock::now();
    auto period = std::chrono::duration<double>(static_cast<double>(streams) / options_.rate);
    std::vector<std::thread> load;
    for (size_t s = 0; s < streams; ++s) {
      load.emplace_back([&, s] {
        RawStream stream(ConnectInsecure(nodes_[s % nodes_.size()].process->address()),
                         "/orderer.AtomicBroadcast/Broadcast", deadline);
        std::thread writer([&] {
          size_t k = 0;
          for (size_t i = begin + s; i < end; i += streams, ++k) {
            std::this_thread::sleep_until(
                start + std::chrono::duration_cast<SteadyClock::duration>(period * static_cast<double>(k)));
            SteadyClock::time_point now = SteadyClock::now();
            samples_[i].sent = now;
            sent_ns_[i] = Nanos(now);
            if (!stream.Write(envelopes_[i])) break;
          }
          stream.WritesDone();
        });
        for (size_t i = begin + s; i < end; i += streams) {
          std::optional<std::string> message = stream.Read();
          if (!message) break;
          ::orderer::BroadcastResponse response;
          response.ParseFromString(*message);
          std::lock_guard lock(mutex);
          NoteResponse(i, response);
        }
        while (stream.Read()) {
        }
        writer.join();
        stream.Finish();
      });
    }

    std::this_thread::sleep_until(start + std::chrono::duration_cast<SteadyClock::duration>(
                                              std::chrono::duration<double>(kLoadBeforeKill)));
    SteadyClock::time_point killed_at = SteadyClock::now();
    nodes_[leader].process->Kill();
    for (std::thread& thread : load) thread.join();

    {
      std::unique_lock lock(mutex);
      changed.wait_until(lock, SteadyClock::now() + std::chrono::seconds(30),
                         [&] { return AllAcknowledgedDelivered(begin, end); });
    }
    for (auto& deliver : delivers) deliver->Cancel();
    for (auto& thread : deliverers) thread.join();
    for (auto& deliver : delivers) deliver->Finish();

    // The first block a survivor delivered after the kill, and the first
    // holding an envelope sent after it.
    std::optional<SteadyClock::time_point> next_block, next_new_block;
    for (size_t n = 0; n < nodes_.size(); ++n) {
      if (n == leader) continue;
      for (const BlockArrival& arrival : arrivals[n]) {
        if (arrival.at < killed_at) continue;
        if (!next_block || arrival.at < *next_block) next_block = arrival.at;
        if (arrival.newest_sent_ns > Nanos(killed_at) && (!next_new_block || arrival.at < *next_new_block))
          next_new_block = arrival.at;
      }
    }
    auto ms_after_kill = [&](const std::optional<SteadyClock::time_point>& at) {
      return at ? std::chrono::duration<double, std::milli>(*at - killed_at).count() : -1.0;
    };
    *to_block_ms = ms_after_kill(next_block);
    *to_new_block_ms = ms_after_kill(next_new_block);
    Audit audit = AuditSamples(begin, end);
    std::printf(
        "  run %d: killed %s (leader); next block from a survivor %+.0f ms, first block with a "
        "post-kill envelope %+.0f ms; acknowledged %zu, not acknowledged %zu, lost %zu, delivered "
        "twice %zu (audited on %s)\n",
        run, nodes_[leader].name.c_str(), *to_block_ms, *to_new_block_ms, audit.acknowledged, audit.rejected,
        audit.lost, audit.duplicated, nodes_[audit_node].name.c_str());
    PrintRefusals();
    refusals_.clear();
    std::fflush(stdout);
    int failures = static_cast<int>(audit.lost + audit.duplicated);
    if (!next_new_block) failures += Fail("run " + std::to_string(run) + ": no block after the kill");

    // The killed node comes back and catches up before the next run.
    Status restarted = StartNode(nodes_[leader], options_.orderer_bin, network_->genesis_file());
    if (!restarted.ok()) return failures + Fail("restart: " + restarted.ToString());
    if (!WarmUp(leader)) return failures + Fail("the restarted " + nodes_[leader].name + " does not order");
    return failures;
  }

  Options options_;
  OrdererNetwork* network_ = nullptr;
  std::shared_ptr<protocol::Signer> reader_;
  std::vector<Node> nodes_;
  std::vector<std::string> envelopes_;
  std::vector<std::string> warmup_envelopes_;
  size_t next_warmup_ = 0;
  std::unordered_map<std::string, size_t> index_of_;
  std::vector<Sample> samples_;
  std::map<std::string, size_t> refusals_;  // "STATUS: info" -> count
  std::vector<std::atomic<int64_t>>
      sent_ns_;  // failover: send time of each envelope, read by Deliver threads
  size_t mean_envelope_bytes_ = 0;
};

}  // namespace
}  // namespace loom::testing

int main(int argc, char** argv) {
  std::optional<loom::testing::Options> options = loom::testing::ParseOptions(argc, argv);
  if (!options) return 2;
  return loom::testing::Run(*options).Main();
}
