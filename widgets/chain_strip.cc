#include "widgets/chain_strip.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

#include "widgets/state_colors.h"

namespace loom::widgets {

namespace {

constexpr int kMargin = 8;
constexpr int kBoxWidth = 104;
constexpr int kBoxHeight = 72;
constexpr int kGap = 28;  // room for the hash-link arrow
constexpr int kBarHeight = 8;

}  // namespace

ChainStrip::ChainStrip(QWidget* parent) : QWidget(parent) {
  setSizePolicy(QSizePolicy::Minimum, QSizePolicy::Fixed);
  setMouseTracking(false);
}

void ChainStrip::setBlocks(const QVector<Block>& blocks) {
  blocks_ = blocks;
  if (selected_ >= blocks_.size()) selected_ = -1;
  updateGeometry();
  update();
}

void ChainStrip::appendBlocks(const QVector<Block>& blocks) {
  blocks_ += blocks;
  updateGeometry();
  update();
}

void ChainStrip::clear() {
  setBlocks({});
}

QRect ChainStrip::blockRect(int index) const {
  if (index < 0 || index >= blocks_.size()) return {};
  return QRect(kMargin + index * (kBoxWidth + kGap), kMargin, kBoxWidth, kBoxHeight);
}

int ChainStrip::blockAt(const QPoint& point) const {
  if (point.y() < kMargin || point.y() >= kMargin + kBoxHeight || point.x() < kMargin) return -1;
  const int index = (point.x() - kMargin) / (kBoxWidth + kGap);
  return blockRect(index).contains(point) ? index : -1;
}

void ChainStrip::setSelectedIndex(int index) {
  selected_ = (index >= 0 && index < blocks_.size()) ? index : -1;
  update();
}

QSize ChainStrip::sizeHint() const {
  const int count = std::max<int>(1, static_cast<int>(blocks_.size()));
  return QSize(2 * kMargin + count * kBoxWidth + (count - 1) * kGap, 2 * kMargin + kBoxHeight);
}

QSize ChainStrip::minimumSizeHint() const {
  return sizeHint();
}

void ChainStrip::paintEvent(QPaintEvent* /*event*/) {
  QPainter painter(this);
  painter.setRenderHint(QPainter::Antialiasing);
  const QPalette& pal = palette();
  painter.fillRect(rect(), pal.window());
  const QFontMetrics metrics(font());
  for (int i = 0; i < blocks_.size(); ++i) {
    const Block& block = blocks_[i];
    const QRect box = blockRect(i);
    const bool selected = i == selected_;
    QPainterPath outline;
    outline.addRoundedRect(QRectF(box).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6);
    painter.fillPath(outline, selected ? pal.highlight() : pal.base());
    painter.setPen(QPen(selected ? pal.highlight().color() : pal.mid().color(), 1.0));
    painter.drawPath(outline);

    const QColor textColor = selected ? pal.highlightedText().color() : pal.text().color();
    painter.setPen(textColor);
    QFont bold = font();
    bold.setBold(true);
    painter.setFont(bold);
    painter.drawText(box.adjusted(8, 6, -8, 0), Qt::AlignLeft | Qt::AlignTop,
                     QStringLiteral("#%1").arg(block.number));
    painter.setFont(font());
    painter.drawText(
        box.adjusted(8, 6 + metrics.height(), -8, 0), Qt::AlignLeft | Qt::AlignTop,
        block.txCount == 1 ? QStringLiteral("1 tx") : QStringLiteral("%1 txs").arg(block.txCount));
    painter.drawText(box.adjusted(8, 6 + 2 * metrics.height(), -8, 0), Qt::AlignLeft | Qt::AlignTop,
                     metrics.elidedText(block.hash.left(10), Qt::ElideRight, kBoxWidth - 16));

    // The valid / invalid split of the block's transactions.
    const QRect bar(box.left() + 8, box.bottom() - kBarHeight - 5, box.width() - 16, kBarHeight);
    const int total = block.validCount + block.invalidCount;
    if (total > 0) {
      const int validWidth = bar.width() * block.validCount / total;
      painter.fillRect(QRect(bar.left(), bar.top(), validWidth, bar.height()), ValidationColor(true));
      painter.fillRect(QRect(bar.left() + validWidth, bar.top(), bar.width() - validWidth, bar.height()),
                       ValidationColor(false));
    } else {
      painter.fillRect(bar, pal.mid());
    }

    // The hash link: this block names the previous block's hash.
    if (i > 0) {
      const int y = box.center().y();
      const int from = box.left() - kGap + 4;
      const int to = box.left() - 4;
      painter.setPen(QPen(pal.text().color(), 1.5));
      painter.drawLine(to, y, from, y);
      QPainterPath head;
      head.moveTo(from, y);
      head.lineTo(from + 7, y - 4);
      head.lineTo(from + 7, y + 4);
      head.closeSubpath();
      painter.fillPath(head, pal.text());
    }
  }
}

void ChainStrip::mousePressEvent(QMouseEvent* event) {
  const int index = blockAt(event->position().toPoint());
  if (index < 0) return;
  setSelectedIndex(index);
  emit blockClicked(blocks_[index].number);
}

}  // namespace loom::widgets
