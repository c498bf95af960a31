// Plain values the LabController hands to the GUI (queued signals carry
// them between threads). They hold only Qt/std value types: nothing of the
// lab, gRPC or protobuf leaks into ui/ and widgets/.
#pragma once

#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>

namespace loom::controller {

enum class NetworkState { kStopped, kStarting, kRunning, kStopping };
QString ToString(NetworkState state);

// One error of a scenario file; line/column are 0 when the message has none.
struct ScenarioError {
  QString message;
  int line = 0;
  int column = 0;
};

struct NodeRow {
  QString name;  // FQDN
  QString org;
  QString role;  // "peer" | "orderer"
  // "running" | "paused" | "unhealthy" (from the lab); "exited" (down while
  // the network runs: killed or crashed); "stopped" (the network was
  // stopped); "planned" (a scenario's node before start).
  QString state;
  QString raftRole;
  qulonglong height = 0;  // highest over the node's channels
  int pid = 0;
  double cpuPercent = 0;
  qulonglong rssBytes = 0;
  QString listenAddress;
};

struct BlockTxRow {
  int index = 0;
  QString txId;
  QString type;
  QString creatorMspid;
  QString chaincode;
  QString function;
  int validationCode = 0;
  QString validationCodeName;
};

struct BlockRow {
  QString channel;
  qulonglong number = 0;
  QString hash;
  QString previousHash;
  QString dataHash;
  int txCount = 0;
  int validCount = 0;
  int invalidCount = 0;
  QVector<BlockTxRow> txs;
};

struct EndorsementRow {
  QString mspid;
  QString subject;
  bool signatureValid = false;
  QString problem;
};

struct ReadRow {
  QString ns;
  QString key;
  QString version;  // "block:tx" or "absent"
  QString range;    // non-empty for reads of a range query: "[start, end)"
};

struct WriteRow {
  QString ns;
  QString key;
  QString value;  // displayable text
  bool isDelete = false;
};

// Everything the inspector shows about one transaction.
struct TxDetail {
  QString channel;
  QString txId;
  qulonglong blockNumber = 0;
  int index = 0;
  int validationCode = 0;
  QString validationCodeName;
  QString type;
  QString timestamp;
  QString creatorMspid;
  QString creatorSubject;
  QString chaincode;
  QString chaincodeVersion;
  QString function;
  QStringList args;
  QVector<EndorsementRow> endorsements;
  QVector<ReadRow> reads;
  QVector<WriteRow> writes;
  QString decodeError;
  // Explanation (invalid transactions only).
  bool explained = false;
  QString meaning;
  QString summary;
  QStringList facts;
  bool hasReadConflict = false;
  QString conflictNamespace;
  QString conflictKey;
  QString versionRead;
  QString versionFound;
  QString writerTxId;  // empty when unknown
  qulonglong writerBlock = 0;
};

// A transaction sent through the controller.
struct SentTx {
  QString txId;
  QString chaincode;
  QString function;
  bool committed = false;
  QString validationCodeName;
  qulonglong blockNumber = 0;
  double totalMs = 0;
};

// One live trace timeline, reduced to what lists and the status bar need.
struct TimelineRow {
  QString txId;
  QString channel;
  QString validationCodeName;  // "" until a peer committed it
  qlonglong firstStartNanos = 0;
  qlonglong lastEndNanos = 0;
  int spans = 0;
};

}  // namespace loom::controller

Q_DECLARE_METATYPE(loom::controller::NetworkState)
Q_DECLARE_METATYPE(loom::controller::ScenarioError)
Q_DECLARE_METATYPE(loom::controller::NodeRow)
Q_DECLARE_METATYPE(loom::controller::BlockRow)
Q_DECLARE_METATYPE(loom::controller::TxDetail)
Q_DECLARE_METATYPE(loom::controller::SentTx)
Q_DECLARE_METATYPE(loom::controller::TimelineRow)
