// The Loom main window, laid out like Wireshark's: the network panel dock on
// the left, the tab area in the middle (Topology, Flow, Blocks, Transactions,
// Metrics, Load, Logs), the event log dock at the bottom and a status bar
// with the network's state, height and live tx/s. Menus and toolbar: Open
// scenario, Start, Stop, Attach, Send transaction, About; dock layout and
// geometry are kept in QSettings. It drives a LabController it does not own.
// GUI thread only.
#pragma once

#include <QMainWindow>

#include "app/controller/controller_types.h"

class QAction;
class QLabel;
class QPlainTextEdit;
class QTabWidget;

namespace loom::controller {
class LabController;
}

namespace loom::ui {

class BlocksModel;
class BlocksTab;
class LogsTab;
class NetworkPanel;
class TransactionsTab;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(controller::LabController* controller, QWidget* parent = nullptr);

  QTabWidget* tabs() const { return tabs_; }
  BlocksModel* blocksModel() const { return blocksModel_; }
  BlocksTab* blocksTab() const { return blocksTab_; }
  TransactionsTab* transactionsTab() const { return transactionsTab_; }
  LogsTab* logsTab() const { return logsTab_; }
  NetworkPanel* networkPanel() const { return networkPanel_; }
  // Restores the saved dock layout (not done in screenshot mode).
  void restoreLayout();

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void createActions();
  void createDocks();
  void createTabs();
  void connectController();
  void logEvent(const QString& line);
  void updateActions();
  void updateStatus();
  void onNodeAction(const QString& action, const QString& node);
  void openScenarioDialog();
  void attachDialog();
  void about();

  controller::LabController* controller_;
  QTabWidget* tabs_ = nullptr;
  BlocksModel* blocksModel_ = nullptr;
  BlocksTab* blocksTab_ = nullptr;
  TransactionsTab* transactionsTab_ = nullptr;
  LogsTab* logsTab_ = nullptr;
  NetworkPanel* networkPanel_ = nullptr;
  QPlainTextEdit* eventLog_ = nullptr;
  QLabel* stateLabel_ = nullptr;
  QLabel* heightLabel_ = nullptr;
  QLabel* rateLabel_ = nullptr;
  QAction* openAction_ = nullptr;
  QAction* startAction_ = nullptr;
  QAction* stopAction_ = nullptr;
  QAction* attachAction_ = nullptr;
  QAction* sendAction_ = nullptr;
  qulonglong height_ = 0;
};

}  // namespace loom::ui
