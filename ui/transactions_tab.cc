#include "ui/transactions_tab.h"

#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "widgets/state_colors.h"

namespace loom::ui {

namespace {

QTableWidget* MakeTable(const QStringList& headers) {
  auto* table = new QTableWidget(0, static_cast<int>(headers.size()));
  table->setHorizontalHeaderLabels(headers);
  table->horizontalHeader()->setStretchLastSection(true);
  table->verticalHeader()->hide();
  table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table->setSelectionBehavior(QAbstractItemView::SelectRows);
  return table;
}

void AddRow(QTableWidget* table, const QStringList& cells) {
  const int row = table->rowCount();
  table->insertRow(row);
  for (int column = 0; column < cells.size(); ++column) {
    auto* item = new QTableWidgetItem(cells[column]);
    item->setToolTip(cells[column]);
    table->setItem(row, column, item);
  }
}

QWidget* Boxed(const QString& title, QWidget* content) {
  auto* box = new QGroupBox(title);
  auto* layout = new QVBoxLayout(box);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addWidget(content);
  return box;
}

}  // namespace

TransactionsTab::TransactionsTab(QWidget* parent) : QWidget(parent) {
  idField_ = new QLineEdit;
  idField_->setPlaceholderText(tr("transaction id (or a unique prefix)"));
  auto* inspectButton = new QPushButton(tr("Inspect"));
  auto* top = new QHBoxLayout;
  top->addWidget(new QLabel(tr("Transaction:")));
  top->addWidget(idField_, 1);
  top->addWidget(inspectButton);

  summary_ = new QLabel(tr("Pick a transaction in the Blocks tab, or enter its id."));
  summary_->setWordWrap(true);
  summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  proposal_ = MakeTable({tr("Field"), tr("Value")});
  endorsements_ = MakeTable({tr("Org"), tr("Signature"), tr("Endorser")});
  reads_ = MakeTable({tr("Namespace"), tr("Key"), tr("Version read"), tr("Range")});
  writes_ = MakeTable({tr("Namespace"), tr("Key"), tr("Value")});
  explanation_ = new QTextBrowser;
  explanation_->setOpenLinks(false);

  auto* left = new QSplitter(Qt::Vertical);
  left->addWidget(Boxed(tr("Proposal"), proposal_));
  left->addWidget(Boxed(tr("Endorsements"), endorsements_));
  auto* middle = new QSplitter(Qt::Vertical);
  middle->addWidget(Boxed(tr("Reads"), reads_));
  middle->addWidget(Boxed(tr("Writes"), writes_));
  auto* columns = new QSplitter(Qt::Horizontal);
  columns->addWidget(left);
  columns->addWidget(middle);
  columns->addWidget(Boxed(tr("Validation"), explanation_));

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addWidget(summary_);
  layout->addWidget(columns, 1);

  auto ask = [this] {
    const QString id = idField_->text().trimmed();
    if (!id.isEmpty()) emit inspectRequested(id, {});
  };
  connect(inspectButton, &QPushButton::clicked, this, ask);
  connect(idField_, &QLineEdit::returnPressed, this, ask);
  // The writer link of an MVCC explanation selects the writer transaction.
  connect(explanation_, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
    if (url.scheme() == QLatin1String("tx")) inspect(url.path(), detail_.channel);
  });
}

void TransactionsTab::inspect(const QString& txId, const QString& channel) {
  idField_->setText(txId);
  summary_->setText(tr("Fetching %1…").arg(txId));
  emit inspectRequested(txId, channel);
}

void TransactionsTab::showError(const QString& txId, const QString& error) {
  summary_->setText(tr("%1: %2").arg(txId, error));
}

QString TransactionsTab::explanationText() const {
  return explanation_->toPlainText();
}

void TransactionsTab::showDetail(const controller::TxDetail& detail) {
  detail_ = detail;
  idField_->setText(detail.txId);
  const bool valid = detail.validationCode == 0;
  summary_->setText(
      tr("<b>%1</b> — block %2, tx %3 of channel %4 — <span style=\"color:%5\"><b>%6</b></span>")
          .arg(detail.txId)
          .arg(detail.blockNumber)
          .arg(detail.index)
          .arg(detail.channel, widgets::ValidationColor(valid).name(), detail.validationCodeName));

  proposal_->setRowCount(0);
  AddRow(proposal_, {tr("Type"), detail.type});
  AddRow(proposal_, {tr("Time"), detail.timestamp});
  AddRow(proposal_, {tr("Creator"), detail.creatorMspid + QStringLiteral(" — ") + detail.creatorSubject});
  AddRow(proposal_, {tr("Chaincode"), detail.chaincode + QStringLiteral(" ") + detail.chaincodeVersion});
  AddRow(proposal_, {tr("Function"), detail.function});
  for (int i = 0; i < detail.args.size(); ++i) AddRow(proposal_, {tr("Arg %1").arg(i + 1), detail.args[i]});
  if (!detail.decodeError.isEmpty()) AddRow(proposal_, {tr("Decode error"), detail.decodeError});

  endorsements_->setRowCount(0);
  for (const controller::EndorsementRow& endorsement : detail.endorsements) {
    AddRow(endorsements_, {endorsement.mspid,
                           endorsement.signatureValid ? tr("valid") : tr("bad: %1").arg(endorsement.problem),
                           endorsement.subject});
  }
  reads_->setRowCount(0);
  for (const controller::ReadRow& read : detail.reads)
    AddRow(reads_, {read.ns, read.key, read.version, read.range});
  writes_->setRowCount(0);
  for (const controller::WriteRow& write : detail.writes) {
    AddRow(writes_, {write.ns, write.key, write.isDelete ? tr("(deleted)") : write.value});
  }
  for (QTableWidget* table : {proposal_, endorsements_, reads_, writes_}) table->resizeColumnsToContents();

  QString html;
  if (valid) {
    html = tr("<p><b>VALID</b>: the endorsements satisfied the policy and every read was still current.</p>");
  } else {
    html = tr("<p><b>%1</b>: %2</p>").arg(detail.validationCodeName, detail.meaning.toHtmlEscaped());
    if (!detail.summary.isEmpty()) html += QStringLiteral("<p>%1</p>").arg(detail.summary.toHtmlEscaped());
    if (detail.hasReadConflict) {
      html += tr("<p>Key <b>%1</b> (namespace %2): read at version %3, found at version %4.</p>")
                  .arg(detail.conflictKey.toHtmlEscaped(), detail.conflictNamespace.toHtmlEscaped(),
                       detail.versionRead, detail.versionFound);
      if (!detail.writerTxId.isEmpty()) {
        html += tr("<p>Written by <a href=\"tx:%1\">%1</a> in block %2.</p>")
                    .arg(detail.writerTxId.toHtmlEscaped())
                    .arg(detail.writerBlock);
      }
    }
    for (const QString& fact : detail.facts) html += QStringLiteral("<p>• %1</p>").arg(fact.toHtmlEscaped());
  }
  explanation_->setHtml(html);
}

}  // namespace loom::ui
