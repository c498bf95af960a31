// End-to-end solo throughput of the real loom-orderer process, next to this
// machine's ECDSA P-256 verify rate measured in the same run (issue 3).
//
// Generates crypto + a genesis block in a temp folder, starts loom-orderer
// on 127.0.0.1 port 0, pre-signs N ENDORSER_TRANSACTION envelopes of about
// 3 KB as User1@Org1, then times from the first Broadcast send until the
// last SUCCESS envelope shows up in a block on one Deliver stream, with
// several Broadcast streams in parallel. Prints envelopes/s, the verify
// ceilings (loom's PublicKey::Verify on 1 and 2 threads, `openssl speed`)
// and their ratio, plus per-envelope broadcast→delivered latency. Exits 1
// when an acknowledged envelope is lost or delivered twice.
//
// Flags: --envelopes=N (20000) --streams=S (4) --envelope_bytes=B (3072)
// --max_message_count=M (500) --batch_timeout=T (250ms)
// --preferred_max_bytes=P (2MB); --benchmark_* flags (from scripts/bench.sh)
// are ignored.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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
#include "core/orderer/seek_envelope.h"
#include "core/protocol/envelope.h"
#include "core/util/file_util.h"
#include "orderer/ab.pb.h"
#include "tests/integration/orderer/orderer_client.h"
#include "tests/integration/orderer/orderer_process.h"
#include "tests/support/orderer_network.h"

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
    } else if (std::strncmp(argv[i], "--benchmark_", 12) == 0) {
      // scripts/bench.sh passes Google Benchmark flags to every *_bench.
    } else {
      std::fprintf(stderr, "unknown flag %s\n", argv[i]);
      return std::nullopt;
    }
  }
  if (options.envelopes == 0 || options.streams <= 0 || options.max_message_count <= 0) {
    std::fprintf(stderr, "--envelopes, --streams and --max_message_count must be positive\n");
    return std::nullopt;
  }
  return options;
}

double SecondsSince(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// ---- Verify ceiling ----

// Verifies `signature` over `message` on `threads` threads for about
// `seconds`; verifications per second over all threads.
double VerifyRate(const crypto::PublicKey& key, const std::string& message, const std::string& signature,
                  int threads, double seconds) {
  std::atomic<uint64_t> total{0};
  std::atomic<bool> failed{false};
  SteadyClock::time_point start = SteadyClock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      uint64_t count = 0;
      while (SecondsSince(start) < seconds) {
        for (int i = 0; i < 16; ++i) {
          if (!key.Verify(message, signature).ok()) failed = true;
        }
        count += 16;
      }
      total += count;
    });
  }
  for (std::thread& worker : workers) worker.join();
  double elapsed = SecondsSince(start);
  if (failed) {
    std::fprintf(stderr, "verify loop: a valid signature failed to verify\n");
    return 0;
  }
  return static_cast<double>(total.load()) / elapsed;
}

// `openssl speed -seconds 2 ecdsap256` verify/s (one core), or 0 when the
// binary is missing or its output is not understood.
double OpensslVerifyRate() {
  FILE* pipe = popen("openssl speed -seconds 2 ecdsap256 2>/dev/null", "r");
  if (pipe == nullptr) return 0;
  std::string output;
  char buffer[512];
  while (std::fgets(buffer, sizeof(buffer), pipe) != nullptr) output += buffer;
  pclose(pipe);
  // "... 256 bits ecdsa (nistp256)   0.0000s   0.0001s  39120.5  12919.3"
  size_t at = output.rfind("(nistp256)");
  if (at == std::string::npos) return 0;
  size_t end = output.find('\n', at);
  std::string line = output.substr(at, end == std::string::npos ? std::string::npos : end - at);
  size_t last_space = line.find_last_of(" \t");
  if (last_space == std::string::npos) return 0;
  return std::strtod(line.c_str() + last_space + 1, nullptr);
}

// ---- Wire walking (the deliver side must stay cheap: it shares the cores) ----

bool ReadVarint(std::string_view* bytes, uint64_t* value) {
  *value = 0;
  for (int shift = 0; shift < 64 && !bytes->empty(); shift += 7) {
    uint8_t byte = static_cast<uint8_t>(bytes->front());
    bytes->remove_prefix(1);
    *value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

// Calls `on_field(field_number, bytes)` for every length-delimited field of
// a protobuf message; false when the message is malformed.
template <typename OnField>
bool ForEachBytesField(std::string_view message, OnField on_field) {
  while (!message.empty()) {
    uint64_t tag, value;
    if (!ReadVarint(&message, &tag)) return false;
    switch (tag & 7) {
      case 0:
        if (!ReadVarint(&message, &value)) return false;
        break;
      case 1:
        if (message.size() < 8) return false;
        message.remove_prefix(8);
        break;
      case 5:
        if (message.size() < 4) return false;
        message.remove_prefix(4);
        break;
      case 2:
        if (!ReadVarint(&message, &value) || value > message.size()) return false;
        on_field(static_cast<int>(tag >> 3), message.substr(0, value));
        message.remove_prefix(value);
        break;
      default: return false;
    }
  }
  return true;
}

std::string_view BytesField(std::string_view message, int number) {
  std::string_view found;
  ForEachBytesField(message, [&](int field, std::string_view bytes) {
    if (field == number) found = bytes;
  });
  return found;
}

// Envelope.payload → Payload.header → Header.channel_header → ChannelHeader.tx_id
std::string_view TxIdOf(std::string_view envelope) {
  return BytesField(BytesField(BytesField(BytesField(envelope, 1), 1), 1), 5);
}

// ---- The run ----

struct Sample {
  SteadyClock::time_point sent;
  SteadyClock::time_point delivered;
  common::Status status = common::UNKNOWN;
  int deliveries = 0;
};

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
    auto network = OrdererNetwork::Create(scratch.Path("net"), batch);
    if (!network.ok()) return Fail("network: " + network.status().ToString());
    auto client = (*network)->UserSigner("Org1", "User1");
    auto endorser = (*network)->PeerSigner("Org1");
    auto reader = (*network)->PeerSigner("Org2");
    if (!client.ok() || !endorser.ok() || !reader.ok()) return Fail("cannot load signers");

    if (!SignEnvelopes(**client, **endorser)) return 1;

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

    std::string config =
        "name: orderer.example.com\n"
        "listen_address: 127.0.0.1:0\n"
        "msp: {dir: " +
        (*network)->OrdererMspDir() +
        ", id: OrdererMSP}\n"
        "data_dir: data\n";
    std::string config_file = scratch.Path("orderer.yaml");
    if (!WriteFileAtomically(config_file, config).ok()) return Fail("cannot write the orderer config");
    auto process =
        OrdererProcess::Start(LOOM_ORDERER_BIN, config_file, {(*network)->genesis_file()},
                              scratch.Path("orderer.log"), SteadyClock::now() + std::chrono::seconds(30));
    if (!process.ok()) return Fail("loom-orderer: " + process.status().ToString());
    auto channel = ConnectInsecure((*process)->address());
    auto seek = orderer::CreateSeekEnvelope(
        kChannel, **reader,
        orderer::MakeSeekInfo(orderer::SeekPoint::Oldest(),
                              orderer::SeekPoint::Number(orderer::kDeliverForever)));
    if (!seek.ok()) return Fail("seek: " + seek.status().ToString());

    double seconds = Measure(channel, seek->SerializeAsString());
    int lost = Report(seconds, verify_1, verify_2, verify_openssl);
    if (lost != 0) std::fprintf(stderr, "orderer log:\n%s\n", (*process)->Log().c_str());
    (*process)->Terminate(SteadyClock::now() + std::chrono::seconds(20));
    return lost == 0 ? 0 : 1;
  }

 private:
  static int Fail(const std::string& message) {
    std::fprintf(stderr, "orderer_throughput_bench: %s\n", message.c_str());
    return 1;
  }

  // Pre-signs the envelopes (two threads; signing is not timed), padded to
  // about `envelope_bytes` each. A bare transaction (creator certificate
  // twice, endorser certificate once) is already ~3.1 KB, so the default
  // 3072 adds no padding.
  bool SignEnvelopes(const protocol::Signer& client, const protocol::Signer& endorser) {
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
    size_t count = options_.envelopes;
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
    index_of_.reserve(count);
    for (size_t i = 0; i < count; ++i) index_of_.emplace(tx_ids[i], i);
    samples_.assign(count, Sample{});
    mean_envelope_bytes_ = 0;
    for (const std::string& envelope : envelopes_) mean_envelope_bytes_ += envelope.size();
    mean_envelope_bytes_ /= count;
    return true;
  }

  // Broadcast on `streams` streams + one Deliver stream; the seconds from
  // the first send to the last acknowledged envelope seen in a block.
  double Measure(const std::shared_ptr<grpc::Channel>& channel, const std::string& seek) {
    auto deadline = SecondsFromNow(std::max<int>(60, static_cast<int>(options_.envelopes / 100)));
    std::mutex mutex;
    std::condition_variable changed;
    size_t delivered = 0;     // distinct bench envelopes seen in blocks
    size_t acknowledged = 0;  // SUCCESS responses
    int streams_done = 0;
    SteadyClock::time_point last_delivered;

    RawStream deliver(channel, "/orderer.AtomicBroadcast/Deliver", deadline);
    deliver.Write(seek);
    deliver.WritesDone();
    std::thread deliverer([&] {
      while (std::optional<std::string> message = deliver.Read()) {
        std::string_view block = BytesField(*message, 2);  // DeliverResponse.block
        if (block.empty()) break;                          // a status: the request ended
        SteadyClock::time_point now = SteadyClock::now();
        size_t seen = 0;
        ForEachBytesField(BytesField(block, 2), [&](int field, std::string_view envelope) {  // Block.data
          if (field != 1) return;                                                            // BlockData.data
          auto found = index_of_.find(std::string(TxIdOf(envelope)));
          if (found == index_of_.end()) return;
          Sample& sample = samples_[found->second];
          if (sample.deliveries++ == 0) {
            sample.delivered = now;
            ++seen;
          }
        });
        std::lock_guard<std::mutex> lock(mutex);
        delivered += seen;
        if (seen > 0) last_delivered = now;
        changed.notify_all();
      }
    });

    // Stream s sends envelopes s, s + S, s + 2S, ... in that order.
    int streams = options_.streams;
    SteadyClock::time_point start = SteadyClock::now();
    std::vector<std::thread> threads;
    for (int s = 0; s < streams; ++s) {
      threads.emplace_back([&, s] {
        RawStream stream(channel, "/orderer.AtomicBroadcast/Broadcast", deadline);
        std::thread writer([&] {
          for (size_t i = static_cast<size_t>(s); i < envelopes_.size(); i += static_cast<size_t>(streams)) {
            samples_[i].sent = SteadyClock::now();
            if (!stream.Write(envelopes_[i])) break;
          }
          stream.WritesDone();
        });
        size_t successes = 0;
        for (size_t i = static_cast<size_t>(s); i < envelopes_.size(); i += static_cast<size_t>(streams)) {
          std::optional<std::string> message = stream.Read();
          if (!message) break;
          ::orderer::BroadcastResponse response;
          response.ParseFromString(*message);
          samples_[i].status = response.status();
          if (response.status() == common::SUCCESS) ++successes;
        }
        while (stream.Read()) {
        }
        writer.join();
        stream.Finish();
        std::lock_guard<std::mutex> lock(mutex);
        acknowledged += successes;
        ++streams_done;
        changed.notify_all();
      });
    }
    for (std::thread& thread : threads) thread.join();

    {
      std::unique_lock<std::mutex> lock(mutex);
      changed.wait_until(lock, SteadyClock::now() + std::chrono::seconds(30),
                         [&] { return delivered >= acknowledged; });
    }
    deliver.Cancel();
    deliverer.join();
    deliver.Finish();
    std::lock_guard<std::mutex> lock(mutex);
    acknowledged_ = acknowledged;
    if (delivered == 0) return 0;
    return std::chrono::duration<double>(last_delivered - start).count();
  }

  // Prints the table; the number of acknowledged envelopes lost or
  // delivered more than once.
  int Report(double seconds, double verify_1, double verify_2, double verify_openssl) {
    size_t lost = 0, duplicated = 0, rejected = 0, unacknowledged_delivered = 0;
    std::vector<double> latencies_ms;
    latencies_ms.reserve(samples_.size());
    for (const Sample& sample : samples_) {
      if (sample.status != common::SUCCESS) {
        ++rejected;
        if (sample.deliveries > 0) ++unacknowledged_delivered;
        continue;
      }
      if (sample.deliveries == 0) ++lost;
      if (sample.deliveries > 1) ++duplicated;
      if (sample.deliveries > 0)
        latencies_ms.push_back(
            std::chrono::duration<double, std::milli>(sample.delivered - sample.sent).count());
    }
    std::sort(latencies_ms.begin(), latencies_ms.end());
    auto percentile = [&](double p) {
      if (latencies_ms.empty()) return 0.0;
      size_t at = static_cast<size_t>(p * static_cast<double>(latencies_ms.size() - 1));
      return latencies_ms[at];
    };
    double rate = seconds > 0 ? static_cast<double>(acknowledged_ - lost) / seconds : 0;

    std::printf("loom-orderer solo, %zu envelopes of %zu bytes on %d Broadcast streams + 1 Deliver stream\n",
                samples_.size(), mean_envelope_bytes_, options_.streams);
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
    std::printf("  %-40s %12.1f\n", "latency p50 ms (broadcast -> delivered)", percentile(0.50));
    std::printf("  %-40s %12.1f\n", "latency p99 ms (broadcast -> delivered)", percentile(0.99));
    std::printf("  %-40s %12.2f\n", "elapsed s", seconds);
    std::printf(
        "  acknowledged %zu, rejected %zu, lost %zu, delivered twice %zu, unacknowledged but delivered %zu\n",
        acknowledged_, rejected, lost, duplicated, unacknowledged_delivered);
    if (acknowledged_ == 0) {
      std::fprintf(stderr, "orderer_throughput_bench: no envelope was acknowledged\n");
      return 1;
    }
    return static_cast<int>(lost + duplicated);
  }

  Options options_;
  std::vector<std::string> envelopes_;
  std::unordered_map<std::string, size_t> index_of_;
  std::vector<Sample> samples_;
  size_t mean_envelope_bytes_ = 0;
  size_t acknowledged_ = 0;
};

}  // namespace
}  // namespace loom::testing

int main(int argc, char** argv) {
  std::optional<loom::testing::Options> options = loom::testing::ParseOptions(argc, argv);
  if (!options) return 2;
  return loom::testing::Run(*options).Main();
}
