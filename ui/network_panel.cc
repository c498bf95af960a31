#include "ui/network_panel.h"

#include <QHeaderView>
#include <QMenu>
#include <QPainter>
#include <QPixmap>

#include "widgets/state_colors.h"

namespace loom::ui {

namespace {

enum Column { kName, kRole, kState, kHeight, kRaft, kColumnCount };
constexpr int kNodeRole = Qt::UserRole + 1;  // item data: the node's FQDN

QIcon StateDot(const QString& state) {
  QPixmap pixmap(12, 12);
  pixmap.fill(Qt::transparent);
  QPainter painter(&pixmap);
  painter.setRenderHint(QPainter::Antialiasing);
  painter.setBrush(widgets::StateColor(state));
  painter.setPen(Qt::NoPen);
  painter.drawEllipse(1, 1, 10, 10);
  return QIcon(pixmap);
}

}  // namespace

NetworkPanel::NetworkPanel(QWidget* parent) : QTreeWidget(parent) {
  setColumnCount(kColumnCount);
  setHeaderLabels({tr("Node"), tr("Role"), tr("State"), tr("Height"), tr("Raft")});
  header()->setSectionResizeMode(QHeaderView::ResizeToContents);
  setContextMenuPolicy(Qt::CustomContextMenu);
  setRootIsDecorated(true);
  connect(this, &QWidget::customContextMenuRequested, this, &NetworkPanel::showMenu);
  connect(this, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem* item) {
    const QString node = item->data(kName, kNodeRole).toString();
    if (!node.isEmpty()) emit nodeActionRequested(QStringLiteral("log"), node);
  });
}

QTreeWidgetItem* NetworkPanel::orgItem(const QString& org) {
  for (int i = 0; i < topLevelItemCount(); ++i) {
    if (topLevelItem(i)->text(kName) == org) return topLevelItem(i);
  }
  auto* item = new QTreeWidgetItem(this, {org});
  QFont bold = item->font(kName);
  bold.setBold(true);
  item->setFont(kName, bold);
  item->setExpanded(true);
  return item;
}

void NetworkPanel::setNodes(const QVector<controller::NodeRow>& nodes) {
  QStringList seen;
  for (const controller::NodeRow& node : nodes) {
    seen << node.name;
    QTreeWidgetItem* org = orgItem(node.org);
    QTreeWidgetItem* item = nullptr;
    for (int i = 0; i < org->childCount(); ++i) {
      if (org->child(i)->data(kName, kNodeRole).toString() == node.name) item = org->child(i);
    }
    if (item == nullptr) {
      item = new QTreeWidgetItem(org);
      item->setData(kName, kNodeRole, node.name);
    }
    item->setText(kName, node.name);
    item->setText(kRole, node.role);
    item->setText(kState, node.state);
    item->setIcon(kState, StateDot(node.state));
    item->setText(kHeight, node.state == QLatin1String("planned") ? QString() : QString::number(node.height));
    item->setText(kRaft, node.raftRole);
    item->setToolTip(kName, tr("%1\npid %2, CPU %3 %, RSS %4 MiB\n%5")
                                .arg(node.name)
                                .arg(node.pid)
                                .arg(node.cpuPercent, 0, 'f', 1)
                                .arg(static_cast<double>(node.rssBytes) / (1024.0 * 1024.0), 0, 'f', 1)
                                .arg(node.listenAddress));
  }
  // Drop nodes (and orgs) no longer in the list: a different scenario was opened.
  for (int i = topLevelItemCount() - 1; i >= 0; --i) {
    QTreeWidgetItem* org = topLevelItem(i);
    for (int j = org->childCount() - 1; j >= 0; --j) {
      if (!seen.contains(org->child(j)->data(kName, kNodeRole).toString())) delete org->takeChild(j);
    }
    if (org->childCount() == 0) delete takeTopLevelItem(i);
  }
}

QStringList NetworkPanel::nodeNames() const {
  QStringList names;
  for (int i = 0; i < topLevelItemCount(); ++i) {
    for (int j = 0; j < topLevelItem(i)->childCount(); ++j) {
      names << topLevelItem(i)->child(j)->data(kName, kNodeRole).toString();
    }
  }
  return names;
}

void NetworkPanel::showMenu(const QPoint& position) {
  QTreeWidgetItem* item = itemAt(position);
  if (item == nullptr) return;
  const QString node = item->data(kName, kNodeRole).toString();
  if (node.isEmpty()) return;
  QMenu menu(this);
  menu.addSection(node);
  const QList<QPair<QString, QString>> actions = {{QStringLiteral("kill"), tr("Kill (SIGKILL)")},
                                                  {QStringLiteral("pause"), tr("Pause (SIGSTOP)")},
                                                  {QStringLiteral("resume"), tr("Resume (SIGCONT)")},
                                                  {QStringLiteral("restart"), tr("Restart")},
                                                  {QStringLiteral("log"), tr("Show log")}};
  for (const auto& [verb, label] : actions) {
    if (verb == QLatin1String("log")) menu.addSeparator();
    menu.addAction(label, this, [this, verb = verb, node] { emit nodeActionRequested(verb, node); });
  }
  menu.exec(viewport()->mapToGlobal(position));
}

}  // namespace loom::ui
