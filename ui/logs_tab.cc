#include "ui/logs_tab.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QVBoxLayout>

namespace loom::ui {

LogsTab::LogsTab(QWidget* parent) : QWidget(parent) {
  nodePicker_ = new QComboBox;
  nodePicker_->setMinimumContentsLength(24);
  follow_ = new QCheckBox(tr("Follow"));
  follow_->setChecked(true);
  path_ = new QLabel;
  path_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  view_ = new QPlainTextEdit;
  view_->setReadOnly(true);
  view_->setLineWrapMode(QPlainTextEdit::NoWrap);
  view_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));

  auto* top = new QHBoxLayout;
  top->addWidget(new QLabel(tr("Node:")));
  top->addWidget(nodePicker_);
  top->addWidget(follow_);
  top->addWidget(path_, 1);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addWidget(view_, 1);

  followTimer_.setInterval(1000);
  connect(&followTimer_, &QTimer::timeout, this, [this] {
    if (follow_->isChecked() && isVisible()) requestCurrent();
  });
  followTimer_.start();
  connect(nodePicker_, &QComboBox::currentTextChanged, this, [this] { requestCurrent(); });
}

void LogsTab::setNodes(const QStringList& nodes) {
  const QString current = currentNode();
  QSignalBlocker block(nodePicker_);
  nodePicker_->clear();
  nodePicker_->addItems(nodes);
  const int index = nodePicker_->findText(current);
  nodePicker_->setCurrentIndex(index >= 0 ? index : 0);
}

QString LogsTab::currentNode() const {
  return nodePicker_->currentText();
}
QString LogsTab::text() const {
  return view_->toPlainText();
}

void LogsTab::showNode(const QString& node) {
  int index = nodePicker_->findText(node);
  if (index < 0) {
    nodePicker_->addItem(node);
    index = nodePicker_->count() - 1;
  }
  if (index == nodePicker_->currentIndex()) {
    requestCurrent();
  } else {
    nodePicker_->setCurrentIndex(index);  // asks through currentTextChanged
  }
}

void LogsTab::requestCurrent() {
  if (!currentNode().isEmpty()) emit logRequested(currentNode());
}

void LogsTab::setLog(const QString& node, const QString& path, const QString& text) {
  if (node != currentNode()) return;
  path_->setText(path);
  if (view_->toPlainText() == text) return;
  QScrollBar* bar = view_->verticalScrollBar();
  const bool atEnd = bar->value() == bar->maximum();
  view_->setPlainText(text);
  if (atEnd || follow_->isChecked()) bar->setValue(bar->maximum());
}

}  // namespace loom::ui
