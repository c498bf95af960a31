// LabController: the GUI's one door to the lab (app/lab). It opens a
// scenario, starts / stops / attaches a network, polls node status, follows
// the nodes' traces, reads blocks and transactions, sends demo transactions
// and reads node logs.
//
// Threads: every lab call runs on the controller's own worker pool; results
// come back as queued signals on the thread the controller lives in (the GUI
// thread), so no slot here ever blocks. Signals carry the plain values of
// controller_types.h only. Node status is polled every statusInterval ms
// while the network runs; new blocks of every channel are fetched when a
// peer's height grows (blocksArrived); trace timelines are forwarded in
// batches every 100 ms (timelinesUpdated), never per event.
//
// The destructor stops the trace collector and waits for running jobs; it
// does not stop the network (nodes outlive the GUI, as with loomctl).
#pragma once

#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QThreadPool>
#include <QTimer>
#include <QVector>
#include <functional>
#include <memory>

#include "app/controller/controller_types.h"

namespace loom::controller {

struct Session;    // the lab objects of an open network (lab_controller_jobs.h)
struct TraceFeed;  // the live trace collector and its pending updates

class LabController : public QObject {
  Q_OBJECT

 public:
  explicit LabController(QObject* parent = nullptr);
  ~LabController() override;

  NetworkState state() const { return state_; }
  QString scenarioFile() const { return scenarioFile_; }
  QString networkName() const { return networkName_; }
  QStringList channels() const { return channels_; }
  // The workspace folder in use (after start/attach), or the one start will use.
  QString workspaceDir() const { return workspaceDir_; }
  // Where start() prepares the workspace; "" = the lab's default (.loom/<network>).
  void setWorkspaceDir(const QString& dir) { workspaceDir_ = dir; }
  void setStatusInterval(int ms) { statusTimer_.setInterval(ms); }
  // Blocks fetched so far, per channel (the next block to fetch).
  qulonglong fetchedHeight(const QString& channel) const { return fetched_.value(channel, 0); }
  double txPerSecond() const { return txPerSecond_; }

 public slots:
  // Parses the scenario (on a worker): scenarioOpened or scenarioErrors.
  void openScenario(const QString& path);
  // Prepares the workspace and brings the network up (progress per step);
  // a network already running in that workspace is attached instead.
  void start();
  // Stops every node (keeps the data unless purge).
  void stop(bool purge = false);
  // Attaches to the network running in workspace `dir`.
  void attach(const QString& dir);

  void killNode(const QString& node);
  void pauseNode(const QString& node);
  void resumeNode(const QString& node);
  void restartNode(const QString& node);

  // The record (and for an invalid transaction the explanation) of `txId`
  // (full id or unique prefix) on `channel` ("" = every channel).
  void requestTransaction(const QString& txId, const QString& channel = {});
  // Invokes the scenario's first chaincode with a demo function (assets:
  // CreateAsset with a fresh id; counter: Increment; else the workload's).
  void sendTransaction();
  // The last `maxBytes` of a node's log: logReady.
  void requestLog(const QString& node, int maxBytes = 64 * 1024);

 signals:
  void scenarioOpened(const QString& path, const QString& network,
                      const QVector<loom::controller::NodeRow>& nodes, const QStringList& channels);
  void scenarioErrors(const QString& path, const QVector<loom::controller::ScenarioError>& errors);
  void stateChanged(loom::controller::NetworkState state);
  void progress(const QString& step);
  void nodesChanged(const QVector<loom::controller::NodeRow>& nodes);
  void blocksArrived(const QString& channel, const QVector<loom::controller::BlockRow>& blocks);
  void transactionReady(const loom::controller::TxDetail& detail);
  void transactionFailed(const QString& txId, const QString& error);
  void transactionSent(const loom::controller::SentTx& tx);
  void sendFailed(const QString& error);
  void timelinesUpdated(const QVector<loom::controller::TimelineRow>& timelines);
  void throughputChanged(double txPerSecond);
  void logReady(const QString& node, const QString& path, const QString& text);
  // A node action or network call failed: `operation` names it ("start", "kill peer0...").
  void operationFailed(const QString& operation, const QString& message);
  // One line for the event log.
  void eventLogged(const QString& line);

 private:
  // Runs `job` on the pool; `job` returns the GUI-thread continuation.
  void runJob(std::function<std::function<void()>()> job);
  void setState(NetworkState state);
  void onRunning(std::shared_ptr<Session> session, const QString& how);
  void pollStatus();
  void fetchBlocks(const QHash<QString, qulonglong>& heights);
  void drainTimelines();
  void startTraces();
  void stopTraces();
  void nodeAction(const QString& verb, const QString& node);

  QThreadPool pool_;
  QTimer statusTimer_;
  QTimer timelineTimer_;
  NetworkState state_ = NetworkState::kStopped;
  QString scenarioFile_;
  QString networkName_;
  QStringList channels_;
  QString workspaceDir_;
  std::shared_ptr<Session> session_;
  std::shared_ptr<TraceFeed> traces_;
  bool pollInFlight_ = false;
  QHash<QString, qulonglong> fetched_;
  QHash<QString, bool> fetchInFlight_;
  QVector<qint64> commitTimesMs_;  // when timelines first got a code (for tx/s)
  QHash<QString, bool> committedSeen_;
  double txPerSecond_ = 0;
  int sendSequence_ = 0;
};

}  // namespace loom::controller
