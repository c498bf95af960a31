// LabController on a real quickstart network (solo orderer, two peers, the
// assets chaincode) in a temp workspace: start, a transaction sent through
// the controller shows up VALID in the Blocks model, its record reaches the
// inspector, and an MVCC conflict forced with two concurrent CreateAsset of
// one id is explained in the inspector with the key and the writer. The
// network is stopped in cleanup(), also when a check failed.
#include <QDateTime>
#include <QSignalSpy>
#include <QTest>
#include <filesystem>

#include "app/controller/lab_controller.h"
#include "tests/gui/lab_helpers.h"
#include "tests/support/temp_dir.h"
#include "ui/blocks_model.h"
#include "ui/transactions_tab.h"

using loom::controller::LabController;
using loom::controller::NetworkState;

class LabControllerTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    std::filesystem::copy_file(std::filesystem::path(LOOM_SOURCE_DIR) / "scenarios/quickstart.yaml",
                               temp_.path() / "quickstart.yaml");
    controller_ = std::make_unique<LabController>();
    controller_->setWorkspaceDir(QString::fromStdString((temp_.path() / "ws").string()));
    QObject::connect(controller_.get(), &LabController::blocksArrived, &blocks_,
                     &loom::ui::BlocksModel::addBlocks);
    QObject::connect(controller_.get(), &LabController::transactionReady, &inspector_,
                     &loom::ui::TransactionsTab::showDetail);
    QObject::connect(&inspector_, &loom::ui::TransactionsTab::inspectRequested, controller_.get(),
                     [this](const QString& txId, const QString& channel) {
                       controller_->requestTransaction(txId, channel);
                     });
  }

  void cleanupTestCase() {
    if (controller_->state() == NetworkState::kRunning) controller_->stop();
    QTRY_VERIFY_WITH_TIMEOUT(controller_->state() == NetworkState::kStopped, 60000);
    controller_.reset();
  }

  void brokenScenarioListsItsErrorWithPosition() {
    const std::filesystem::path broken = temp_.path() / "broken.yaml";
    {
      std::FILE* file = std::fopen(broken.c_str(), "w");
      QVERIFY(file != nullptr);
      std::fputs("network: broken\norgs:\n  - name: Org1\n    colour: blue\n", file);
      std::fclose(file);
    }
    QSignalSpy errors(controller_.get(), &LabController::scenarioErrors);
    controller_->openScenario(QString::fromStdString(broken.string()));
    QVERIFY(errors.wait(10000));
    const auto list = errors.first().at(1).value<QVector<loom::controller::ScenarioError>>();
    QVERIFY(!list.isEmpty());
    QVERIFY2(list.front().message.contains(QStringLiteral("colour")), qPrintable(list.front().message));
    QCOMPARE(list.front().line, 4);
    QVERIFY(list.front().column > 0);
    QVERIFY(controller_->scenarioFile().isEmpty());
  }

  void startsTheQuickstartNetwork() {
    QSignalSpy opened(controller_.get(), &LabController::scenarioOpened);
    controller_->openScenario(QString::fromStdString((temp_.path() / "quickstart.yaml").string()));
    QVERIFY(opened.wait(10000));
    QCOMPARE(opened.first().at(1).toString(), QStringLiteral("quickstart"));
    const auto planned = opened.first().at(2).value<QVector<loom::controller::NodeRow>>();
    QCOMPARE(planned.size(), 3);

    QSignalSpy progress(controller_.get(), &LabController::progress);
    QSignalSpy nodes(controller_.get(), &LabController::nodesChanged);
    QSignalSpy failed(controller_.get(), &LabController::operationFailed);
    controller_->start();
    QCOMPARE(controller_->state(), NetworkState::kStarting);
    QTRY_VERIFY_WITH_TIMEOUT(controller_->state() != NetworkState::kStarting, 120000);
    QVERIFY2(controller_->state() == NetworkState::kRunning,
             failed.isEmpty() ? "not running" : qPrintable(failed.first().at(1).toString()));
    QVERIFY(!progress.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(!nodes.isEmpty(), 10000);
    const auto rows = nodes.last().first().value<QVector<loom::controller::NodeRow>>();
    QCOMPARE(rows.size(), 3);
    for (const auto& row : rows) QCOMPARE(row.state, QStringLiteral("running"));
  }

  void sentTransactionAppearsValidInTheBlocksModel() {
    QVERIFY(controller_->state() == NetworkState::kRunning);
    QSignalSpy sent(controller_.get(), &LabController::transactionSent);
    QSignalSpy sendFailed(controller_.get(), &LabController::sendFailed);
    controller_->sendTransaction();
    QTRY_VERIFY_WITH_TIMEOUT(!sent.isEmpty() || !sendFailed.isEmpty(), 30000);
    QVERIFY2(sendFailed.isEmpty(),
             sendFailed.isEmpty() ? "" : qPrintable(sendFailed.first().first().toString()));
    const auto tx = sent.first().first().value<loom::controller::SentTx>();
    QCOMPARE(tx.validationCodeName, QStringLiteral("VALID"));
    QTRY_COMPARE_WITH_TIMEOUT(blocks_.validationCodeOf(tx.txId), QStringLiteral("VALID"), 15000);
    blocks_.setChannel(QStringLiteral("mychannel"));
    QVERIFY(blocks_.rowCount() >= 2);
    QCOMPARE(blocks_.blockAt(0)->number, 0ULL);

    // The inspector gets its record.
    QSignalSpy ready(controller_.get(), &LabController::transactionReady);
    inspector_.inspect(tx.txId);
    QVERIFY(ready.wait(15000));
    QCOMPARE(inspector_.detail().txId, tx.txId);
    QCOMPARE(inspector_.detail().function, QStringLiteral("CreateAsset"));
    QCOMPARE(inspector_.detail().endorsements.size(), 2);
    for (const auto& endorsement : inspector_.detail().endorsements) QVERIFY(endorsement.signatureValid);
    QCOMPARE(inspector_.detail().writes.size(), 1);
    QCOMPARE(inspector_.detail().writes.front().key, inspector_.detail().args.front());
  }

  void mvccConflictIsExplainedWithKeyAndWriter() {
    QVERIFY(controller_->state() == NetworkState::kRunning);
    // Two CreateAsset of one id endorsed concurrently: both read the id as
    // absent before either commits, so the later one in the block conflicts.
    const std::string key = "mvcc-" + std::to_string(QDateTime::currentMSecsSinceEpoch());
    const loom::guitest::ConflictPair pair =
        loom::guitest::ForceCreateAssetConflict(controller_->workspaceDir().toStdString(), key);
    QVERIFY2(pair.error.empty(), pair.error.c_str());
    QCOMPARE(QString::fromStdString(pair.loser_code), QStringLiteral("MVCC_READ_CONFLICT"));

    QSignalSpy ready(controller_.get(), &LabController::transactionReady);
    inspector_.inspect(QString::fromStdString(pair.loser_tx_id));
    QVERIFY(ready.wait(20000));
    const auto& detail = inspector_.detail();
    QCOMPARE(detail.validationCodeName, QStringLiteral("MVCC_READ_CONFLICT"));
    QVERIFY(detail.explained);
    QVERIFY(detail.hasReadConflict);
    QCOMPARE(detail.conflictKey, QString::fromStdString(key));
    QCOMPARE(detail.versionRead, QStringLiteral("absent"));
    QCOMPARE(detail.writerTxId, QString::fromStdString(pair.winner_tx_id));
    QVERIFY(inspector_.explanationText().contains(QString::fromStdString(key)));
    QVERIFY(inspector_.explanationText().contains(QString::fromStdString(pair.winner_tx_id)));
  }

  void nodeLogIsRead() {
    QVERIFY(controller_->state() == NetworkState::kRunning);
    QSignalSpy log(controller_.get(), &LabController::logReady);
    controller_->requestLog(QStringLiteral("peer0.org1"));
    QVERIFY(log.wait(10000));
    QVERIFY(log.first().at(1).toString().endsWith(QStringLiteral("node.log")));
    QVERIFY(!log.first().at(2).toString().isEmpty());
  }

  void killedNodeTurnsExitedAndRestarts() {
    QVERIFY(controller_->state() == NetworkState::kRunning);
    QSignalSpy failed(controller_.get(), &LabController::operationFailed);
    QString state;
    auto stateOfPeer2 = [this, &state] {
      QSignalSpy nodes(controller_.get(), &LabController::nodesChanged);
      if (!nodes.wait(5000)) return QString();
      for (const auto& row : nodes.last().first().value<QVector<loom::controller::NodeRow>>()) {
        if (row.name == QStringLiteral("peer0.org2.example.com")) state = row.state;
      }
      return state;
    };
    controller_->killNode(QStringLiteral("peer0.org2"));
    QTRY_COMPARE_WITH_TIMEOUT(stateOfPeer2(), QStringLiteral("exited"), 20000);
    controller_->restartNode(QStringLiteral("peer0.org2"));
    QTRY_COMPARE_WITH_TIMEOUT(stateOfPeer2(), QStringLiteral("running"), 60000);
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(1).toString()));
  }

  void stopsTheNetwork() {
    QSignalSpy nodes(controller_.get(), &LabController::nodesChanged);
    controller_->stop();
    QCOMPARE(controller_->state(), NetworkState::kStopping);
    QTRY_VERIFY_WITH_TIMEOUT(controller_->state() == NetworkState::kStopped, 60000);
    QVERIFY(!nodes.isEmpty());
    for (const auto& row : nodes.last().first().value<QVector<loom::controller::NodeRow>>()) {
      QCOMPARE(row.state, QStringLiteral("stopped"));
    }
    QVERIFY(!loom::guitest::NetworkRuns(controller_->workspaceDir().toStdString()));
  }

 private:
  loom::testing::TempDir temp_{"loom-gui-controller"};
  std::unique_ptr<LabController> controller_;
  loom::ui::BlocksModel blocks_;
  loom::ui::TransactionsTab inspector_;
};

QTEST_MAIN(LabControllerTest)
#include "lab_controller_test.moc"
