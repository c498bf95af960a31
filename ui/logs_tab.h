// The Logs tab: one node's log (its last 64 KiB), following the file while
// "Follow" is on (re-read every second through logRequested). GUI thread only.
#pragma once

#include <QTimer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QPlainTextEdit;

namespace loom::ui {

class LogsTab : public QWidget {
  Q_OBJECT

 public:
  explicit LogsTab(QWidget* parent = nullptr);

  void setNodes(const QStringList& nodes);
  QString currentNode() const;
  QString text() const;

 public slots:
  // Shows `node`'s log (selects it and asks for it).
  void showNode(const QString& node);
  void setLog(const QString& node, const QString& path, const QString& text);

 signals:
  void logRequested(const QString& node);

 private:
  void requestCurrent();

  QComboBox* nodePicker_;
  QCheckBox* follow_;
  QLabel* path_;
  QPlainTextEdit* view_;
  QTimer followTimer_;
};

}  // namespace loom::ui
