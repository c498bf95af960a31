// Paints a validation code ("VALID", "MVCC_READ_CONFLICT", ...) as a badge:
// white text on a rounded green (VALID) or red (any other code) box. For
// the validation column of transaction tables. GUI thread only.
#pragma once

#include <QStyledItemDelegate>

namespace loom::widgets {

class ValidationBadgeDelegate : public QStyledItemDelegate {
  Q_OBJECT

 public:
  using QStyledItemDelegate::QStyledItemDelegate;

  void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
  QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

}  // namespace loom::widgets
