#include "widgets/validation_badge_delegate.h"

#include <QPainter>
#include <QPainterPath>

#include "widgets/state_colors.h"

namespace loom::widgets {

namespace {
constexpr int kPadding = 6;
}

void ValidationBadgeDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                                    const QModelIndex& index) const {
  const QString code = index.data(Qt::DisplayRole).toString();
  if (code.isEmpty()) {
    QStyledItemDelegate::paint(painter, option, index);
    return;
  }
  // The row's selection background first, then the badge over it.
  QStyleOptionViewItem background = option;
  initStyleOption(&background, index);
  background.text.clear();
  QStyledItemDelegate::paint(painter, background, QModelIndex());
  if (option.state & QStyle::State_Selected) painter->fillRect(option.rect, option.palette.highlight());

  const QFontMetrics metrics(option.font);
  const int width = std::min(metrics.horizontalAdvance(code) + 2 * kPadding, option.rect.width() - 4);
  const QRect badge(option.rect.left() + 2, option.rect.center().y() - metrics.height() / 2 - 1, width,
                    metrics.height() + 2);
  painter->save();
  painter->setRenderHint(QPainter::Antialiasing);
  QPainterPath path;
  path.addRoundedRect(QRectF(badge), 4, 4);
  painter->fillPath(path, ValidationColor(code == QLatin1String("VALID")));
  painter->setPen(Qt::white);
  painter->setFont(option.font);
  painter->drawText(badge, Qt::AlignCenter, metrics.elidedText(code, Qt::ElideRight, badge.width() - 4));
  painter->restore();
}

QSize ValidationBadgeDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const {
  const QFontMetrics metrics(option.font);
  QSize size = QStyledItemDelegate::sizeHint(option, index);
  size.setWidth(metrics.horizontalAdvance(index.data(Qt::DisplayRole).toString()) + 2 * kPadding + 4);
  return size;
}

}  // namespace loom::widgets
