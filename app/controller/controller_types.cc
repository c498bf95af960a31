#include "app/controller/controller_types.h"

namespace loom::controller {

QString ToString(NetworkState state) {
  switch (state) {
    case NetworkState::kStopped: return QStringLiteral("stopped");
    case NetworkState::kStarting: return QStringLiteral("starting");
    case NetworkState::kRunning: return QStringLiteral("running");
    case NetworkState::kStopping: return QStringLiteral("stopping");
  }
  return QStringLiteral("unknown");
}

}  // namespace loom::controller
