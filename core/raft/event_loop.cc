#include "core/raft/event_loop.h"

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <future>

namespace loom::raft {

Result<std::unique_ptr<EventLoop>> EventLoop::Start(std::string name) {
  std::unique_ptr<EventLoop> event_loop(new EventLoop(std::move(name)));
  int rv = uv_loop_init(&event_loop->loop_);
  if (rv != 0) {
    return Status::Internal("event loop " + event_loop->name_ + ": uv_loop_init: " + uv_strerror(rv));
  }
  rv = uv_async_init(&event_loop->loop_, &event_loop->wake_, &EventLoop::OnWake);
  if (rv != 0) {
    uv_loop_close(&event_loop->loop_);
    return Status::Internal("event loop " + event_loop->name_ + ": uv_async_init: " + uv_strerror(rv));
  }
  event_loop->wake_.data = event_loop.get();

  // The loop thread id must be known before Start returns, so that
  // InLoopThread() is right from the first task on.
  std::promise<void> started;
  std::future<void> started_future = started.get_future();
  EventLoop* raw = event_loop.get();
  raw->thread_ = std::thread([raw, &started] {
    raw->loop_thread_id_.store(std::this_thread::get_id());
    started.set_value();
    raw->ThreadMain();
  });
  started_future.wait();
  return event_loop;
}

EventLoop::~EventLoop() {
  Stop();
}

void EventLoop::ThreadMain() {
  std::string thread_name = name_.substr(0, 15);
  pthread_setname_np(pthread_self(), thread_name.c_str());
  // A write to a socket the peer closed must fail with EPIPE, not kill the
  // process: libuv and libraft leave SIGPIPE to the application. Blocking it
  // on this thread (which does all the writes) is enough and leaves the
  // process-wide disposition alone.
  sigset_t pipe_only;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_only, nullptr);
  uv_run(&loop_, UV_RUN_DEFAULT);
}

bool EventLoop::Post(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return false;
    tasks_.push_back(std::move(task));
    // Sent under the lock: once Stop() began, the loop thread may close
    // `wake_` as soon as it sees an empty queue.
    uv_async_send(&wake_);
  }
  return true;
}

bool EventLoop::RunSync(std::function<void()> task) {
  if (InLoopThread()) {
    task();
    return true;
  }
  std::promise<void> done;
  std::future<void> done_future = done.get_future();
  bool posted = Post([&task, &done] {
    task();
    done.set_value();
  });
  if (!posted) return false;
  done_future.wait();
  return true;
}

void EventLoop::RunQueuedTasks() {
  // Take the queue in batches so that tasks posting tasks cannot starve the
  // rest of the loop; a task posted meanwhile re-arms the async handle.
  std::deque<std::function<void()>> batch;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    batch.swap(tasks_);
  }
  for (auto& task : batch) task();
}

void EventLoop::OnWake(uv_async_t* handle) {
  auto* self = static_cast<EventLoop*>(handle->data);
  self->RunQueuedTasks();
  {
    std::lock_guard<std::mutex> lock(self->mutex_);
    if (!self->stopping_ || !self->tasks_.empty()) return;
    if (uv_is_closing(reinterpret_cast<uv_handle_t*>(&self->wake_))) return;
    uv_close(reinterpret_cast<uv_handle_t*>(&self->wake_), nullptr);
  }
  {
    // Say which handles still keep the loop alive: their owners did not
    // close them, so Stop() will wait for them.
    uv_walk(
        &self->loop_,
        [](uv_handle_t* h, void* arg) {
          auto* loop_self = static_cast<EventLoop*>(arg);
          if (!uv_is_closing(h) && uv_is_active(h) && uv_has_ref(h)) {
            std::fprintf(stderr, "event loop %s: stopping with an open %s handle; waiting for its owner\n",
                         loop_self->name_.c_str(), uv_handle_type_name(h->type));
          }
        },
        self);
  }
}

void EventLoop::Stop() {
  if (InLoopThread()) {
    std::fprintf(stderr, "event loop %s: Stop() called on the loop thread; ignored\n", name_.c_str());
    return;
  }
  std::lock_guard<std::mutex> stop_lock(stop_mutex_);
  if (joined_) return;
  if (!thread_.joinable()) {  // Start() failed before the thread ran
    joined_ = true;
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    uv_async_send(&wake_);
  }
  if (thread_.joinable()) thread_.join();
  int rv = uv_loop_close(&loop_);
  if (rv != 0) {
    std::fprintf(stderr, "event loop %s: uv_loop_close: %s\n", name_.c_str(), uv_strerror(rv));
  }
  joined_ = true;
}

}  // namespace loom::raft
