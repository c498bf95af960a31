#include "ui/blocks_tab.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <QTableView>
#include <QVBoxLayout>

#include "widgets/chain_strip.h"
#include "widgets/validation_badge_delegate.h"

namespace loom::ui {

namespace {

widgets::ChainStrip::Block StripBlockOf(const controller::BlockRow& row) {
  widgets::ChainStrip::Block block;
  block.number = row.number;
  block.txCount = row.txCount;
  block.validCount = row.validCount;
  block.invalidCount = row.invalidCount;
  block.hash = row.hash;
  return block;
}

}  // namespace

BlocksTab::BlocksTab(BlocksModel* blocks, QWidget* parent)
    : QWidget(parent), blocks_(blocks), txModel_(new BlockTxModel(this)) {
  channelPicker_ = new QComboBox;
  invalidOnly_ = new QCheckBox(tr("Invalid only"));
  auto* top = new QHBoxLayout;
  top->addWidget(new QLabel(tr("Channel:")));
  top->addWidget(channelPicker_);
  top->addStretch();
  top->addWidget(invalidOnly_);

  strip_ = new widgets::ChainStrip;
  stripScroll_ = new QScrollArea;
  stripScroll_->setWidget(strip_);
  stripScroll_->setWidgetResizable(false);
  stripScroll_->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  stripScroll_->setFixedHeight(strip_->sizeHint().height() +
                               stripScroll_->horizontalScrollBar()->sizeHint().height() + 4);

  header_ = new QLabel(tr("Select a block."));
  header_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  header_->setWordWrap(true);

  txView_ = new QTableView;
  txView_->setModel(txModel_);
  txView_->setSelectionBehavior(QAbstractItemView::SelectRows);
  txView_->setSelectionMode(QAbstractItemView::SingleSelection);
  txView_->horizontalHeader()->setStretchLastSection(true);
  txView_->verticalHeader()->hide();
  txView_->setItemDelegateForColumn(BlockTxModel::kCode, new widgets::ValidationBadgeDelegate(txView_));

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addWidget(stripScroll_);
  layout->addWidget(header_);
  layout->addWidget(txView_, 1);

  connect(channelPicker_, &QComboBox::currentTextChanged, this, [this](const QString& channel) {
    blocks_->setChannel(channel);
    reloadStrip();
  });
  connect(blocks_, &BlocksModel::blocksAdded, this, &BlocksTab::onBlocksAdded);
  connect(strip_, &widgets::ChainStrip::blockClicked, this, &BlocksTab::selectBlock);
  connect(invalidOnly_, &QCheckBox::toggled, txModel_, &BlockTxModel::setInvalidOnly);
  connect(txView_, &QTableView::activated, this, [this](const QModelIndex& index) {
    if (const controller::BlockTxRow* tx = txModel_->txAt(index.row()))
      emit txActivated(tx->txId, blocks_->channel());
  });
}

void BlocksTab::setChannels(const QStringList& channels) {
  channelPicker_->clear();
  channelPicker_->addItems(channels);
}

void BlocksTab::onBlocksAdded(const QString& channel) {
  if (channel != blocks_->channel()) return;
  const int before = static_cast<int>(strip_->blocks().size());
  const bool follow = shownRow_ < 0 || shownRow_ == before - 1;
  reloadStrip();
  if (follow) showBlock(blocks_->rowCount() - 1);  // follow the chain's head
  stripScroll_->horizontalScrollBar()->setValue(stripScroll_->horizontalScrollBar()->maximum());
}

void BlocksTab::reloadStrip() {
  QVector<widgets::ChainStrip::Block> stripBlocks;
  for (const controller::BlockRow& row : blocks_->blocks()) stripBlocks.push_back(StripBlockOf(row));
  strip_->setBlocks(stripBlocks);
  strip_->resize(strip_->sizeHint());
  if (shownRow_ >= blocks_->rowCount()) shownRow_ = -1;
  strip_->setSelectedIndex(shownRow_);
}

void BlocksTab::selectBlock(qulonglong number) {
  showBlock(blocks_->rowOfBlock(number));
}

void BlocksTab::showBlock(int row) {
  const controller::BlockRow* block = blocks_->blockAt(row);
  if (block == nullptr) return;
  shownRow_ = row;
  strip_->setSelectedIndex(row);
  header_->setText(tr("<b>Block %1</b> of %2 — %3 transactions (%4 valid, %5 invalid)<br>"
                      "hash <tt>%6</tt><br>previous <tt>%7</tt><br>data <tt>%8</tt>")
                       .arg(block->number)
                       .arg(block->channel)
                       .arg(block->txCount)
                       .arg(block->validCount)
                       .arg(block->invalidCount)
                       .arg(block->hash, block->previousHash, block->dataHash));
  txModel_->setBlock(*block);
  txView_->resizeColumnsToContents();
}

}  // namespace loom::ui
