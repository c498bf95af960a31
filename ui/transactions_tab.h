// The Transactions tab (the inspector): pick a transaction by id (or from
// the Blocks tab) and see its proposal (creator, chaincode, function, args),
// endorsements with their signature checks, read and write sets, and the
// validation result — for an invalid transaction the explanation, and for
// an MVCC conflict the key, both versions and a link to the writer.
// Fetching goes through the controller (inspectRequested); showDetail() displays
// a TxDetail. GUI thread only.
#pragma once

#include <QWidget>

#include "app/controller/controller_types.h"

class QLabel;
class QLineEdit;
class QTableWidget;
class QTextBrowser;

namespace loom::ui {

class TransactionsTab : public QWidget {
  Q_OBJECT

 public:
  explicit TransactionsTab(QWidget* parent = nullptr);

  const controller::TxDetail& detail() const { return detail_; }
  // The explanation as shown (plain text), "" for a valid transaction.
  QString explanationText() const;

 public slots:
  void showDetail(const loom::controller::TxDetail& detail);
  void showError(const QString& txId, const QString& error);
  // Puts `txId` in the id field and asks for it.
  void inspect(const QString& txId, const QString& channel = {});

 signals:
  void inspectRequested(const QString& txId, const QString& channel);

 private:
  QLineEdit* idField_;
  QLabel* summary_;
  QTableWidget* proposal_;
  QTableWidget* endorsements_;
  QTableWidget* reads_;
  QTableWidget* writes_;
  QTextBrowser* explanation_;
  controller::TxDetail detail_;
};

}  // namespace loom::ui
