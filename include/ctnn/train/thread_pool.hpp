// ThreadPool: the threads fit and predict share their work between (the
// `threads` options). run(tasks, f) calls f(t) once for each t in [0, tasks)
// on the pool's threads, the caller's included, and returns when every call
// has returned. Which thread runs which task is left to chance, so callers
// make each task write only its own outputs: that is how training gives the
// same bits for any thread count (train/backprop.hpp). f must not throw.
//
// A pool of one thread runs the tasks in order on the caller and starts no
// thread. The workers sleep on a condition variable between runs; a run costs
// a lock, a wake-up and a wait, a few microseconds, so the callers hand it
// tasks of at least tens of microseconds (a chunk of a batch through a layer).
#pragma once

#include <cstddef>
#include <type_traits>

#include "../io/detail/linkage.hpp"

namespace ctnn::detail {

// f(t) for a task t, through f's address: the one place f's body is compiled,
// whether a pool's thread or the caller's loop runs it (run_chunks). Not
// inlined, so that the training pass's kernels, which are the bodies of such
// f, are not compiled twice (once for the pool, once inlined into the loop
// without one: clang spent as long optimizing those copies as the pass).
template <class F>
[[gnu::noinline]] void call_task(void* f, std::size_t t) noexcept {
    (*static_cast<F*>(f))(t);
}

class ThreadPool {
public:
    // threads: how many threads run tasks, the caller's included; 0 for one
    // per core (std::thread::hardware_concurrency(), at least 1).
    explicit ThreadPool(std::size_t threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    std::size_t size() const noexcept;

    template <class F>
    void run(std::size_t tasks, F&& f) noexcept {
        run_tasks(tasks, &call_task<std::remove_reference_t<F>>, static_cast<void*>(&f));
    }

private:
    void run_tasks(std::size_t tasks, void (*call)(void*, std::size_t), void* context) noexcept;

    void stop() noexcept;  // joins the workers and frees them

    struct Workers;  // train/impl/thread_pool.ipp: the threads and what they share
    // Owned (stop() deletes it); null for one thread. Not a unique_ptr:
    // <memory> brings <ostream> into every translation unit that trains.
    Workers* workers_ = nullptr;
    std::size_t size_;
};

// f(t) for each t in [0, tasks): on pool's threads, or in order on the
// caller's when pool is null; either way through call_task<F>.
template <class F>
void run_chunks(ThreadPool* pool, std::size_t tasks, F& f) noexcept {
    if (pool != nullptr) pool->run(tasks, f);
    else for (std::size_t t = 0; t < tasks; ++t) call_task<F>(&f, t);
}

}  // namespace ctnn::detail

#ifndef CTNN_COMPILED_LIB
#include "impl/thread_pool.ipp"
#endif
