#include "ui/main_window.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDockWidget>
#include <QFileDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>

#include "app/controller/lab_controller.h"
#include "ui/blocks_model.h"
#include "ui/blocks_tab.h"
#include "ui/logs_tab.h"
#include "ui/network_panel.h"
#include "ui/transactions_tab.h"

namespace loom::ui {

using controller::NetworkState;

namespace {

// A tab not built yet: says so, and what it will show.
QWidget* ComingTab(const QString& what) {
  auto* label = new QLabel(what);
  label->setAlignment(Qt::AlignCenter);
  label->setWordWrap(true);
  label->setEnabled(false);
  return label;
}

}  // namespace

MainWindow::MainWindow(controller::LabController* controller, QWidget* parent)
    : QMainWindow(parent), controller_(controller) {
  setWindowTitle(tr("Loom"));
  setWindowIcon(QIcon(QStringLiteral(":/icons/loom.svg")));
  createTabs();
  createDocks();
  createActions();
  stateLabel_ = new QLabel;
  heightLabel_ = new QLabel;
  rateLabel_ = new QLabel;
  statusBar()->addPermanentWidget(stateLabel_);
  statusBar()->addPermanentWidget(heightLabel_);
  statusBar()->addPermanentWidget(rateLabel_);
  connectController();
  updateActions();
  updateStatus();
  resize(1280, 800);
}

void MainWindow::createTabs() {
  tabs_ = new QTabWidget;
  tabs_->setDocumentMode(true);
  blocksModel_ = new BlocksModel(this);
  blocksTab_ = new BlocksTab(blocksModel_);
  transactionsTab_ = new TransactionsTab;
  logsTab_ = new LogsTab;
  tabs_->addTab(ComingTab(tr("Topology designer — coming: the scenario as a canvas (orgs, peers, orderers, "
                             "channels) beside its YAML, live health in run mode.")),
                tr("Topology"));
  tabs_->addTab(ComingTab(tr("Flow view — coming: a transaction's endorse → order → validate path as a "
                             "swimlane diagram, live and step by step.")),
                tr("Flow"));
  tabs_->addTab(blocksTab_, tr("Blocks"));
  tabs_->addTab(transactionsTab_, tr("Transactions"));
  tabs_->addTab(
      ComingTab(tr("Metrics — coming: throughput, latency percentiles, the Table 1 phase breakdown, "
                   "per-node CPU and memory.")),
      tr("Metrics"));
  tabs_->addTab(
      ComingTab(tr("Load — coming: workload, rate, duration and key skew; live progress and results.")),
      tr("Load"));
  tabs_->addTab(logsTab_, tr("Logs"));
  setCentralWidget(tabs_);
  for (int i = 0; i < tabs_->count(); ++i) {
    tabs_->setTabToolTip(i, tr("Alt+%1").arg(i + 1));
  }
}

void MainWindow::createDocks() {
  networkPanel_ = new NetworkPanel;
  auto* networkDock = new QDockWidget(tr("Network"), this);
  networkDock->setObjectName(QStringLiteral("networkDock"));
  networkDock->setWidget(networkPanel_);
  addDockWidget(Qt::LeftDockWidgetArea, networkDock);

  eventLog_ = new QPlainTextEdit;
  eventLog_->setReadOnly(true);
  eventLog_->setMaximumBlockCount(5000);
  auto* eventDock = new QDockWidget(tr("Event log"), this);
  eventDock->setObjectName(QStringLiteral("eventDock"));
  eventDock->setWidget(eventLog_);
  addDockWidget(Qt::BottomDockWidgetArea, eventDock);
  resizeDocks({networkDock}, {380}, Qt::Horizontal);
  resizeDocks({eventDock}, {140}, Qt::Vertical);
}

void MainWindow::createActions() {
  auto icon = [](const char* name) {
    return QIcon(QStringLiteral(":/icons/%1.svg").arg(QLatin1String(name)));
  };
  openAction_ = new QAction(icon("open"), tr("&Open scenario…"), this);
  openAction_->setShortcut(QKeySequence::Open);
  startAction_ = new QAction(icon("start"), tr("&Start"), this);
  startAction_->setShortcut(QKeySequence(Qt::Key_F5));
  stopAction_ = new QAction(icon("stop"), tr("S&top"), this);
  stopAction_->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F5));
  attachAction_ = new QAction(icon("attach"), tr("&Attach to workspace…"), this);
  attachAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
  sendAction_ = new QAction(icon("send"), tr("Send &transaction"), this);
  sendAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
  auto* quitAction = new QAction(tr("&Quit"), this);
  quitAction->setShortcut(QKeySequence::Quit);
  auto* aboutAction = new QAction(tr("&About Loom"), this);

  connect(openAction_, &QAction::triggered, this, &MainWindow::openScenarioDialog);
  connect(startAction_, &QAction::triggered, controller_, &controller::LabController::start);
  connect(stopAction_, &QAction::triggered, controller_, [this] { controller_->stop(); });
  connect(attachAction_, &QAction::triggered, this, &MainWindow::attachDialog);
  connect(sendAction_, &QAction::triggered, controller_, &controller::LabController::sendTransaction);
  connect(quitAction, &QAction::triggered, this, &QWidget::close);
  connect(aboutAction, &QAction::triggered, this, &MainWindow::about);

  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->addAction(openAction_);
  file->addSeparator();
  file->addAction(quitAction);
  QMenu* network = menuBar()->addMenu(tr("&Network"));
  network->addAction(startAction_);
  network->addAction(stopAction_);
  network->addAction(attachAction_);
  network->addSeparator();
  network->addAction(sendAction_);
  QMenu* view = menuBar()->addMenu(tr("&View"));
  for (QDockWidget* dock : findChildren<QDockWidget*>()) view->addAction(dock->toggleViewAction());
  view->addSeparator();
  for (int i = 0; i < tabs_->count(); ++i) {
    QAction* go = view->addAction(tabs_->tabText(i), this, [this, i] { tabs_->setCurrentIndex(i); });
    go->setShortcut(QKeySequence(Qt::ALT | static_cast<Qt::Key>(Qt::Key_1 + i)));
  }
  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(aboutAction);

  QToolBar* toolbar = addToolBar(tr("Main"));
  toolbar->setObjectName(QStringLiteral("mainToolbar"));
  toolbar->addAction(openAction_);
  toolbar->addSeparator();
  toolbar->addAction(startAction_);
  toolbar->addAction(stopAction_);
  toolbar->addAction(attachAction_);
  toolbar->addSeparator();
  toolbar->addAction(sendAction_);
}

void MainWindow::connectController() {
  using controller::LabController;
  connect(controller_, &LabController::scenarioOpened, this,
          [this](const QString& path, const QString& network, const QVector<controller::NodeRow>& nodes,
                 const QStringList& channels) {
            setWindowTitle(tr("Loom — %1 (%2)").arg(network, path));
            networkPanel_->setNodes(nodes);
            blocksModel_->clear();
            blocksTab_->setChannels(channels);
            QStringList names;
            for (const controller::NodeRow& node : nodes) names << node.name;
            logsTab_->setNodes(names);
            updateActions();
          });
  connect(controller_, &LabController::scenarioErrors, this,
          [this](const QString& path, const QVector<controller::ScenarioError>& errors) {
            QStringList lines;
            for (const controller::ScenarioError& error : errors) lines << error.message;
            logEvent(tr("%1 does not load:\n  %2").arg(path, lines.join(QStringLiteral("\n  "))));
            QMessageBox::warning(this, tr("Scenario errors"), lines.join(QLatin1Char('\n')));
          });
  connect(controller_, &LabController::stateChanged, this, [this] {
    updateActions();
    updateStatus();
  });
  connect(controller_, &LabController::progress, this, [this](const QString& step) {
    logEvent(step);
    statusBar()->showMessage(step, 3000);
  });
  connect(controller_, &LabController::nodesChanged, this, [this](const QVector<controller::NodeRow>& nodes) {
    networkPanel_->setNodes(nodes);
    height_ = 0;
    for (const controller::NodeRow& node : nodes) height_ = std::max(height_, node.height);
    updateStatus();
  });
  connect(controller_, &LabController::blocksArrived, blocksModel_, &BlocksModel::addBlocks);
  connect(controller_, &LabController::transactionReady, transactionsTab_, &TransactionsTab::showDetail);
  connect(controller_, &LabController::transactionFailed, transactionsTab_, &TransactionsTab::showError);
  connect(transactionsTab_, &TransactionsTab::inspectRequested, controller_,
          [this](const QString& txId, const QString& channel) {
            controller_->requestTransaction(txId, channel);
          });
  connect(blocksTab_, &BlocksTab::txActivated, this, [this](const QString& txId, const QString& channel) {
    tabs_->setCurrentWidget(transactionsTab_);
    transactionsTab_->inspect(txId, channel);
  });
  connect(controller_, &LabController::sendFailed, this,
          [this](const QString& error) { logEvent(tr("send failed: %1").arg(error)); });
  connect(controller_, &LabController::throughputChanged, this, [this] { updateStatus(); });
  connect(controller_, &LabController::logReady, logsTab_, &LogsTab::setLog);
  connect(logsTab_, &LogsTab::logRequested, controller_,
          [this](const QString& node) { controller_->requestLog(node); });
  connect(controller_, &LabController::operationFailed, this,
          [this](const QString& operation, const QString& message) {
            logEvent(tr("%1 failed: %2").arg(operation, message));
            if (operation == QLatin1String("start") || operation == QLatin1String("attach")) {
              QMessageBox::warning(this, tr("Loom"), tr("%1 failed:\n%2").arg(operation, message));
            }
          });
  connect(controller_, &LabController::eventLogged, this, &MainWindow::logEvent);
  connect(networkPanel_, &NetworkPanel::nodeActionRequested, this, &MainWindow::onNodeAction);
}

void MainWindow::onNodeAction(const QString& action, const QString& node) {
  if (action == QLatin1String("log")) {
    tabs_->setCurrentWidget(logsTab_);
    logsTab_->showNode(node);
  } else if (action == QLatin1String("kill")) {
    controller_->killNode(node);
  } else if (action == QLatin1String("pause")) {
    controller_->pauseNode(node);
  } else if (action == QLatin1String("resume")) {
    controller_->resumeNode(node);
  } else if (action == QLatin1String("restart")) {
    controller_->restartNode(node);
  }
}

void MainWindow::logEvent(const QString& line) {
  eventLog_->appendPlainText(QStringLiteral("%1  %2").arg(
      QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss.zzz")), line));
}

void MainWindow::updateActions() {
  const NetworkState state = controller_->state();
  const bool stopped = state == NetworkState::kStopped;
  openAction_->setEnabled(stopped);
  startAction_->setEnabled(stopped && !controller_->scenarioFile().isEmpty());
  attachAction_->setEnabled(stopped);
  stopAction_->setEnabled(state == NetworkState::kRunning);
  sendAction_->setEnabled(state == NetworkState::kRunning);
}

void MainWindow::updateStatus() {
  stateLabel_->setText(tr("Network: %1").arg(controller::ToString(controller_->state())));
  heightLabel_->setText(tr("Height: %1").arg(height_));
  rateLabel_->setText(tr("%1 tx/s").arg(controller_->txPerSecond(), 0, 'f', 1));
}

void MainWindow::openScenarioDialog() {
  const QString path =
      QFileDialog::getOpenFileName(this, tr("Open scenario"), QString(), tr("Scenarios (*.yaml *.yml)"));
  if (!path.isEmpty()) controller_->openScenario(path);
}

void MainWindow::attachDialog() {
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Attach to a workspace"));
  if (!dir.isEmpty()) controller_->attach(dir);
}

void MainWindow::about() {
  QMessageBox::about(
      this, tr("About Loom"),
      tr("<h3>Loom</h3><p>A desktop lab for Hyperledger-Fabric-style permissioned blockchains: "
         "execute → order → validate as real processes speaking Fabric's wire protocol.</p>"
         "<p>Built with Qt %1.</p>")
          .arg(QLatin1String(qVersion())));
}

void MainWindow::restoreLayout() {
  QSettings settings;
  restoreGeometry(settings.value(QStringLiteral("mainWindow/geometry")).toByteArray());
  restoreState(settings.value(QStringLiteral("mainWindow/state")).toByteArray());
}

void MainWindow::closeEvent(QCloseEvent* event) {
  QSettings settings;
  settings.setValue(QStringLiteral("mainWindow/geometry"), saveGeometry());
  settings.setValue(QStringLiteral("mainWindow/state"), saveState());
  event->accept();
}

}  // namespace loom::ui
