// Definitions of train/thread_pool.hpp (see io/detail/linkage.hpp).
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "../thread_pool.hpp"

namespace ctnn::detail {

// What the caller and the workers share. A run publishes call, context and
// tasks under the mutex and bumps the generation; each worker, woken, takes
// task numbers from `next` until they run out and then counts itself out of
// `busy`. The caller takes tasks too and returns only when busy is 0, so no
// worker still reads a run's fields when the next run writes them.
struct ThreadPool::Workers {
    std::mutex mutex;
    std::condition_variable wake, finished;
    std::uint64_t generation = 0;
    bool stopping = false;
    void (*call)(void*, std::size_t) = nullptr;
    void* context = nullptr;
    std::size_t tasks = 0;
    std::size_t busy = 0;
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> threads;

    void drain() noexcept {
        for (std::size_t t = next.fetch_add(1); t < tasks; t = next.fetch_add(1)) call(context, t);
    }

    void work() noexcept {
        std::uint64_t seen = 0;
        for (;;) {
            {
                std::unique_lock lock(mutex);
                wake.wait(lock, [&] { return stopping || generation != seen; });
                if (stopping) return;
                seen = generation;
            }
            drain();
            std::lock_guard lock(mutex);
            if (--busy == 0) finished.notify_one();
        }
    }
};

CTNN_HOST_INLINE ThreadPool::ThreadPool(std::size_t threads)
    : size_(threads != 0 ? threads : std::max<std::size_t>(1, std::thread::hardware_concurrency())) {
    if (size_ == 1) return;
    workers_ = new Workers();
    try {
        workers_->threads.reserve(size_ - 1);
        for (std::size_t k = 1; k < size_; ++k) workers_->threads.emplace_back([w = workers_] { w->work(); });
    } catch (...) {  // no thread for the rest: stop the ones started, then report
        stop();
        throw;
    }
}

CTNN_HOST_INLINE ThreadPool::~ThreadPool() { stop(); }

CTNN_HOST_INLINE void ThreadPool::stop() noexcept {
    if (workers_ == nullptr) return;
    {
        std::lock_guard lock(workers_->mutex);
        workers_->stopping = true;
    }
    workers_->wake.notify_all();
    for (std::thread& t : workers_->threads) t.join();
    delete workers_;
    workers_ = nullptr;
}

CTNN_HOST_INLINE std::size_t ThreadPool::size() const noexcept { return size_; }

CTNN_HOST_INLINE void ThreadPool::run_tasks(std::size_t tasks, void (*call)(void*, std::size_t),
                                            void* context) noexcept {
    if (workers_ == nullptr || tasks <= 1) {
        for (std::size_t t = 0; t < tasks; ++t) call(context, t);
        return;
    }
    Workers& w = *workers_;
    {
        std::lock_guard lock(w.mutex);
        w.call = call, w.context = context, w.tasks = tasks;
        w.next.store(0);
        w.busy = w.threads.size();
        ++w.generation;
    }
    w.wake.notify_all();
    w.drain();
    std::unique_lock lock(w.mutex);
    w.finished.wait(lock, [&] { return w.busy == 0; });
}

}  // namespace ctnn::detail
