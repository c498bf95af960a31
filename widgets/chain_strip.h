// ChainStrip: a channel's chain as a row of boxes, one per block — its
// number, transaction count and a valid/invalid split bar — joined by the
// hash-link arrows (each block names its predecessor's hash). Clicking a
// box selects it (blockClicked). Colours come from the widget's palette
// except the valid/invalid split (state_colors.h).
//
// The widget is as wide as its blocks (put it in a QScrollArea); blockAt and
// blockRect expose the geometry for hit tests. GUI thread only.
#pragma once

#include <QPoint>
#include <QRect>
#include <QString>
#include <QVector>
#include <QWidget>

namespace loom::widgets {

class ChainStrip : public QWidget {
  Q_OBJECT

 public:
  struct Block {
    qulonglong number = 0;
    int txCount = 0;
    int validCount = 0;
    int invalidCount = 0;
    QString hash;  // hex; the box shows its first characters
  };

  explicit ChainStrip(QWidget* parent = nullptr);

  void setBlocks(const QVector<Block>& blocks);
  void appendBlocks(const QVector<Block>& blocks);
  void clear();
  const QVector<Block>& blocks() const { return blocks_; }

  // The index of the block under `point` (widget coordinates), or -1.
  int blockAt(const QPoint& point) const;
  // The box of block `index` (widget coordinates); empty when out of range.
  QRect blockRect(int index) const;
  int selectedIndex() const { return selected_; }
  void setSelectedIndex(int index);

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

 signals:
  void blockClicked(qulonglong number);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;

 private:
  QVector<Block> blocks_;
  int selected_ = -1;
};

}  // namespace loom::widgets
