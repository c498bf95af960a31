#include "core/validator/update_batch.h"

namespace loom::validator {
namespace {

UpdateBatch::KeyUpdates::iterator Slot(
    std::map<std::string, UpdateBatch::KeyUpdates, std::less<>>* namespaces, std::string_view ns,
    std::string_view key) {
  auto ns_it = namespaces->find(ns);
  if (ns_it == namespaces->end())
    ns_it = namespaces->emplace(std::string(ns), UpdateBatch::KeyUpdates()).first;
  auto key_it = ns_it->second.find(key);
  if (key_it == ns_it->second.end()) key_it = ns_it->second.emplace(std::string(key), StateUpdate()).first;
  return key_it;
}

}  // namespace

void UpdateBatch::Put(std::string_view ns, std::string_view key, std::string_view value,
                      const ledger::Version& version) {
  Slot(&namespaces_, ns, key)->second = StateUpdate{std::string(value), false, version};
}

void UpdateBatch::Delete(std::string_view ns, std::string_view key, const ledger::Version& version) {
  Slot(&namespaces_, ns, key)->second = StateUpdate{std::string(), true, version};
}

const StateUpdate* UpdateBatch::Find(std::string_view ns, std::string_view key) const {
  auto ns_it = namespaces_.find(ns);
  if (ns_it == namespaces_.end()) return nullptr;
  auto key_it = ns_it->second.find(key);
  return key_it == ns_it->second.end() ? nullptr : &key_it->second;
}

const UpdateBatch::KeyUpdates& UpdateBatch::Namespace(std::string_view ns) const {
  static const KeyUpdates kNone;
  auto ns_it = namespaces_.find(ns);
  return ns_it == namespaces_.end() ? kNone : ns_it->second;
}

}  // namespace loom::validator
