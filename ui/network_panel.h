// The network panel (left dock): the scenario's nodes grouped by org, each
// with its role, state (a coloured dot), block height and Raft role. The
// context menu of a node offers kill, pause, resume, restart and show log
// (nodeActionRequested with "kill" | "pause" | "resume" | "restart" | "log").
// GUI thread only.
#pragma once

#include <QTreeWidget>

#include "app/controller/controller_types.h"

namespace loom::ui {

class NetworkPanel : public QTreeWidget {
  Q_OBJECT

 public:
  explicit NetworkPanel(QWidget* parent = nullptr);

  QStringList nodeNames() const;

 public slots:
  void setNodes(const QVector<loom::controller::NodeRow>& nodes);

 signals:
  void nodeActionRequested(const QString& action, const QString& node);

 private:
  void showMenu(const QPoint& position);
  QTreeWidgetItem* orgItem(const QString& org);
};

}  // namespace loom::ui
