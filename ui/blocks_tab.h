// The Blocks tab: a channel picker, the chain strip (widgets/chain_strip.h)
// and the selected block's view — header hashes and its transactions with
// validation codes, optionally invalid only. Activating a transaction asks
// to inspect it (txActivated). Reads BlocksModel; GUI thread only.
#pragma once

#include <QWidget>

#include "ui/blocks_model.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QScrollArea;
class QTableView;

namespace loom::widgets {
class ChainStrip;
}

namespace loom::ui {

class BlocksTab : public QWidget {
  Q_OBJECT

 public:
  explicit BlocksTab(BlocksModel* blocks, QWidget* parent = nullptr);

  void setChannels(const QStringList& channels);
  // Shows block `number` of the current channel (when known).
  void selectBlock(qulonglong number);
  widgets::ChainStrip* chainStrip() const { return strip_; }
  BlockTxModel* txModel() const { return txModel_; }

 signals:
  void txActivated(const QString& txId, const QString& channel);

 private:
  void onBlocksAdded(const QString& channel);
  void reloadStrip();
  void showBlock(int row);

  BlocksModel* blocks_;
  BlockTxModel* txModel_;
  QComboBox* channelPicker_;
  widgets::ChainStrip* strip_;
  QScrollArea* stripScroll_;
  QLabel* header_;
  QCheckBox* invalidOnly_;
  QTableView* txView_;
  int shownRow_ = -1;
};

}  // namespace loom::ui
