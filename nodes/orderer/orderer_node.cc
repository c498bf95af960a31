#include "nodes/orderer/orderer_node.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/service_type.h>

#include <filesystem>
#include <future>
#include <mutex>

#include "core/channelconfig/config_reader.h"
#include "core/msp/signing_identity.h"
#include "core/ops/health.h"
#include "core/ops/metrics.h"
#include "core/ops/operations_server.h"
#include "core/orderer/admin_service.h"
#include "core/orderer/atomic_broadcast_service.h"
#include "core/orderer/broadcast_handler.h"
#include "core/orderer/channel.h"
#include "core/orderer/deliver_handler.h"
#include "core/orderer/orderer_admin.h"
#include "core/orderer/raft_chain.h"
#include "core/protocol/block_file.h"
#include "core/protocol/signer.h"
#include "core/raft/cluster_transport.h"
#include "core/raft/event_loop.h"
#include "core/trace/observer_service.h"
#include "core/trace/trace_hub.h"
#include "core/util/file_util.h"
#include "core/util/worker_pool.h"
#include "nodes/common/grpc_server.h"
#include "nodes/common/node_ops.h"
#include "nodes/orderer/orderer_telemetry.h"

namespace loom::orderer {
namespace {

// A forwarded envelope refused by Broadcast's rules, as the Status the Raft
// leader answers the follower with.
Status ForwardRefusal(const BroadcastReply& reply) {
  switch (reply.status) {
    case common::FORBIDDEN: return Status::PermissionDenied(reply.info);
    case common::BAD_REQUEST:
    case common::REQUEST_ENTITY_TOO_LARGE: return Status::InvalidArgument(reply.info);
    case common::NOT_FOUND: return Status::NotFound(reply.info);
    default: return Status::Unavailable(reply.info);
  }
}

}  // namespace

// The node's part in Raft: one libuv loop and one cluster listener for all
// its etcdraft channels. Declared before the channels, so it outlives them;
// Close() runs after they stopped.
struct RaftHost {
  std::unique_ptr<raft::EventLoop> loop;
  std::unique_ptr<raft::ClusterTransport> transport;
  // Leaders check forwarded envelopes here, not on the loop thread.
  std::unique_ptr<util::WorkerPool> check_workers;
  RaftContext context;

  static Result<std::unique_ptr<RaftHost>> Start(const HostPort& cluster_address,
                                                 std::function<void(const std::string&)> log) {
    auto host = std::make_unique<RaftHost>();
    LOOM_ASSIGN_OR_RETURN(host->loop, raft::EventLoop::Start("raft"));
    raft::ClusterTransport::Options options;
    options.log = log;
    Result<std::unique_ptr<raft::ClusterTransport>> listening = Status::Internal("the Raft loop stopped");
    host->loop->RunSync([&] {
      listening = raft::ClusterTransport::Listen(host->loop.get(), cluster_address.ToString(), options);
    });
    if (!listening.ok()) {
      host->loop->Stop();
      return listening.status().WithContext("cluster_address " + cluster_address.ToString());
    }
    host->transport = std::move(*listening);
    host->context.loop = host->loop.get();
    host->context.transport = host->transport.get();
    host->context.self_address = cluster_address.ToString();
    host->check_workers = std::make_unique<util::WorkerPool>();
    host->context.check_workers = host->check_workers.get();
    host->context.log = std::move(log);
    return host;
  }

  // After every Raft channel stopped.
  void Close() {
    if (!loop) return;
    std::promise<void> closed;
    bool posted = loop->RunSync([&] { transport->Close([&closed] { closed.set_value(); }); });
    if (posted) closed.get_future().wait();
    loop->RunSync([this] { transport.reset(); });
    loop->Stop();
    loop.reset();
  }
};

// Members are destroyed bottom-up: the server goes before the services and
// handlers it calls, those before the channels, the channels before the
// telemetry they report to.
struct OrdererNode::State {
  OrdererNodeConfig config;
  std::unique_ptr<protocol::Signer> signer;
  std::unique_ptr<trace::TraceHub> hub;
  ops::MetricsRegistry metrics;
  ops::HealthRegistry health;
  std::unique_ptr<OrdererTelemetry> telemetry;
  ChannelRegistry registry;
  std::unique_ptr<RaftHost> raft;  // when cluster_address is set; outlives the channels
  std::mutex channels_mutex;       // guards channels, stopping, notes; held while a channel is created
  std::vector<std::shared_ptr<Channel>> channels;
  bool stopping = false;
  ActiveStreams active_streams;  // outlives the reactors the workers may still hold
  std::unique_ptr<BroadcastHandler> broadcast;
  std::unique_ptr<DeliverHandler> deliver;
  std::unique_ptr<util::WorkerPool> workers;  // drained before the handlers its tasks call go
  std::unique_ptr<grpc::Service> atomic_broadcast;
  std::unique_ptr<trace::ObserverService> observer;
  std::unique_ptr<OrdererAdmin> admin;
  std::unique_ptr<grpc::Service> admin_service;
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<ops::OperationsServer> operations;
  std::string listen_address;
  std::vector<std::string> notes;
  OrdererNode::LogFn log;
  std::mutex shutdown_mutex;
  bool shut_down = false;

  // Requires channels_mutex.
  Status AddChannel(std::shared_ptr<Channel> channel) {
    LOOM_RETURN_IF_ERROR(registry.Add(channel));
    const std::string& id = channel->channel_id();
    for (const std::string& note : channel->recovery_notes()) notes.push_back("channel " + id + ": " + note);
    telemetry->SetHeight(id, channel->block_store().Height());
    Channel* raw = channel.get();
    LOOM_RETURN_IF_ERROR(health.Register("orderer.channel." + id, [raw] { return raw->health(); }));
    channels.push_back(std::move(channel));
    return Status::Ok();
  }

  ChannelOptions MakeChannelOptions() const {
    ChannelOptions options;
    options.signer = signer.get();
    options.events = telemetry.get();
    options.raft = raft ? &raft->context : nullptr;
    options.self_endpoint = config.listen_address.ToString();
    return options;
  }

  ~State() {
    // Raft channels close their groups on the loop before it goes.
    for (const auto& channel : channels) channel->Stop();
    if (raft) raft->Close();
  }

  // The one place a channel is created from its genesis block, for --join at
  // start and the admin service at run time: makes its folder, opens it and
  // serves it; when any step fails, a folder this call made is removed, so
  // the next start does not find a half-made channel.
  Result<std::shared_ptr<OrderingChannel>> CreateChannel(const GenesisBlock& genesis) {
    std::lock_guard lock(channels_mutex);
    const std::string& id = genesis.config.channel_id;
    if (stopping) return Status::Unavailable("the orderer is shutting down; channel " + id + " not joined");
    if (registry.Find(id) != nullptr) return Status::AlreadyExists("channel " + id + " is already served");
    std::string dir = ChannelDir(config.data_dir, id);
    std::error_code error;
    bool existed = std::filesystem::exists(dir, error);
    auto channel = Channel::Join(dir, genesis.block, MakeChannelOptions());
    Status added = channel.ok() ? AddChannel(*channel) : channel.status();
    if (!added.ok()) {
      if (channel.ok()) (*channel)->Stop();
      if (!existed) std::filesystem::remove_all(dir, error);
      return added.WithContext("joining channel " + id);
    }
    return std::shared_ptr<OrderingChannel>(*channel);
  }

  Status OpenChannels(const std::vector<std::string>& join_blocks) {
    for (const std::string& file : join_blocks) {
      LOOM_ASSIGN_OR_RETURN(common::Block block, protocol::ReadBlockFile(file));
      auto genesis = CheckGenesisBlock(std::move(block));
      if (!genesis.ok()) return genesis.status().WithContext(file);
      if (registry.Find(genesis->config.channel_id) != nullptr) continue;  // joined twice on the command line
      auto channel = CreateChannel(*genesis);
      if (!channel.ok()) return channel.status().WithContext(file);
    }
    ChannelOptions options = MakeChannelOptions();
    std::string channels_dir = (std::filesystem::path(config.data_dir) / "channels").string();
    LOOM_RETURN_IF_ERROR(MakeDirectories(channels_dir));
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(channels_dir, error)) {
      if (!entry.is_directory()) continue;
      std::string id = entry.path().filename().string();
      if (registry.Find(id) != nullptr || !ValidateChannelId(id).ok()) continue;
      auto channel = Channel::Open(entry.path().string(), options);
      if (!channel.ok()) return channel.status().WithContext("opening channel " + id);
      std::lock_guard lock(channels_mutex);
      LOOM_RETURN_IF_ERROR(AddChannel(std::move(*channel)));
    }
    if (error) return Status::IoError("listing " + channels_dir + ": " + error.message());
    return Status::Ok();
  }
};

OrdererNode::OrdererNode(std::unique_ptr<State> state) : state_(std::move(state)) {}

OrdererNode::~OrdererNode() {
  Shutdown();
}

Result<std::unique_ptr<OrdererNode>> OrdererNode::Start(const OrdererNodeConfig& config,
                                                        const std::vector<std::string>& join_blocks,
                                                        LogFn log) {
  auto state = std::make_unique<State>();
  state->config = config;
  state->log = log ? std::move(log) : [](const std::string&) {};
  auto identity = msp::LoadSigningIdentity(config.msp_dir, config.msp_id);
  if (!identity.ok())
    return identity.status().WithContext("the orderer's MSP (msp.dir " + config.msp_dir + ")");
  state->signer = std::make_unique<protocol::KeySigner>(identity->private_key(), identity->Serialize());

  trace::TraceHubOptions hub_options;
  hub_options.node = config.name;
  state->hub = std::make_unique<trace::TraceHub>(hub_options);
  LOOM_ASSIGN_OR_RETURN(state->telemetry, OrdererTelemetry::Create(state->hub.get(), &state->metrics));
  LOOM_RETURN_IF_ERROR(MakeDirectories(config.data_dir));
  State* raw_state = state.get();
  OrdererTelemetry* telemetry = state->telemetry.get();
  state->broadcast = std::make_unique<BroadcastHandler>(
      &state->registry, [telemetry](const BroadcastEvent& event) { telemetry->OnBroadcast(event); });
  if (config.cluster_address) {
    LOOM_ASSIGN_OR_RETURN(state->raft, RaftHost::Start(*config.cluster_address, state->log));
    // The cluster port is not authenticated: a leader checks what followers
    // forward with Broadcast's own rules.
    BroadcastHandler* broadcast = state->broadcast.get();
    state->raft->context.check_forwarded = [broadcast](std::string_view envelope) {
      BroadcastHandler::Checked checked = broadcast->Check(envelope);
      return checked.accepted() ? Status::Ok() : ForwardRefusal(checked.reply);
    };
  }
  LOOM_RETURN_IF_ERROR(state->OpenChannels(join_blocks));

  state->workers = std::make_unique<util::WorkerPool>();
  state->deliver = std::make_unique<DeliverHandler>(&state->registry);
  AtomicBroadcastOptions service_options;
  service_options.deliver_events = telemetry;
  service_options.active_streams = &state->active_streams;
  state->atomic_broadcast = MakeAtomicBroadcastService(state->broadcast.get(), state->deliver.get(),
                                                       state->workers.get(), service_options);
  state->observer = std::make_unique<trace::ObserverService>(state->hub.get());
  OrdererAdminOptions admin_options;
  admin_options.local_msp = identity->identity().msp();
  state->admin = std::make_unique<OrdererAdmin>(
      &state->registry,
      [raw_state](const GenesisBlock& genesis) { return raw_state->CreateChannel(genesis); },
      std::move(admin_options));
  OrdererAdminServiceOptions admin_service_options;
  admin_service_options.on_joined = [raw_state](const JoinChannelOutcome& outcome) {
    raw_state->log((outcome.already_joined ? "admin join: already serving channel " : "joined channel ") +
                   outcome.channel.channel_id() + " (" + outcome.channel.consensus_type() + ", height " +
                   std::to_string(outcome.channel.height()) + ") for " + outcome.caller);
  };
  admin_service_options.on_refused =
      nodes::RefusedAdminRequestLog([raw_state](const std::string& line) { raw_state->log(line); });
  state->admin_service = MakeOrdererAdminService(state->admin.get(), std::move(admin_service_options));

  LOOM_ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> credentials,
                        nodes::ServerCredentials(config.tls));
  LOOM_ASSIGN_OR_RETURN(nodes::ListeningServer listening,
                        nodes::Serve(config.listen_address, credentials,
                                     {state->atomic_broadcast.get(), state->observer->grpc_service(),
                                      state->admin_service.get()},
                                     config.limits, ""));
  state->server = std::move(listening.server);
  state->listen_address = std::move(listening.address);

  LOOM_ASSIGN_OR_RETURN(state->operations, nodes::StartOperationsServer(config.operations_address,
                                                                        &state->metrics, &state->health));
  return std::unique_ptr<OrdererNode>(new OrdererNode(std::move(state)));
}

std::string OrdererNode::listen_address() const {
  return state_->listen_address;
}

std::optional<std::string> OrdererNode::operations_address() const {
  if (state_->operations == nullptr) return std::nullopt;
  return state_->operations->address();
}

std::vector<std::string> OrdererNode::channel_ids() const {
  return state_->registry.ChannelIds();
}

const std::vector<std::string>& OrdererNode::start_notes() const {
  return state_->notes;
}

void OrdererNode::Shutdown(std::chrono::milliseconds grace) {
  std::lock_guard lock(state_->shutdown_mutex);
  if (state_->shut_down) return;
  state_->shut_down = true;
  // Channels first: what is queued gets logged and answered, later orders
  // are refused, and Deliver streams waiting for blocks end with a status.
  // Then streams get up to `grace` to end; the server then cancels what is
  // left and drops idle connections (its own Shutdown would wait for those).
  std::vector<std::shared_ptr<Channel>> channels;
  {
    std::lock_guard channels_lock(state_->channels_mutex);
    state_->stopping = true;  // no channel is created from now on
    channels = state_->channels;
  }
  for (const auto& channel : channels) channel->Stop();
  if (state_->raft) state_->raft->Close();
  state_->hub->Shutdown();
  if (state_->server) {
    state_->active_streams.WaitForNone(std::chrono::steady_clock::now() + grace);
    state_->server->Shutdown(std::chrono::system_clock::now());
  }
  if (state_->operations) state_->operations->Stop();
}

}  // namespace loom::orderer
