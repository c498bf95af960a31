#include "app/controller/lab_controller.h"

#include <QDateTime>
#include <QDir>
#include <QPointer>

#include "app/controller/lab_controller_jobs.h"
#include "core/config/scenario_yaml.h"

namespace loom::controller {

namespace {

constexpr int kTimelineBatchMs = 100;
constexpr qint64 kRateWindowMs = 5000;

void RegisterTypes() {
  qRegisterMetaType<NetworkState>();
  qRegisterMetaType<ScenarioError>();
  qRegisterMetaType<NodeRow>();
  qRegisterMetaType<BlockRow>();
  qRegisterMetaType<TxDetail>();
  qRegisterMetaType<SentTx>();
  qRegisterMetaType<TimelineRow>();
  qRegisterMetaType<QVector<NodeRow>>();
  qRegisterMetaType<QVector<BlockRow>>();
  qRegisterMetaType<QVector<ScenarioError>>();
  qRegisterMetaType<QVector<TimelineRow>>();
}

// An identity that may read every channel: the Admin of the first channel's first org.
Result<std::shared_ptr<protocol::Signer>> ReaderIdentity(const lab::Workspace& workspace) {
  const config::Scenario& scenario = workspace.scenario();
  if (scenario.channels.empty() || scenario.channels.front().orgs.empty()) {
    return Status::FailedPrecondition("the scenario has no channel with a member org to read with");
  }
  return workspace.Signer(scenario.channels.front().orgs.front(), "Admin");
}

}  // namespace

LabController::LabController(QObject* parent) : QObject(parent) {
  RegisterTypes();
  pool_.setMaxThreadCount(4);
  statusTimer_.setInterval(1000);
  connect(&statusTimer_, &QTimer::timeout, this, &LabController::pollStatus);
  timelineTimer_.setInterval(kTimelineBatchMs);
  connect(&timelineTimer_, &QTimer::timeout, this, &LabController::drainTimelines);
}

LabController::~LabController() {
  statusTimer_.stop();
  timelineTimer_.stop();
  stopTraces();
  pool_.waitForDone();
}

void LabController::runJob(std::function<std::function<void()>()> job) {
  QPointer<LabController> self(this);
  pool_.start([self, job = std::move(job)] {
    std::function<void()> then = job();
    // The destructor waits for the pool, so `self` outlives this call; the
    // queued continuation is dropped if the controller is gone by then.
    if (self)
      QMetaObject::invokeMethod(
          self.data(), [then = std::move(then)] { then(); }, Qt::QueuedConnection);
  });
}

void LabController::setState(NetworkState state) {
  if (state_ == state) return;
  state_ = state;
  emit stateChanged(state);
  emit eventLogged(QStringLiteral("network %1").arg(ToString(state)));
}

void LabController::openScenario(const QString& path) {
  runJob([this, path] {
    Result<config::Scenario> scenario = config::LoadScenarioFile(path.toStdString());
    if (!scenario.ok()) {
      QVector<ScenarioError> errors = ScenarioErrorsOf(scenario.status());
      return std::function<void()>([this, path, errors] {
        emit scenarioErrors(path, errors);
        emit eventLogged(QStringLiteral("scenario %1 has errors").arg(path));
      });
    }
    QString network = Q(scenario->network);
    QVector<NodeRow> nodes = PlannedNodes(*scenario);
    QStringList channels = ChannelsOf(*scenario);
    return std::function<void()>([this, path, network, nodes, channels] {
      scenarioFile_ = path;
      networkName_ = network;
      channels_ = channels;
      emit scenarioOpened(path, network, nodes, channels);
      emit eventLogged(QStringLiteral("opened scenario %1 (%2)").arg(path, network));
    });
  });
}

void LabController::start() {
  if (state_ != NetworkState::kStopped) return;
  if (scenarioFile_.isEmpty()) {
    emit operationFailed(QStringLiteral("start"), QStringLiteral("open a scenario first"));
    return;
  }
  setState(NetworkState::kStarting);
  const std::string scenario = scenarioFile_.toStdString();
  const std::string dir = workspaceDir_.toStdString();
  QPointer<LabController> self(this);
  runJob([this, self, scenario, dir] {
    auto fail = [this](const QString& message) {
      return std::function<void()>([this, message] {
        setState(NetworkState::kStopped);
        emit operationFailed(QStringLiteral("start"), message);
      });
    };
    Result<lab::Workspace> workspace = lab::Workspace::Prepare(scenario, dir);
    if (!workspace.ok()) return fail(ErrorText(workspace.status()));
    lab::UpOptions options;
    options.progress = [self](std::string_view step) {
      QString text = QString::fromUtf8(step.data(), static_cast<qsizetype>(step.size()));
      if (self)
        QMetaObject::invokeMethod(
            self.data(),
            [self, text] {
              if (self) emit self->progress(text);
            },
            Qt::QueuedConnection);
    };
    QString how = QStringLiteral("started");
    Result<lab::Network> network = lab::Network::Up(*workspace, options);
    if (!network.ok() && network.status().code() == Status::Code::kAlreadyExists) {
      network = lab::Network::Attach(*workspace);
      how = QStringLiteral("already running; attached");
    }
    if (!network.ok()) return fail(ErrorText(network.status()));
    auto session = std::make_shared<Session>(std::move(*workspace), std::move(*network));
    return std::function<void()>([this, session, how] { onRunning(session, how); });
  });
}

void LabController::attach(const QString& dir) {
  if (state_ != NetworkState::kStopped) return;
  setState(NetworkState::kStarting);
  runJob([this, dir] {
    auto fail = [this](const QString& message) {
      return std::function<void()>([this, message] {
        setState(NetworkState::kStopped);
        emit operationFailed(QStringLiteral("attach"), message);
      });
    };
    Result<lab::Workspace> workspace = lab::Workspace::Open(dir.toStdString());
    if (!workspace.ok()) return fail(ErrorText(workspace.status()));
    Result<lab::Network> network = lab::Network::Attach(*workspace);
    if (!network.ok()) return fail(ErrorText(network.status()));
    auto session = std::make_shared<Session>(std::move(*workspace), std::move(*network));
    QString scenarioCopy = Q(session->workspace.dir() + "/scenario.yaml");
    return std::function<void()>([this, session, scenarioCopy] {
      scenarioFile_ = scenarioCopy;
      networkName_ = Q(session->workspace.scenario().network);
      channels_ = ChannelsOf(session->workspace.scenario());
      emit scenarioOpened(scenarioFile_, networkName_, PlannedNodes(session->workspace.scenario()),
                          channels_);
      onRunning(session, QStringLiteral("attached"));
    });
  });
}

void LabController::onRunning(std::shared_ptr<Session> session, const QString& how) {
  session_ = std::move(session);
  workspaceDir_ = Q(session_->workspace.dir());
  fetched_.clear();
  fetchInFlight_.clear();
  commitTimesMs_.clear();
  committedSeen_.clear();
  setState(NetworkState::kRunning);
  emit eventLogged(QStringLiteral("network %1 %2 in %3").arg(networkName_, how, workspaceDir_));
  startTraces();
  statusTimer_.start();
  pollStatus();
}

void LabController::stop(bool purge) {
  if (state_ != NetworkState::kRunning || !session_) return;
  statusTimer_.stop();
  setState(NetworkState::kStopping);
  std::shared_ptr<Session> session = session_;
  std::shared_ptr<TraceFeed> traces = std::move(traces_);
  timelineTimer_.stop();
  runJob([this, session, traces, purge] {
    if (traces) {
      traces->subscription.reset();
      if (traces->collector) traces->collector->Stop();
    }
    Status status;
    {
      std::lock_guard<std::mutex> lock(session->mutex);
      status = session->network.Down(purge);
    }
    QString error = status.ok() ? QString() : ErrorText(status);
    QVector<NodeRow> rows = PlannedNodes(session->workspace.scenario());
    for (NodeRow& row : rows) row.state = QStringLiteral("stopped");
    return std::function<void()>([this, error, rows] {
      session_.reset();
      setState(NetworkState::kStopped);
      emit nodesChanged(rows);
      if (!error.isEmpty()) emit operationFailed(QStringLiteral("stop"), error);
    });
  });
}

void LabController::nodeAction(const QString& verb, const QString& node) {
  if (!session_) {
    emit operationFailed(verb + QLatin1Char(' ') + node, QStringLiteral("no network is running"));
    return;
  }
  std::shared_ptr<Session> session = session_;
  runJob([this, session, verb, node] {
    const std::string name = node.toStdString();
    Status status;
    {
      std::lock_guard<std::mutex> lock(session->mutex);
      if (verb == QLatin1String("kill"))
        status = session->network.Kill(name);
      else if (verb == QLatin1String("pause"))
        status = session->network.Pause(name);
      else if (verb == QLatin1String("resume"))
        status = session->network.Resume(name);
      else
        status = session->network.Restart(name);
    }
    QString error = status.ok() ? QString() : ErrorText(status);
    return std::function<void()>([this, verb, node, error] {
      if (error.isEmpty()) {
        emit eventLogged(QStringLiteral("%1 %2: done").arg(verb, node));
      } else {
        emit operationFailed(verb + QLatin1Char(' ') + node, error);
      }
      pollStatus();
    });
  });
}

void LabController::killNode(const QString& node) {
  nodeAction(QStringLiteral("kill"), node);
}
void LabController::pauseNode(const QString& node) {
  nodeAction(QStringLiteral("pause"), node);
}
void LabController::resumeNode(const QString& node) {
  nodeAction(QStringLiteral("resume"), node);
}
void LabController::restartNode(const QString& node) {
  nodeAction(QStringLiteral("restart"), node);
}

void LabController::pollStatus() {
  if (!session_ || pollInFlight_) return;
  pollInFlight_ = true;
  std::shared_ptr<Session> session = session_;
  runJob([this, session] {
    Result<std::vector<lab::NodeStatus>> statuses = session->network.Status();
    if (!statuses.ok()) {
      QString error = ErrorText(statuses.status());
      return std::function<void()>([this, error] {
        pollInFlight_ = false;
        emit operationFailed(QStringLiteral("status"), error);
      });
    }
    QVector<NodeRow> rows = NodeRows(*statuses);
    // A node that is down while its network runs was killed or crashed.
    for (NodeRow& row : rows) {
      if (row.state == QLatin1String("stopped")) row.state = QStringLiteral("exited");
    }
    QHash<QString, qulonglong> heights = ChannelHeights(*statuses);
    return std::function<void()>([this, session, rows, heights] {
      pollInFlight_ = false;
      if (session != session_) return;  // a stop or a new start came in between
      emit nodesChanged(rows);
      fetchBlocks(heights);
    });
  });
}

void LabController::fetchBlocks(const QHash<QString, qulonglong>& heights) {
  for (auto it = heights.begin(); it != heights.end(); ++it) {
    const QString channel = it.key();
    const qulonglong height = it.value();
    const qulonglong from = fetched_.value(channel, 0);
    if (height <= from || fetchInFlight_.value(channel, false)) continue;
    fetchInFlight_[channel] = true;
    std::shared_ptr<Session> session = session_;
    runJob([this, session, channel, from, height] {
      QVector<BlockRow> rows;
      QString error;
      Result<std::shared_ptr<protocol::Signer>> identity = ReaderIdentity(session->workspace);
      if (!identity.ok()) {
        error = ErrorText(identity.status());
      } else {
        lab::LedgerReader reader(session->workspace.Endpoints(), *identity, std::chrono::milliseconds(10000));
        Result<std::vector<common::Block>> blocks = reader.GetBlocks(channel.toStdString(), from, height - 1);
        if (!blocks.ok()) {
          error = ErrorText(blocks.status());
        } else {
          for (const common::Block& block : *blocks)
            rows.push_back(BlockRowOf(channel, lab::SummarizeBlock(block)));
        }
      }
      return std::function<void()>([this, session, channel, rows, error] {
        fetchInFlight_[channel] = false;
        if (session != session_) return;
        if (!error.isEmpty()) {
          emit operationFailed(QStringLiteral("blocks of %1").arg(channel), error);
          return;
        }
        if (rows.isEmpty()) return;
        fetched_[channel] = rows.back().number + 1;
        emit blocksArrived(channel, rows);
      });
    });
  }
}

void LabController::requestTransaction(const QString& txId, const QString& channel) {
  if (!session_) {
    emit transactionFailed(txId, QStringLiteral("no network is running"));
    return;
  }
  std::shared_ptr<Session> session = session_;
  runJob([this, session, txId, channel] {
    Result<std::shared_ptr<protocol::Signer>> identity = ReaderIdentity(session->workspace);
    if (!identity.ok()) {
      QString error = ErrorText(identity.status());
      return std::function<void()>([this, txId, error] { emit transactionFailed(txId, error); });
    }
    lab::LedgerReader reader(session->workspace.Endpoints(), *identity, std::chrono::milliseconds(10000));
    Result<lab::TxRecord> record = reader.GetTx(txId.toStdString(), channel.toStdString());
    if (!record.ok()) {
      QString error = ErrorText(record.status());
      return std::function<void()>([this, txId, error] { emit transactionFailed(txId, error); });
    }
    TxDetail detail = TxDetailOf(*record);
    if (record->validation_code != 0) {
      Result<lab::Explanation> explanation = lab::Explain(reader, record->tx_id, record->channel);
      if (explanation.ok()) {
        AddExplanation(*explanation, &detail);
      } else {
        detail.facts << QStringLiteral("no explanation: %1").arg(ErrorText(explanation.status()));
      }
    }
    return std::function<void()>([this, detail] { emit transactionReady(detail); });
  });
}

void LabController::sendTransaction() {
  if (!session_) {
    emit sendFailed(QStringLiteral("no network is running"));
    return;
  }
  std::shared_ptr<Session> session = session_;
  const int sequence = ++sendSequence_;
  runJob([this, session, sequence] {
    auto fail = [this](const QString& message) {
      return std::function<void()>([this, message] { emit sendFailed(message); });
    };
    Result<DemoCall> call = DemoCallFor(session->workspace.scenario(), sequence);
    if (!call.ok()) return fail(ErrorText(call.status()));
    Result<std::shared_ptr<protocol::Signer>> identity = session->workspace.Signer(call->org, "User1");
    if (!identity.ok()) identity = session->workspace.Signer(call->org, "Admin");
    if (!identity.ok()) return fail(ErrorText(identity.status()));
    lab::Gateway gateway(session->workspace.Endpoints(), *identity);
    Result<lab::InvokeResult> result = gateway.Invoke(call->channel, call->chaincode, call->args);
    if (!result.ok()) return fail(ErrorText(result.status()));
    SentTx sent;
    sent.txId = Q(result->tx_id);
    sent.chaincode = Q(call->chaincode);
    sent.function = Q(call->args.front());
    sent.committed = result->committed;
    sent.validationCodeName = Q(result->validation_code_name);
    sent.blockNumber = result->block_number;
    sent.totalMs = result->phases.total_ms;
    return std::function<void()>([this, sent] {
      emit transactionSent(sent);
      emit eventLogged(QStringLiteral("sent %1 %2: %3 in block %4 (%5 ms)")
                           .arg(sent.chaincode, sent.function, sent.validationCodeName)
                           .arg(sent.blockNumber)
                           .arg(sent.totalMs, 0, 'f', 1));
    });
  });
}

void LabController::requestLog(const QString& node, int maxBytes) {
  if (!session_) return;
  std::shared_ptr<Session> session = session_;
  runJob([this, session, node, maxBytes] {
    const lab::NodeSpec* spec = session->workspace.FindNode(node.toStdString());
    if (spec == nullptr) {
      return std::function<void()>([this, node] {
        emit operationFailed(QStringLiteral("log"), QStringLiteral("no node %1").arg(node));
      });
    }
    QString path = Q(spec->log_file);
    QString text = TailText(spec->log_file, maxBytes);
    return std::function<void()>([this, node, path, text] { emit logReady(node, path, text); });
  });
}

void LabController::startTraces() {
  auto feed = std::make_shared<TraceFeed>();
  traces_ = feed;
  std::shared_ptr<Session> session = session_;
  runJob([this, session, feed] {
    // Memory only: the workspace's trace store belongs to `loomctl trace record`.
    Result<std::unique_ptr<lab::TraceCollector>> collector =
        lab::TraceCollector::Start(session->workspace.Endpoints(), lab::TraceCollectorOptions{});
    if (!collector.ok()) {
      QString error = ErrorText(collector.status());
      return std::function<void()>([this, error] { emit operationFailed(QStringLiteral("traces"), error); });
    }
    std::weak_ptr<TraceFeed> weak = feed;
    TraceFeed* raw = feed.get();
    auto subscription = (*collector)->OnTimelineUpdated([raw](const std::vector<lab::TxTimeline>& updated) {
      std::lock_guard<std::mutex> lock(raw->mutex);
      for (const lab::TxTimeline& timeline : updated) {
        if (raw->pendingSet.insert(timeline.tx_id).second) raw->pending.push_back(timeline.tx_id);
      }
    });
    {
      std::lock_guard<std::mutex> lock(feed->mutex);
      feed->collector = std::move(*collector);
      feed->subscription = std::move(subscription);
    }
    return std::function<void()>([this, feed] {
      if (traces_ == feed) {
        timelineTimer_.start();
        emit eventLogged(QStringLiteral("following the nodes' traces"));
      }
    });
  });
}

void LabController::stopTraces() {
  std::shared_ptr<TraceFeed> feed = std::move(traces_);
  if (!feed) return;
  feed->subscription.reset();  // no callback runs after this returns
  if (feed->collector) feed->collector->Stop();
}

void LabController::drainTimelines() {
  if (!traces_) return;
  std::vector<std::string> ids;
  {
    std::lock_guard<std::mutex> lock(traces_->mutex);
    if (!traces_->collector) return;
    ids.swap(traces_->pending);
    traces_->pendingSet.clear();
  }
  const qint64 now = QDateTime::currentMSecsSinceEpoch();
  QVector<TimelineRow> rows;
  if (!ids.empty()) {
    for (const lab::TxTimeline& timeline : traces_->collector->Timelines(ids)) {
      TimelineRow row = TimelineRowOf(timeline);
      if (!row.validationCodeName.isEmpty() && !committedSeen_.contains(row.txId)) {
        committedSeen_.insert(row.txId, true);
        commitTimesMs_.push_back(now);
      }
      rows.push_back(row);
    }
  }
  while (!commitTimesMs_.isEmpty() && commitTimesMs_.front() < now - kRateWindowMs)
    commitTimesMs_.pop_front();
  if (committedSeen_.size() > 100000) committedSeen_.clear();  // bounded; rates only need recent ids
  const double rate = static_cast<double>(commitTimesMs_.size()) * 1000.0 / kRateWindowMs;
  if (rate != txPerSecond_) {
    txPerSecond_ = rate;
    emit throughputChanged(rate);
  }
  if (!rows.isEmpty()) emit timelinesUpdated(rows);
}

}  // namespace loom::controller
