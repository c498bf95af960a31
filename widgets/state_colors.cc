#include "widgets/state_colors.h"

namespace loom::widgets {

QColor StateColor(const QString& state) {
  if (state == QLatin1String("running")) return QColor(0x2e, 0xa0, 0x4f);
  if (state == QLatin1String("paused")) return QColor(0xd9, 0x93, 0x1a);
  if (state == QLatin1String("unhealthy") || state == QLatin1String("exited"))
    return QColor(0xd6, 0x45, 0x45);
  if (state == QLatin1String("planned")) return QColor(0x6b, 0x8b, 0xae);
  return QColor(0x8a, 0x8a, 0x8a);
}

QColor ValidationColor(bool valid) {
  return valid ? QColor(0x2e, 0xa0, 0x4f) : QColor(0xd6, 0x45, 0x45);
}

}  // namespace loom::widgets
