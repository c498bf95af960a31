#include "app/controller/lab_controller_jobs.h"

#include <QDateTime>
#include <QRegularExpression>
#include <algorithm>
#include <fstream>

namespace loom::controller {

QString Q(const std::string& text) {
  return QString::fromStdString(text);
}

QString ErrorText(const Status& status) {
  return Q(status.message().empty() ? status.ToString() : status.message());
}

QVector<ScenarioError> ScenarioErrorsOf(const Status& status) {
  static const QRegularExpression kPosition(QStringLiteral("^[^\\n]*?:(\\d+):(\\d+): "));
  QVector<ScenarioError> errors;
  for (const QString& line : ErrorText(status).split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
    ScenarioError error;
    error.message = line;
    QRegularExpressionMatch match = kPosition.match(line);
    if (match.hasMatch()) {
      error.line = match.captured(1).toInt();
      error.column = match.captured(2).toInt();
    }
    errors.push_back(error);
  }
  return errors;
}

QVector<NodeRow> PlannedNodes(const config::Scenario& scenario) {
  QVector<NodeRow> rows;
  for (const config::NodeInfo& node : config::AllNodes(scenario)) {
    NodeRow row;
    row.name = Q(node.fqdn);
    row.org = Q(node.org);
    row.role = node.kind == config::NodeKind::kPeer ? QStringLiteral("peer") : QStringLiteral("orderer");
    row.state = QStringLiteral("planned");
    rows.push_back(row);
  }
  return rows;
}

QStringList ChannelsOf(const config::Scenario& scenario) {
  QStringList channels;
  for (const config::Channel& channel : scenario.channels) channels << Q(channel.name);
  return channels;
}

QVector<NodeRow> NodeRows(const std::vector<lab::NodeStatus>& statuses) {
  QVector<NodeRow> rows;
  for (const lab::NodeStatus& status : statuses) {
    NodeRow row;
    row.name = Q(status.name);
    row.org = Q(status.org);
    row.role = Q(status.role);
    row.state = Q(status.state);
    row.raftRole = Q(status.raft_role);
    for (const auto& [channel, height] : status.heights)
      row.height = std::max<qulonglong>(row.height, height);
    row.pid = status.pid;
    row.cpuPercent = status.cpu_percent;
    row.rssBytes = status.rss_bytes;
    row.listenAddress = Q(status.listen_address);
    rows.push_back(row);
  }
  return rows;
}

QHash<QString, qulonglong> ChannelHeights(const std::vector<lab::NodeStatus>& statuses) {
  QHash<QString, qulonglong> heights;
  for (const lab::NodeStatus& status : statuses) {
    if (status.role != "peer") continue;
    for (const auto& [channel, height] : status.heights) {
      qulonglong& known = heights[Q(channel)];
      known = std::max<qulonglong>(known, height);
    }
  }
  return heights;
}

BlockRow BlockRowOf(const QString& channel, const lab::BlockSummary& summary) {
  BlockRow row;
  row.channel = channel;
  row.number = summary.number;
  row.hash = Q(summary.hash);
  row.previousHash = Q(summary.previous_hash);
  row.dataHash = Q(summary.data_hash);
  row.txCount = static_cast<int>(summary.tx_count);
  row.validCount = static_cast<int>(summary.valid_count);
  row.invalidCount = static_cast<int>(summary.invalid_count);
  for (const lab::BlockTxSummary& tx : summary.txs) {
    BlockTxRow txRow;
    txRow.index = static_cast<int>(tx.index);
    txRow.txId = Q(tx.tx_id);
    txRow.type = Q(tx.type);
    txRow.creatorMspid = Q(tx.creator_mspid);
    txRow.chaincode = Q(tx.chaincode);
    txRow.function = Q(tx.function);
    txRow.validationCode = tx.validation_code;
    txRow.validationCodeName = Q(tx.validation_code_name);
    row.txs.push_back(txRow);
  }
  return row;
}

TxDetail TxDetailOf(const lab::TxRecord& record) {
  TxDetail detail;
  detail.channel = Q(record.channel);
  detail.txId = Q(record.tx_id);
  detail.blockNumber = record.block_number;
  detail.index = static_cast<int>(record.index);
  detail.validationCode = record.validation_code;
  detail.validationCodeName = Q(record.validation_code_name);
  detail.type = Q(record.type);
  detail.timestamp = Q(record.timestamp);
  detail.creatorMspid = Q(record.creator_mspid);
  detail.creatorSubject = Q(record.creator_subject);
  detail.chaincode = Q(record.chaincode);
  detail.chaincodeVersion = Q(record.chaincode_version);
  detail.function = Q(lab::DisplayBytes(record.function));
  for (const std::string& arg : record.args) detail.args << Q(lab::DisplayBytes(arg));
  for (const lab::TxEndorsement& endorsement : record.endorsements) {
    detail.endorsements.push_back(
        {Q(endorsement.mspid), Q(endorsement.subject), endorsement.signature_valid, Q(endorsement.problem)});
  }
  for (const validator::NsReadWriteSet& ns : record.namespaces) {
    for (const validator::KeyRead& read : ns.reads) {
      detail.reads.push_back(
          {Q(ns.ns), Q(lab::DisplayBytes(read.key)), Q(lab::VersionText(read.version)), {}});
    }
    for (const validator::RangeQuery& range : ns.range_queries) {
      QString span = QStringLiteral("[%1, %2)")
                         .arg(Q(lab::DisplayBytes(range.start_key)), Q(lab::DisplayBytes(range.end_key)));
      for (const validator::KeyRead& read : range.raw_reads) {
        detail.reads.push_back(
            {Q(ns.ns), Q(lab::DisplayBytes(read.key)), Q(lab::VersionText(read.version)), span});
      }
    }
    for (const validator::KeyWrite& write : ns.writes) {
      detail.writes.push_back(
          {Q(ns.ns), Q(lab::DisplayBytes(write.key)), Q(lab::DisplayBytes(write.value)), write.is_delete});
    }
  }
  detail.decodeError = Q(record.decode_error);
  return detail;
}

void AddExplanation(const lab::Explanation& explanation, TxDetail* detail) {
  detail->explained = true;
  detail->meaning = Q(explanation.meaning);
  detail->summary = Q(explanation.summary);
  for (const std::string& fact : explanation.facts) detail->facts << Q(fact);
  if (explanation.read_conflict) {
    const lab::ReadConflictExplanation& conflict = *explanation.read_conflict;
    detail->hasReadConflict = true;
    detail->conflictNamespace = Q(conflict.ns);
    detail->conflictKey = Q(lab::DisplayBytes(conflict.key));
    detail->versionRead = Q(lab::VersionText(conflict.version_read));
    detail->versionFound = Q(lab::VersionText(conflict.version_found));
    if (conflict.writer) {
      detail->writerTxId = Q(conflict.writer->tx_id);
      detail->writerBlock = conflict.writer->block_number;
    }
  }
}

TimelineRow TimelineRowOf(const lab::TxTimeline& timeline) {
  TimelineRow row;
  row.txId = Q(timeline.tx_id);
  row.channel = Q(timeline.channel);
  row.validationCodeName = Q(timeline.validation_code_name());
  row.firstStartNanos = timeline.first_start();
  row.lastEndNanos = timeline.last_end();
  row.spans = static_cast<int>(timeline.spans.size());
  return row;
}

namespace {

// Replaces {key}, {seq} and {client} in a workload argument template.
std::string Expand(std::string text, const std::string& key, int sequence) {
  auto replace = [&text](const std::string& from, const std::string& to) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
      text.replace(at, from.size(), to);
    }
  };
  replace("{key}", key);
  replace("{seq}", std::to_string(sequence));
  replace("{client}", "gui");
  return text;
}

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Result<DemoCall> DemoCallFor(const config::Scenario& scenario, int sequence) {
  if (scenario.chaincodes.empty()) {
    return Status::FailedPrecondition("the scenario defines no chaincode to send a transaction to");
  }
  const config::Chaincode& chaincode = scenario.chaincodes.front();
  DemoCall call;
  call.chaincode = chaincode.name;
  call.channel = chaincode.channel;
  if (call.channel.empty() && !scenario.channels.empty()) call.channel = scenario.channels.front().name;
  for (const config::Channel& channel : scenario.channels) {
    if (channel.name == call.channel && !channel.orgs.empty()) call.org = channel.orgs.front();
  }
  const std::string key =
      "gui-" + std::to_string(QDateTime::currentMSecsSinceEpoch()) + "-" + std::to_string(sequence);
  if (chaincode.name == "assets" || EndsWith(chaincode.path, "assets")) {
    call.args = {"CreateAsset", key, "blue", "5", "Loom", "100"};
  } else if (chaincode.name == "counter" || EndsWith(chaincode.path, "counter")) {
    call.args = {"Increment", "gui-counter"};
  } else if (scenario.workload && scenario.workload->chaincode == chaincode.name) {
    call.args.push_back(scenario.workload->function);
    for (const std::string& arg : scenario.workload->args) call.args.push_back(Expand(arg, key, sequence));
    if (!scenario.workload->org.empty()) call.org = scenario.workload->org;
  } else {
    return Status::FailedPrecondition("no demo transaction is known for chaincode " + chaincode.name +
                                      " (give the scenario a workload for it)");
  }
  return call;
}

QString TailText(const std::string& path, int max_bytes) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return {};
  const std::streamoff size = in.tellg();
  const std::streamoff start = std::max<std::streamoff>(0, size - max_bytes);
  in.seekg(start);
  std::string text(static_cast<size_t>(size - start), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (start > 0) {
    const size_t newline = text.find('\n');
    if (newline != std::string::npos) text.erase(0, newline + 1);
  }
  return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

}  // namespace loom::controller
