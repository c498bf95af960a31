#include "ui/blocks_model.h"

#include <QBrush>

#include "widgets/state_colors.h"

namespace loom::ui {

namespace {
const QVector<controller::BlockRow> kNoBlocks;
}

BlocksModel::BlocksModel(QObject* parent) : QAbstractTableModel(parent) {}

void BlocksModel::setChannel(const QString& channel) {
  beginResetModel();
  channel_ = channel;
  endResetModel();
}

void BlocksModel::clear() {
  beginResetModel();
  byChannel_.clear();
  codeByTx_.clear();
  endResetModel();
}

const QVector<controller::BlockRow>& BlocksModel::blocks() const {
  auto it = byChannel_.constFind(channel_);
  return it == byChannel_.constEnd() ? kNoBlocks : *it;
}

int BlocksModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(blocks().size());
}

int BlocksModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

const controller::BlockRow* BlocksModel::blockAt(int row) const {
  const QVector<controller::BlockRow>& rows = blocks();
  return row >= 0 && row < rows.size() ? &rows[row] : nullptr;
}

int BlocksModel::rowOfBlock(qulonglong number) const {
  const QVector<controller::BlockRow>& rows = blocks();
  for (int i = 0; i < rows.size(); ++i) {
    if (rows[i].number == number) return i;
  }
  return -1;
}

QString BlocksModel::validationCodeOf(const QString& txId) const {
  return codeByTx_.value(txId);
}

QVariant BlocksModel::data(const QModelIndex& index, int role) const {
  const controller::BlockRow* block = blockAt(index.row());
  if (block == nullptr) return {};
  if (role == Qt::DisplayRole) {
    switch (index.column()) {
      case kNumber: return block->number;
      case kTxs: return block->txCount;
      case kValid: return block->validCount;
      case kInvalid: return block->invalidCount;
      case kHash: return block->hash;
    }
  }
  if (role == Qt::ForegroundRole && index.column() == kInvalid && block->invalidCount > 0) {
    return QBrush(widgets::ValidationColor(false));
  }
  return {};
}

QVariant BlocksModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  static const char* const kNames[] = {"Block", "Txs", "Valid", "Invalid", "Hash"};
  return section >= 0 && section < kColumnCount ? tr(kNames[section]) : QVariant();
}

void BlocksModel::addBlocks(const QString& channel, const QVector<controller::BlockRow>& blocks) {
  QVector<controller::BlockRow>& rows = byChannel_[channel];
  QVector<controller::BlockRow> fresh;
  for (const controller::BlockRow& block : blocks) {
    if (!rows.isEmpty() && block.number <= rows.back().number) continue;  // already known
    fresh.push_back(block);
    for (const controller::BlockTxRow& tx : block.txs) codeByTx_.insert(tx.txId, tx.validationCodeName);
  }
  if (fresh.isEmpty()) return;
  const bool shown = channel == channel_;
  if (shown)
    beginInsertRows({}, static_cast<int>(rows.size()), static_cast<int>(rows.size() + fresh.size() - 1));
  rows += fresh;
  if (shown) endInsertRows();
  emit blocksAdded(channel);
}

BlockTxModel::BlockTxModel(QObject* parent) : QAbstractTableModel(parent) {}

void BlockTxModel::setBlock(const controller::BlockRow& block) {
  block_ = block;
  rebuild();
}

void BlockTxModel::setInvalidOnly(bool invalidOnly) {
  invalidOnly_ = invalidOnly;
  rebuild();
}

void BlockTxModel::rebuild() {
  beginResetModel();
  shown_.clear();
  for (const controller::BlockTxRow& tx : block_.txs) {
    if (!invalidOnly_ || tx.validationCode != 0) shown_.push_back(tx);
  }
  endResetModel();
}

const controller::BlockTxRow* BlockTxModel::txAt(int row) const {
  return row >= 0 && row < shown_.size() ? &shown_[row] : nullptr;
}

int BlockTxModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(shown_.size());
}

int BlockTxModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

QVariant BlockTxModel::data(const QModelIndex& index, int role) const {
  const controller::BlockTxRow* tx = txAt(index.row());
  if (tx == nullptr) return {};
  if (role == Qt::DisplayRole) {
    switch (index.column()) {
      case kIndex: return tx->index;
      case kCode: return tx->validationCodeName;
      case kTxId: return tx->txId;
      case kChaincode: return tx->chaincode;
      case kFunction: return tx->function;
      case kCreator: return tx->creatorMspid;
    }
  }
  if (role == Qt::ToolTipRole && index.column() == kTxId) return tx->txId;
  return {};
}

QVariant BlockTxModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  static const char* const kNames[] = {"#", "Validation", "Transaction", "Chaincode", "Function", "Creator"};
  return section >= 0 && section < kColumnCount ? tr(kNames[section]) : QVariant();
}

}  // namespace loom::ui
