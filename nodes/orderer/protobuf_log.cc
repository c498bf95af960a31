#include "nodes/orderer/protobuf_log.h"

#include <atomic>
#include <chrono>
#include <string>

namespace loom::orderer {
namespace {

std::atomic<ProtobufLogRouting*> active_routing{nullptr};

void Handler(google::protobuf::LogLevel level, const char* file, int line, const std::string& message) {
  if (ProtobufLogRouting* routing = active_routing.load()) routing->Route(level, file, line, message);
}

const char* LevelName(int level) {
  switch (level) {
    case google::protobuf::LOGLEVEL_INFO: return "INFO";
    case google::protobuf::LOGLEVEL_WARNING: return "WARNING";
    case google::protobuf::LOGLEVEL_ERROR: return "ERROR";
    default: return "FATAL";
  }
}

std::string SuppressedLine(uint64_t dropped) {
  return "libprotobuf: suppressed " + std::to_string(dropped) + " similar message" +
         (dropped == 1 ? "" : "s");
}

}  // namespace

ProtobufLogRouting::ProtobufLogRouting(nodes::NodeLog* log, uint32_t max_lines_per_second)
    : log_(log), limiter_(max_lines_per_second, std::chrono::seconds(1)) {
  active_routing.store(this);
  previous_handler_ = google::protobuf::SetLogHandler(&Handler);
}

ProtobufLogRouting::~ProtobufLogRouting() {
  google::protobuf::SetLogHandler(previous_handler_);
  active_routing.store(nullptr);
  if (uint64_t dropped = limiter_.TakeDropped()) log_->Write(SuppressedLine(dropped));
}

void ProtobufLogRouting::Route(int level, const char* file, int line, const std::string& message) {
  // A FATAL line comes right before libprotobuf aborts: never drop it.
  LineRateLimiter::Decision decision{true, 0};
  if (level != google::protobuf::LOGLEVEL_FATAL) decision = limiter_.Admit(std::chrono::steady_clock::now());
  if (!decision.emit) return;
  if (decision.dropped > 0) log_->Write(SuppressedLine(decision.dropped));
  log_->Write(std::string("libprotobuf ") + LevelName(level) + " " + file + ":" + std::to_string(line) +
              ": " + message);
}

}  // namespace loom::orderer
