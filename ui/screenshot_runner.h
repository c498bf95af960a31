// `loom --screenshot DIR`: opens the scenario, starts its network, sends a
// few transactions, waits until they are committed and listed in the Blocks
// tab, inspects the last one, shows a peer's log, renders every tab of the
// main window to DIR/NN-<tab>.png, stops the network and finishes with 0 —
// or with 1 and a message on stderr when any step fails or the deadline
// passes. GUI thread only.
#pragma once

#include <QObject>
#include <QStringList>
#include <QTimer>

namespace loom::controller {
class LabController;
}

namespace loom::ui {

class MainWindow;

class ScreenshotRunner : public QObject {
  Q_OBJECT

 public:
  ScreenshotRunner(MainWindow* window, controller::LabController* controller, QString dir,
                   int transactions = 3, int deadlineMs = 240000, QObject* parent = nullptr);

  // Opens `scenario` and runs the steps above.
  void run(const QString& scenario);
  QStringList written() const { return written_; }

 signals:
  void finished(int exitCode);

 private:
  void fail(const QString& message);
  void sendNext();
  void checkCommitted();
  void render();
  void finish(int exitCode);

  MainWindow* window_;
  controller::LabController* controller_;
  QString dir_;
  int transactions_;
  QTimer deadline_;
  QStringList sent_;
  QStringList written_;
  enum class Step {
    kStarting,
    kSending,
    kWaitingBlocks,
    kInspecting,
    kStopping,
    kDone
  } step_ = Step::kStarting;
  int exitCode_ = 0;
};

}  // namespace loom::ui
