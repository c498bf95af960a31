// The lab half of LabController (private to app/controller): the lab
// objects of an open network and the conversions from lab types to the
// plain values of controller_types.h. Everything here may block; the
// controller calls it on its worker threads only.
#pragma once

#include <QHash>
#include <QString>
#include <QVector>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "app/controller/controller_types.h"
#include "app/lab/explain.h"
#include "app/lab/gateway.h"
#include "app/lab/ledger_reader.h"
#include "app/lab/network.h"
#include "app/lab/trace_collector.h"
#include "app/lab/tx_record.h"
#include "app/lab/workspace.h"
#include "core/util/status.h"

namespace loom::controller {

// An open network: its workspace, the Network handle and a reader identity.
// `mutex` serialises the actions that change nodes (Network is
// thread-compatible); Status and reads do not take it.
struct Session {
  lab::Workspace workspace;
  lab::Network network;
  std::mutex mutex;
  Session(lab::Workspace w, lab::Network n) : workspace(std::move(w)), network(std::move(n)) {}
};

// The live trace collector and the tx ids its callbacks changed since the
// last drain (callbacks run on the collector's threads).
struct TraceFeed {
  std::unique_ptr<lab::TraceCollector> collector;
  std::unique_ptr<lab::TimelineSubscription> subscription;
  std::mutex mutex;
  std::vector<std::string> pending;
  std::unordered_set<std::string> pendingSet;
};

QString Q(const std::string& text);
QString ErrorText(const Status& status);

// "file:line:col: message" errors of a scenario parse, one per line.
QVector<ScenarioError> ScenarioErrorsOf(const Status& status);
// The nodes a scenario will run, state "planned".
QVector<NodeRow> PlannedNodes(const config::Scenario& scenario);
QStringList ChannelsOf(const config::Scenario& scenario);

QVector<NodeRow> NodeRows(const std::vector<lab::NodeStatus>& statuses);
// Highest height per channel over the peers.
QHash<QString, qulonglong> ChannelHeights(const std::vector<lab::NodeStatus>& statuses);
BlockRow BlockRowOf(const QString& channel, const lab::BlockSummary& summary);
TxDetail TxDetailOf(const lab::TxRecord& record);
void AddExplanation(const lab::Explanation& explanation, TxDetail* detail);
TimelineRow TimelineRowOf(const lab::TxTimeline& timeline);

// The demo transaction for the scenario's first chaincode: channel,
// chaincode and args (args[0] the function). `sequence` makes ids fresh.
struct DemoCall {
  std::string channel;
  std::string chaincode;
  std::vector<std::string> args;
  std::string org;  // submitting org
};
Result<DemoCall> DemoCallFor(const config::Scenario& scenario, int sequence);

// The last `max_bytes` of `path`, cut at a line start.
QString TailText(const std::string& path, int max_bytes);

}  // namespace loom::controller
