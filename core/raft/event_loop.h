// EventLoop: one libuv loop running on its own thread.
//
// Everything that touches libraft or the uv handles of this loop runs on the
// loop thread (which blocks SIGPIPE, so writes to closed sockets fail with
// EPIPE instead of killing the process): other threads hand work over with Post (fire and forget) or
// RunSync (wait until it ran). Tasks run in FIFO order.
//
// Shutdown: the owners of handles on this loop close them first (raft_close,
// ClusterTransport::Close), then Stop() runs the tasks still queued, closes
// the loop's own wake-up handle, lets every handle already being closed
// finish, and joins the thread. A handle still open at that point keeps the
// loop alive; Stop() reports it on stderr and waits for it.
#pragma once

#include <uv.h>

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/util/status.h"

namespace loom::raft {

class EventLoop {
 public:
  // Starts the loop thread; `name` names the thread (first 15 bytes).
  static Result<std::unique_ptr<EventLoop>> Start(std::string name);
  ~EventLoop();  // Stop()

  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  uv_loop_t* loop() { return &loop_; }
  const std::string& name() const { return name_; }
  // Thread-safe.
  bool InLoopThread() const { return std::this_thread::get_id() == loop_thread_id_.load(); }

  // Queues `task` to run on the loop thread (FIFO, thread-safe, wakes the
  // loop). False, and `task` is dropped, once Stop() began.
  bool Post(std::function<void()> task);

  // Posts `task` and waits until it ran. On the loop thread it runs `task`
  // inline instead. False (task not run) once Stop() began.
  bool RunSync(std::function<void()> task);

  // Runs the remaining tasks, closes the loop's own handles, lets handles
  // being closed by their owners finish, joins the thread and closes the
  // loop. Idempotent; must not be called on the loop thread (it then only
  // reports the misuse and returns).
  void Stop();

 private:
  explicit EventLoop(std::string name) : name_(std::move(name)) {}
  void ThreadMain();
  void RunQueuedTasks();  // loop thread

  static void OnWake(uv_async_t* handle);

  const std::string name_;
  uv_loop_t loop_{};
  uv_async_t wake_{};
  std::thread thread_;
  std::atomic<std::thread::id> loop_thread_id_{};

  std::mutex mutex_;
  std::deque<std::function<void()>> tasks_;  // guarded by mutex_
  bool stopping_ = false;                    // guarded by mutex_; no Post accepted once set
  std::mutex stop_mutex_;                    // serializes Stop()
  bool joined_ = false;                      // guarded by stop_mutex_
};

}  // namespace loom::raft
