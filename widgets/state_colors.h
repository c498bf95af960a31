// The few colours Loom does not take from the desktop palette: node states
// and validation results. Each is mid-saturated so it reads on light and on
// dark palettes alike.
#pragma once

#include <QColor>
#include <QString>

namespace loom::widgets {

// "running" green, "paused" amber, "unhealthy" and "exited" (down while its
// network runs) red, "planned" (not started) blue-grey; "stopped" and
// anything else grey.
QColor StateColor(const QString& state);
// VALID green, anything else red.
QColor ValidationColor(bool valid);

}  // namespace loom::widgets
