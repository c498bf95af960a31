// The raft_uv_transport of one channel, as libraft's uv backend uses it:
//  - init(id, address): our identity, written into every 'R' preamble;
//  - listen(accept_cb): incoming 'R' streams of the channel go to accept_cb,
//    which takes ownership (libraft uv_close()s and raft_free()s them);
//  - connect(req, id, address, cb): dial, write the preamble, then cb(req,
//    stream, 0) hands the stream over (same ownership rule), or cb(req, NULL,
//    RAFT_NOCONNECTION) on failure — always later, never inside connect();
//  - close(cb): no accept_cb any more, pending connects complete with
//    RAFT_CANCELED, then cb on a later loop turn.
#include <cstdio>

#include "core/raft/transport_core.h"

namespace loom::raft::internal {
namespace {

Group* GroupOf(raft_uv_transport* t) {
  return static_cast<Group*>(t->impl);
}

void SetError(raft_uv_transport* t, const std::string& message) {
  std::snprintf(t->errmsg, sizeof t->errmsg, "%s", message.c_str());
}

// Runs `fn` on a later loop turn; through the core when it still exists (so
// its Close waits for it), else on the bare loop.
void DeferOnGroup(Group* group, std::function<void()> fn) {
  if (group->core != nullptr) {
    group->core->Defer(std::move(fn));
    return;
  }
  struct Deferred {
    uv_timer_t timer;
    std::function<void()> fn;
  };
  auto* deferred = new Deferred{{}, std::move(fn)};
  uv_timer_init(group->loop, &deferred->timer);
  deferred->timer.data = deferred;
  uv_timer_start(
      &deferred->timer,
      [](uv_timer_t* timer) {
        auto* d = static_cast<Deferred*>(timer->data);
        d->fn();
        uv_close(reinterpret_cast<uv_handle_t*>(&d->timer),
                 [](uv_handle_t* handle) { delete static_cast<Deferred*>(handle->data); });
      },
      0, 0);
}

void MaybeFireCloseCallback(Group* group) {
  if (!group->close_requested || group->released || !group->connects.empty()) return;
  raft_uv_transport_close_cb callback = group->close_callback;
  group->close_callback = nullptr;
  group->released = true;
  if (callback != nullptr) callback(&group->transport);
}

int GroupInit(raft_uv_transport* t, raft_id id, const char* address) {
  Group* group = GroupOf(t);
  if (id == 0 || address == nullptr || address[0] == '\0') {
    SetError(t, "raft id and address must be set");
    return RAFT_INVALID;
  }
  group->self_id = id;
  group->self_address = address;
  return 0;
}

int GroupListen(raft_uv_transport* t, raft_uv_accept_cb callback) {
  Group* group = GroupOf(t);
  if (group->closed || group->core == nullptr) {
    SetError(t, "transport closed");
    return RAFT_CANCELED;
  }
  group->accept_callback = callback;
  return 0;
}

int GroupConnect(raft_uv_transport* t, raft_uv_connect* request, raft_id id, const char* address,
                 raft_uv_connect_cb callback) {
  Group* group = GroupOf(t);
  TransportCore* core = group->core;
  if (group->closed || core == nullptr || core->closing()) {
    SetError(t, "transport closed");
    return RAFT_NOCONNECTION;
  }
  Preamble preamble{StreamKind::kRaft, group->channel, group->self_id, group->self_address};
  auto encoded = EncodePreamble(preamble);
  if (!encoded.ok()) {
    SetError(t, encoded.status().message());
    return RAFT_INVALID;
  }
  auto* pending = new PendingConnect{group, request, callback};
  group->connects.insert(pending);
  core->Retain();
  std::string target = address;
  uint64_t peer_id = id;
  pending->dial = Dial::Start(
      core->loop(), target, *std::move(encoded), core->options().dial_timeout_ms,
      [pending, target, peer_id](uv_tcp_t* tcp, bool canceled, const std::string& error) {
        Group* group = pending->group;
        TransportCore* core = group->core;
        group->connects.erase(pending);
        if (tcp != nullptr && !group->closed) {
          pending->callback(pending->request, reinterpret_cast<uv_stream_t*>(tcp), 0);
        } else {
          if (tcp != nullptr) {
            uv_close(reinterpret_cast<uv_handle_t*>(tcp), [](uv_handle_t* handle) { raft_free(handle); });
          } else if (!canceled && !group->closed) {
            core->Log("channel " + group->channel + ": raft connection to " + std::to_string(peer_id) +
                      " at " + target + " failed: " + error);
          }
          pending->callback(pending->request, nullptr, group->closed ? RAFT_CANCELED : RAFT_NOCONNECTION);
        }
        delete pending;
        MaybeFireCloseCallback(group);
        core->Release();
      });
  return 0;
}

void GroupClose(raft_uv_transport* t, raft_uv_transport_close_cb callback) {
  Group* group = GroupOf(t);
  if (group->close_requested) {  // a second close: only its callback is new
    if (callback != nullptr && group->released) {
      DeferOnGroup(group, [group, callback] { callback(&group->transport); });
    } else if (callback != nullptr) {
      group->close_callback = callback;
    }
    return;
  }
  if (!group->closed) AbandonGroup(group);
  group->close_callback = callback;
  group->close_requested = true;
  if (group->connects.empty()) {
    // Later, never inside close(): libraft is still inside its own close.
    DeferOnGroup(group, [group] { MaybeFireCloseCallback(group); });
  }
}

}  // namespace

void InitGroupTransport(Group* group) {
  group->transport.impl = group;
  group->transport.init = &GroupInit;
  group->transport.listen = &GroupListen;
  group->transport.connect = &GroupConnect;
  group->transport.close = &GroupClose;
}

void ReleaseGroup(raft_uv_transport* transport) {
  if (transport == nullptr) return;
  GroupClose(transport, nullptr);
}

void AbandonGroup(Group* group) {
  group->closed = true;
  group->accept_callback = nullptr;
  if (group->core != nullptr) group->core->UnregisterGroup(group);
  for (PendingConnect* pending : group->connects) pending->dial->Cancel();
}

raft_uv_transport* TransportCore::AddGroup(const std::string& channel) {
  if (closing_) {
    Log("channel " + channel + ": no raft group added, the cluster transport is closing");
    return nullptr;
  }
  Preamble probe{StreamKind::kRaft, channel, 1, "x"};
  if (auto encoded = EncodePreamble(probe); !encoded.ok()) {
    Log("channel name rejected for a raft group: " + encoded.status().message());
    return nullptr;
  }
  if (open_groups_.count(channel) != 0) {
    Log("channel " + channel + ": a raft group is already open");
    return nullptr;
  }
  auto group = std::make_unique<Group>();
  group->core = this;
  group->loop = loop_;
  group->channel = channel;
  InitGroupTransport(group.get());
  Group* raw = group.get();
  groups_.push_back(std::move(group));
  open_groups_[channel] = raw;
  return &raw->transport;
}

void TransportCore::UnregisterGroup(Group* group) {
  auto it = open_groups_.find(group->channel);
  if (it != open_groups_.end() && it->second == group) open_groups_.erase(it);
}

Group* TransportCore::FindOpenGroup(const std::string& channel) const {
  auto it = open_groups_.find(channel);
  return it == open_groups_.end() ? nullptr : it->second;
}

}  // namespace loom::raft::internal
