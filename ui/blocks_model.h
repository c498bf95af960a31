// Item models of the Blocks tab: BlocksModel lists a channel's blocks as the
// controller delivers them (blocksArrived); BlockTxModel lists one block's
// transactions, optionally the invalid ones only. Plain Qt models over the
// controller's value types; GUI thread only.
#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QVector>

#include "app/controller/controller_types.h"

namespace loom::ui {

class BlocksModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { kNumber, kTxs, kValid, kInvalid, kHash, kColumnCount };

  explicit BlocksModel(QObject* parent = nullptr);

  // The channel shown; blocks of other channels are kept but not listed.
  void setChannel(const QString& channel);
  QString channel() const { return channel_; }
  void clear();

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

  // Block of row `row` of the shown channel; nullptr when out of range.
  const controller::BlockRow* blockAt(int row) const;
  int rowOfBlock(qulonglong number) const;
  const QVector<controller::BlockRow>& blocks() const;
  // The validation code name of `txId` in any channel's blocks, "" if unseen.
  QString validationCodeOf(const QString& txId) const;

 public slots:
  void addBlocks(const QString& channel, const QVector<loom::controller::BlockRow>& blocks);

 signals:
  void blocksAdded(const QString& channel);

 private:
  QString channel_;
  QHash<QString, QVector<controller::BlockRow>> byChannel_;
  QHash<QString, QString> codeByTx_;
};

class BlockTxModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { kIndex, kCode, kTxId, kChaincode, kFunction, kCreator, kColumnCount };

  explicit BlockTxModel(QObject* parent = nullptr);

  void setBlock(const controller::BlockRow& block);
  void setInvalidOnly(bool invalidOnly);
  bool invalidOnly() const { return invalidOnly_; }
  const controller::BlockTxRow* txAt(int row) const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  void rebuild();

  controller::BlockRow block_;
  QVector<controller::BlockTxRow> shown_;
  bool invalidOnly_ = false;
};

}  // namespace loom::ui
