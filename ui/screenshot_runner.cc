#include "ui/screenshot_runner.h"

#include <QCoreApplication>
#include <QDir>
#include <QPixmap>
#include <QTabWidget>
#include <QTextStream>

#include "app/controller/lab_controller.h"
#include "ui/blocks_model.h"
#include "ui/logs_tab.h"
#include "ui/main_window.h"
#include "ui/network_panel.h"
#include "ui/transactions_tab.h"

namespace loom::ui {

using controller::LabController;
using controller::NetworkState;

ScreenshotRunner::ScreenshotRunner(MainWindow* window, LabController* controller, QString dir,
                                   int transactions, int deadlineMs, QObject* parent)
    : QObject(parent),
      window_(window),
      controller_(controller),
      dir_(std::move(dir)),
      transactions_(transactions) {
  deadline_.setSingleShot(true);
  deadline_.setInterval(deadlineMs);
  connect(&deadline_, &QTimer::timeout, this, [this] {
    fail(QStringLiteral("screenshot run did not finish within %1 s").arg(deadline_.interval() / 1000));
  });

  connect(controller_, &LabController::scenarioOpened, this, [this] {
    if (step_ == Step::kStarting) controller_->start();
  });
  connect(controller_, &LabController::scenarioErrors, this,
          [this](const QString& path, const QVector<controller::ScenarioError>& errors) {
            fail(QStringLiteral("%1: %2").arg(path, errors.isEmpty() ? QString() : errors.front().message));
          });
  connect(controller_, &LabController::operationFailed, this,
          [this](const QString& operation, const QString& message) {
            if (operation == QLatin1String("start")) fail(QStringLiteral("start failed: %1").arg(message));
          });
  connect(controller_, &LabController::stateChanged, this, [this](NetworkState state) {
    if (state == NetworkState::kRunning && step_ == Step::kStarting) {
      step_ = Step::kSending;
      sendNext();
    } else if (state == NetworkState::kStopped && step_ == Step::kStopping) {
      finish(exitCode_);
    }
  });
  connect(controller_, &LabController::transactionSent, this, [this](const controller::SentTx& tx) {
    if (step_ != Step::kSending) return;
    sent_ << tx.txId;
    if (sent_.size() < transactions_) {
      sendNext();
    } else {
      step_ = Step::kWaitingBlocks;
      checkCommitted();
    }
  });
  connect(controller_, &LabController::sendFailed, this,
          [this](const QString& error) { fail(QStringLiteral("send failed: %1").arg(error)); });
  connect(window_->blocksModel(), &BlocksModel::blocksAdded, this, &ScreenshotRunner::checkCommitted);
  connect(controller_, &LabController::transactionReady, this, [this] {
    if (step_ != Step::kInspecting) return;
    const QStringList nodes = window_->networkPanel()->nodeNames();
    if (!nodes.isEmpty()) window_->logsTab()->showNode(nodes.back());
  });
  connect(controller_, &LabController::transactionFailed, this,
          [this](const QString& txId, const QString& error) {
            if (step_ == Step::kInspecting) fail(QStringLiteral("inspecting %1 failed: %2").arg(txId, error));
          });
  connect(controller_, &LabController::logReady, this, [this] {
    if (step_ == Step::kInspecting) render();
  });
}

void ScreenshotRunner::run(const QString& scenario) {
  if (!QDir().mkpath(dir_)) {
    fail(QStringLiteral("cannot create %1").arg(dir_));
    return;
  }
  deadline_.start();
  controller_->openScenario(scenario);
}

void ScreenshotRunner::sendNext() {
  controller_->sendTransaction();
}

void ScreenshotRunner::checkCommitted() {
  if (step_ != Step::kWaitingBlocks) return;
  for (const QString& txId : sent_) {
    if (window_->blocksModel()->validationCodeOf(txId).isEmpty()) return;
  }
  step_ = Step::kInspecting;
  window_->transactionsTab()->inspect(sent_.back());
}

void ScreenshotRunner::render() {
  QTabWidget* tabs = window_->tabs();
  for (int i = 0; i < tabs->count(); ++i) {
    tabs->setCurrentIndex(i);
    QCoreApplication::processEvents();
    const QString name = tabs->tabText(i).toLower().remove(QLatin1Char('&'));
    const QString path =
        QDir(dir_).filePath(QStringLiteral("%1-%2.png").arg(i + 1, 2, 10, QLatin1Char('0')).arg(name));
    if (!window_->grab().save(path)) {
      fail(QStringLiteral("cannot write %1").arg(path));
      return;
    }
    written_ << path;
  }
  QTextStream(stdout) << "wrote " << written_.size() << " screenshots to " << dir_ << Qt::endl;
  step_ = Step::kStopping;
  controller_->stop();
}

void ScreenshotRunner::fail(const QString& message) {
  if (step_ == Step::kDone || exitCode_ != 0) return;
  QTextStream(stderr) << "loom --screenshot: " << message << Qt::endl;
  exitCode_ = 1;
  if (controller_->state() == NetworkState::kRunning) {
    step_ = Step::kStopping;
    controller_->stop();
  } else if (controller_->state() == NetworkState::kStopped) {
    finish(1);
  } else {
    step_ = Step::kStopping;  // starting or stopping: finish once it is stopped
  }
}

void ScreenshotRunner::finish(int exitCode) {
  if (step_ == Step::kDone) return;
  step_ = Step::kDone;
  deadline_.stop();
  emit finished(exitCode);
}

}  // namespace loom::ui
