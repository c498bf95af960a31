// WorkerPool: a fixed set of threads running posted tasks in FIFO order, so
// gRPC reactions hand CPU work (signature checks, block reads) off instead of
// doing it on gRPC's threads. Thread-safe. The destructor runs every task
// already posted, then joins; Post after that is refused.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace loom::util {

class WorkerPool {
 public:
  // `threads` == 0: one per hardware thread.
  explicit WorkerPool(size_t threads = 0);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // False (and the task is dropped) once the pool is shutting down.
  bool Post(std::function<void()> task);
  size_t size() const { return threads_.size(); }

 private:
  void Run();

  std::mutex mutex_;
  std::condition_variable wakeup_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace loom::util
