#include "nodes/peer/peer_node.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/service_type.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>

#include "core/channelconfig/config_reader.h"
#include "core/msp/signing_identity.h"
#include "core/ops/health.h"
#include "core/ops/metrics.h"
#include "core/ops/operations_server.h"
#include "core/orderer/atomic_broadcast_service.h"
#include "core/orderer/channel.h"
#include "core/orderer/deliver_handler.h"
#include "core/orderer/orderer_admin.h"
#include "core/peer/block_deliverer.h"
#include "core/peer/deliver_service.h"
#include "core/peer/deliver_service_source.h"
#include "core/peer/peer_admin.h"
#include "core/peer/peer_admin_service.h"
#include "core/policy/signature_policy_parser.h"
#include "core/protocol/block_file.h"
#include "core/protocol/block_header.h"
#include "core/protocol/signer.h"
#include "core/trace/observer_service.h"
#include "core/trace/trace_hub.h"
#include "core/util/file_util.h"
#include "core/util/worker_pool.h"
#include "nodes/common/grpc_server.h"
#include "nodes/common/node_ops.h"

namespace loom::peer {
namespace {}  // namespace

Result<common::SignaturePolicyEnvelope> AnyApplicationMemberPolicy(const ledger::StateSnapshot&,
                                                                   const channelconfig::ChannelConfig& config,
                                                                   const std::string& chaincode) {
  if (!config.application || config.application->orgs.empty()) {
    return Status::NotFound("chaincode " + chaincode + ": channel " + config.channel_id +
                            " has no application orgs to endorse it");
  }
  std::string rule;
  for (const auto& [name, org] : config.application->orgs) {
    rule += (rule.empty() ? "" : ",") + ("'" + org.msp_id + ".member'");
  }
  return policy::ParseSignaturePolicy("OR(" + rule + ")");
}

// One channel the peer keeps. Members go in reverse order: the deliverer
// stops feeding before the source and the channel go.
struct KeptChannel {
  std::shared_ptr<PeerChannel> channel;
  std::shared_ptr<PeerDeliverSource> blocks;    // Deliver, DeliverWithPrivateData: event/Block
  std::shared_ptr<PeerDeliverSource> filtered;  // DeliverFiltered: event/FilteredBlock
  std::unique_ptr<BlockDeliverer> deliverer;

  void Stop() {
    if (deliverer) deliverer->Stop();
    if (blocks) blocks->Stop();
    if (filtered) filtered->Stop();
    if (channel) channel->Stop();
  }
};

// Members are destroyed bottom-up: the servers before the services and
// handlers they call, those before the channels.
struct PeerNode::State : public PeerChannelDirectory {
  PeerNodeConfig config;
  PeerNodeStartOptions options;
  std::unique_ptr<protocol::Signer> signer;
  std::unique_ptr<trace::TraceHub> hub;
  ops::MetricsRegistry metrics;
  ops::HealthRegistry health;
  std::string tls_root_certs;
  std::string tls_client_cert;
  std::string tls_client_key;
  mutable std::mutex channels_mutex;  // guards channels, stopping, notes; held while a channel is created
  std::map<std::string, KeptChannel> channels;
  bool stopping = false;
  std::vector<std::string> notes;
  orderer::ActiveStreams active_streams;  // outlives the reactors the workers may still hold
  std::unique_ptr<orderer::DeliverHandler> deliver_blocks;
  std::unique_ptr<orderer::DeliverHandler> deliver_filtered;
  std::unique_ptr<util::WorkerPool> workers;  // drained before the handlers its tasks call go
  std::unique_ptr<grpc::Service> deliver_service;
  std::unique_ptr<trace::ObserverService> observer;
  std::unique_ptr<PeerAdmin> admin;
  std::unique_ptr<grpc::Service> admin_service;
  PeerNodeServices extra;
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<grpc::Server> chaincode_server;
  std::unique_ptr<ops::OperationsServer> operations;
  std::string listen_address;
  std::string chaincode_address;
  std::mutex shutdown_mutex;
  bool shut_down = false;

  ~State() override {
    // The endorser's queued proposals call into `extra`, which is destroyed
    // before `workers`: stop the servers (idempotent after Shutdown) and
    // drain the pool while everything its tasks use is still alive.
    auto now = std::chrono::system_clock::now();
    if (server) server->Shutdown(now);
    if (chaincode_server) chaincode_server->Shutdown(now);
    workers.reset();
    for (auto& [id, kept] : channels) kept.Stop();
  }

  void Log(const std::string& line) const {
    if (options.log) options.log(line);
  }

  std::shared_ptr<PeerChannel> Find(const std::string& id) const {
    std::lock_guard lock(channels_mutex);
    auto it = channels.find(id);
    return it == channels.end() ? nullptr : it->second.channel;
  }

  std::shared_ptr<orderer::DeliverSource> FindSource(const std::string& id, bool filtered) const {
    std::lock_guard lock(channels_mutex);
    auto it = channels.find(id);
    if (it == channels.end()) return nullptr;
    return filtered ? it->second.filtered : it->second.blocks;
  }

  PeerChannelOptions MakeChannelOptions(const std::string& dir,
                                        std::shared_ptr<std::atomic<const PeerChannel*>> slot) {
    PeerChannelOptions channel_options;
    channel_options.dir = dir;
    channel_options.validation_threads = config.validation_workers;
    channel_options.trace = hub.get();
    channel_options.metrics = &metrics;
    // The channel's policies come from its own config in effect; the slot
    // is filled once the channel exists (no block is validated before).
    ChannelEndorsementPolicy policy = options.endorsement_policy;
    channel_options.endorsement_policy =
        [policy, slot](const ledger::StateSnapshot& committed,
                       const std::string& chaincode) -> Result<common::SignaturePolicyEnvelope> {
      const PeerChannel* channel = slot->load();
      if (channel == nullptr) return Status::Unavailable("the channel is still opening");
      return policy(committed, *channel->config(), chaincode);
    };
    channel_options.validation_plugin = options.validation_plugin;
    return channel_options;
  }

  // Requires channels_mutex. Starts pulling blocks for an opened channel and
  // serves it.
  Status Keep(std::unique_ptr<PeerChannel> opened, std::shared_ptr<std::atomic<const PeerChannel*>> slot) {
    KeptChannel kept;
    kept.channel = std::shared_ptr<PeerChannel>(std::move(opened));
    slot->store(kept.channel.get());
    const std::string id = kept.channel->channel_id();
    for (const std::string& note : kept.channel->ledger().recovery_notes()) {
      notes.push_back("channel " + id + ": " + note);
    }
    kept.blocks = PeerDeliverSource::Create(kept.channel, kBlockEventResource);
    kept.filtered = PeerDeliverSource::Create(kept.channel, kFilteredBlockEventResource);
    BlockDelivererOptions deliverer_options;
    for (const HostPort& orderer : config.orderers) deliverer_options.endpoints.push_back(orderer.ToString());
    deliverer_options.tls_root_certs_pem = tls_root_certs;
    deliverer_options.tls_client_cert_pem = tls_client_cert;
    deliverer_options.tls_client_key_pem = tls_client_key;
    deliverer_options.max_message_bytes = config.limits.max_message_bytes;
    const PeerNode::State* self = this;
    deliverer_options.log = [self, id](const std::string& line) { self->Log("channel " + id + ": " + line); };
    auto deliverer = BlockDeliverer::Start(kept.channel.get(), signer.get(), std::move(deliverer_options));
    if (!deliverer.ok()) {
      kept.Stop();
      return deliverer.status().WithContext("channel " + id + ": block deliverer");
    }
    kept.deliverer = std::move(*deliverer);
    PeerChannel* raw = kept.channel.get();
    Status registered = health.Register("peer.channel." + id, [raw] { return raw->failure(); });
    if (!registered.ok()) {
      kept.Stop();
      return registered;
    }
    channels.emplace(id, std::move(kept));
    return Status::Ok();
  }

  // PeerChannelDirectory.
  std::vector<std::string> ChannelIds() const override {
    std::lock_guard lock(channels_mutex);
    std::vector<std::string> ids;
    for (const auto& [id, kept] : channels) ids.push_back(id);
    return ids;
  }

  Result<loom::PeerChannelInfo> Describe(const std::string& id) const override {
    std::shared_ptr<PeerChannel> channel = Find(id);
    if (channel == nullptr) return Status::NotFound("channel " + id + " is not kept by this peer");
    loom::PeerChannelInfo info;
    info.set_channel_id(id);
    info.set_height(channel->Height());
    info.set_state_hash(channel->LastStateHash());
    return info;
  }

  Result<std::string> GenesisHeaderHash(const std::string& id) const override {
    std::shared_ptr<PeerChannel> channel = Find(id);
    if (channel == nullptr) return Status::NotFound("channel " + id + " is not kept by this peer");
    LOOM_ASSIGN_OR_RETURN(common::Block genesis, channel->ledger().block_store().GetBlock(0));
    return protocol::BlockHeaderHash(genesis.header());
  }

  // The one place a channel is created from its genesis block, for --join
  // at start and the admin service at run time: when any step fails, a
  // folder this call made is removed, so the next start does not find a
  // half-made channel.
  Result<loom::PeerChannelInfo> Join(const common::Block& genesis) override {
    auto channel_config = channelconfig::ReadChannelConfig(genesis);
    if (!channel_config.ok()) return channel_config.status().WithContext("genesis block");
    const std::string& id = channel_config->channel_id;
    LOOM_RETURN_IF_ERROR(orderer::ValidateChannelId(id).WithContext("genesis block: channel id"));
    {
      std::lock_guard lock(channels_mutex);
      if (stopping) return Status::Unavailable("the peer is shutting down; channel " + id + " not joined");
      if (channels.count(id)) return Status::AlreadyExists("channel " + id + " is already kept");
      std::string dir = orderer::ChannelDir(config.data_dir, id);
      std::error_code error;
      bool existed = std::filesystem::exists(dir, error);
      auto slot = std::make_shared<std::atomic<const PeerChannel*>>(nullptr);
      auto channel = PeerChannel::Join(genesis, MakeChannelOptions(dir, slot));
      Status kept = channel.ok() ? Keep(std::move(*channel), slot) : channel.status();
      if (!kept.ok()) {
        if (!existed) std::filesystem::remove_all(dir, error);
        return kept.WithContext("joining channel " + id);
      }
    }
    Log("joined channel " + id);
    return Describe(id);
  }

  Status OpenChannels() {
    std::string channels_dir = (std::filesystem::path(config.data_dir) / "channels").string();
    LOOM_RETURN_IF_ERROR(MakeDirectories(channels_dir));
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(channels_dir, error)) {
      if (!entry.is_directory()) continue;
      std::string id = entry.path().filename().string();
      if (!orderer::ValidateChannelId(id).ok()) continue;
      auto slot = std::make_shared<std::atomic<const PeerChannel*>>(nullptr);
      auto channel = PeerChannel::Open(MakeChannelOptions(entry.path().string(), slot));
      if (!channel.ok()) return channel.status().WithContext("opening channel " + id);
      std::lock_guard lock(channels_mutex);
      LOOM_RETURN_IF_ERROR(Keep(std::move(*channel), slot));
      notes.push_back("opened channel " + id + " at height " +
                      std::to_string(channels.at(id).channel->Height()));
    }
    if (error) return Status::IoError("listing " + channels_dir + ": " + error.message());
    for (const std::string& file : options.join_blocks) {
      LOOM_ASSIGN_OR_RETURN(common::Block block, protocol::ReadBlockFile(file));
      auto genesis = orderer::CheckGenesisBlock(std::move(block));
      if (!genesis.ok()) return genesis.status().WithContext(file);
      const std::string& id = genesis->config.channel_id;
      auto stored = GenesisHeaderHash(id);
      if (stored.ok()) {
        if (*stored != protocol::BlockHeaderHash(genesis->block.header())) {
          return Status::AlreadyExists(file + ": channel " + id +
                                       " is already kept with a different genesis block");
        }
        continue;  // already kept (data folder, or joined twice on the command line)
      }
      auto joined = Join(genesis->block);
      if (!joined.ok()) return joined.status().WithContext(file);
    }
    return Status::Ok();
  }
};

PeerNode::PeerNode(std::unique_ptr<State> state) : state_(std::move(state)) {}

PeerNode::~PeerNode() {
  Shutdown();
}

Result<std::unique_ptr<PeerNode>> PeerNode::Start(const PeerNodeConfig& config,
                                                  PeerNodeStartOptions options) {
  auto state = std::make_unique<State>();
  state->config = config;
  state->options = std::move(options);
  if (!state->options.endorsement_policy) state->options.endorsement_policy = AnyApplicationMemberPolicy;
  auto identity = msp::LoadSigningIdentity(config.msp_dir, config.msp_id);
  if (!identity.ok()) return identity.status().WithContext("the peer's MSP (msp.dir " + config.msp_dir + ")");
  state->signer = std::make_unique<protocol::KeySigner>(identity->private_key(), identity->Serialize());
  if (!config.orderer_tls.root_ca_file.empty()) {
    auto root_certs = ReadFile(config.orderer_tls.root_ca_file);
    if (!root_certs.ok()) return root_certs.status().WithContext("orderer_tls.root_ca");
    state->tls_root_certs = std::move(*root_certs);
    if (!config.orderer_tls.client_cert_file.empty()) {
      LOOM_ASSIGN_OR_RETURN(state->tls_client_cert, ReadFile(config.orderer_tls.client_cert_file));
      LOOM_ASSIGN_OR_RETURN(state->tls_client_key, ReadFile(config.orderer_tls.client_key_file));
    }
  }

  trace::TraceHubOptions hub_options;
  hub_options.node = config.name;
  state->hub = std::make_unique<trace::TraceHub>(hub_options);
  LOOM_RETURN_IF_ERROR(MakeDirectories(config.data_dir));
  LOOM_RETURN_IF_ERROR(state->OpenChannels());

  State* raw_state = state.get();
  state->workers = std::make_unique<util::WorkerPool>();
  state->deliver_blocks = std::make_unique<orderer::DeliverHandler>(
      [raw_state](const std::string& id) { return raw_state->FindSource(id, false); }, "peer");
  state->deliver_filtered = std::make_unique<orderer::DeliverHandler>(
      [raw_state](const std::string& id) { return raw_state->FindSource(id, true); }, "peer");
  PeerDeliverServiceOptions deliver_options;
  deliver_options.metrics = &state->metrics;
  deliver_options.active_streams = &state->active_streams;
  deliver_options.log = [raw_state](const std::string& line) { raw_state->Log(line); };
  LOOM_ASSIGN_OR_RETURN(state->deliver_service,
                        MakePeerDeliverService(state->deliver_blocks.get(), state->deliver_filtered.get(),
                                               state->workers.get(), std::move(deliver_options)));
  state->observer = std::make_unique<trace::ObserverService>(state->hub.get());
  PeerAdminOptions admin_options;
  admin_options.local_msp = identity->identity().msp();
  state->admin = std::make_unique<PeerAdmin>(state.get(), std::move(admin_options));
  PeerAdminServiceOptions admin_service_options;
  admin_service_options.on_joined = [raw_state](const PeerJoinOutcome& outcome) {
    raw_state->Log(
        (outcome.already_joined ? "admin join: already keeping channel " : "admin joined channel ") +
        outcome.channel.channel_id() + " (height " + std::to_string(outcome.channel.height()) + ") for " +
        outcome.caller);
  };
  admin_service_options.on_refused =
      nodes::RefusedAdminRequestLog([raw_state](const std::string& line) { raw_state->Log(line); });
  state->admin_service = MakePeerAdminService(state->admin.get(), std::move(admin_service_options));

  if (state->options.services) {
    PeerNodeContext context;
    context.config = &state->config;
    context.signer = state->signer.get();
    context.trace = state->hub.get();
    context.metrics = &state->metrics;
    context.health = &state->health;
    context.workers = state->workers.get();
    context.find_channel = [raw_state](const std::string& id) { return raw_state->Find(id); };
    context.channel_ids = [raw_state] { return raw_state->ChannelIds(); };
    LOOM_ASSIGN_OR_RETURN(state->extra, state->options.services(context));
  }

  LOOM_ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> credentials,
                        nodes::ServerCredentials(config.tls));
  std::vector<grpc::Service*> listen_services = {state->deliver_service.get(),
                                                 state->observer->grpc_service(), state->admin_service.get()};
  for (const auto& service : state->extra.listen) listen_services.push_back(service.get());
  LOOM_ASSIGN_OR_RETURN(
      nodes::ListeningServer listening,
      nodes::Serve(config.listen_address, credentials, listen_services, config.limits, "listen_address"));
  state->server = std::move(listening.server);
  state->listen_address = std::move(listening.address);
  // gRPC cannot serve an empty server: without a chaincode runtime wired
  // in, nothing listens on the chaincode address.
  if (!state->extra.chaincode.empty()) {
    std::vector<grpc::Service*> chaincode_services;
    for (const auto& service : state->extra.chaincode) chaincode_services.push_back(service.get());
    LOOM_ASSIGN_OR_RETURN(nodes::ListeningServer chaincode_listening,
                          nodes::Serve(config.chaincode_address, credentials, chaincode_services,
                                       config.limits, "chaincode_address"));
    state->chaincode_server = std::move(chaincode_listening.server);
    state->chaincode_address = std::move(chaincode_listening.address);
  }

  LOOM_ASSIGN_OR_RETURN(state->operations, nodes::StartOperationsServer(config.operations_address,
                                                                        &state->metrics, &state->health));
  return std::unique_ptr<PeerNode>(new PeerNode(std::move(state)));
}

std::string PeerNode::listen_address() const {
  return state_->listen_address;
}

std::string PeerNode::chaincode_address() const {
  return state_->chaincode_address;
}

std::optional<std::string> PeerNode::operations_address() const {
  if (state_->operations == nullptr) return std::nullopt;
  return state_->operations->address();
}

std::vector<std::string> PeerNode::channel_ids() const {
  return state_->ChannelIds();
}

std::shared_ptr<PeerChannel> PeerNode::FindChannel(const std::string& channel_id) const {
  return state_->Find(channel_id);
}

const std::vector<std::string>& PeerNode::start_notes() const {
  return state_->notes;
}

void PeerNode::Shutdown(std::chrono::milliseconds grace) {
  std::lock_guard lock(state_->shutdown_mutex);
  if (state_->shut_down) return;
  state_->shut_down = true;
  if (state_->extra.stop) state_->extra.stop();
  // Deliverers first (no more blocks come in), Deliver waits end with
  // SERVICE_UNAVAILABLE, the accepted blocks commit; then streams get up to
  // `grace` to end before the servers cancel what is left.
  {
    std::lock_guard channels_lock(state_->channels_mutex);
    state_->stopping = true;  // no channel is created from now on
    for (auto& [id, kept] : state_->channels) kept.Stop();
  }
  state_->hub->Shutdown();
  auto deadline = std::chrono::steady_clock::now() + grace;
  if (state_->server) {
    state_->active_streams.WaitForNone(deadline);
    state_->server->Shutdown(std::chrono::system_clock::now());
  }
  if (state_->chaincode_server)
    state_->chaincode_server->Shutdown(deadline - std::chrono::steady_clock::now() +
                                       std::chrono::system_clock::now());
  if (state_->operations) state_->operations->Stop();
}

}  // namespace loom::peer
