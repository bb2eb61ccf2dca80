// compile() and Trainer: the one generic trainer, Keras' compile/fit/evaluate.
//
//   auto trainer = ctnn::compile(model, ctnn::Adam{}, ctnn::BinaryCrossentropy{}, ctnn::BinaryAccuracy{});
//   ctnn::History history = trainer.fit(train, {.batch_size = 32, .epochs = 10, .validation_data = &valid});
//   ctnn::Logs scores = trainer.evaluate(valid);   // scores["loss"], scores["binary_accuracy"]
//   auto outputs = trainer.predict(rows);          // rows: a vector or span of std::array<float, inputs>
//                                                  // (valid.x, say); one std::array<float, outputs> each
//   trainer.fit(train, {.batch_size = 128, .threads = 2});   // the same model as with 1 thread, sooner
//
// Keras' rules (shared/KERAS.md): ceil(N / batch) steps per epoch with the last
// partial batch kept; the rows reshuffled every epoch from the seed; the
// epoch's loss and metrics are sample-weighted means over its batches in
// training mode; validation once per epoch in inference mode;
// validation_split takes the last rows before any shuffling. The trainer owns
// the gradient block, the optimizer's state and the pass's buffers; a training
// step allocates nothing.
//
// A step is all or nothing. Its forward pass moves the state (BatchNormalization's
// moving statistics) before the loss is known, so fit copies the state block
// before each step (when the model has one); a non-finite loss, gradient or
// state puts the copy back and stops training before the optimizer steps. An
// update that overflows the weights from a finite gradient (a huge learning
// rate) is undone by replaying the epoch's completed steps from a copy taken
// when the epoch began. The model then holds the parameters, state and
// optimizer moments of the last completed step, as it does when an exception
// (from a callback, say) leaves fit.
//
// predict is model.predict(xs, ys), the batch path (lane-order tiles when
// Model::batch_in_lanes). evaluate and fit's validation take it too, in chunks
// of evaluation_chunk rows into a buffer allocated once per call of evaluate or
// fit, and sum the loss and metrics row by row, in order: their outputs are
// predict's, bit for bit.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "backprop.hpp"
#include "callback.hpp"
#include "../data/dataset.hpp"
#include "../core/detail/layer_checks.hpp"
#include "../io/detail/linkage.hpp"
#include "../io/detail/number_text.hpp"
#include "../core/detail/simd.hpp"
#include "../io/error.hpp"
#include "history.hpp"
#include "logs.hpp"
#include "loss.hpp"
#include "metric.hpp"
#include "optimizer.hpp"
#include "progress.hpp"
#include "../core/random.hpp"
#include "thread_pool.hpp"

namespace ctnn {

namespace detail {

template <class T>
bool all_finite(std::span<const T> values) noexcept {
    // x * 0 is NaN exactly when x is NaN or infinite, and NaN stays NaN
    // through any sum, so the order of the additions does not matter: vectors
    // of independent sums, then the rest.
    using V = simd::widest<T>;
    constexpr std::size_t L = simd::lanes<V>;
    const std::size_t whole = values.size() - values.size() % L;  // (two loops GCC can count for a fixed size)
    V probe(T(0));
    for (std::size_t k = 0; k < whole; k += L) probe = simd::fma(simd::load<V>(values.data() + k), V(T(0)), probe);
    T rest = simd::sum_lanes(probe);
    for (std::size_t k = whole; k < values.size(); ++k) rest += values[k] * T(0);
    return rest == T(0);
}

// fit's checks of its options: batch_size at least 1, validation_split in [0, 1).
void check_fit_options(std::size_t batch_size, double validation_split);

// Where validation_split splits `rows` rows (the first of the validation
// rows); an Error when either part would be empty.
std::size_t validation_split_at(std::size_t rows, double validation_split);

// A stop of training at a step (0-based epoch and step, of `epochs` and
// `steps`): history.stop_reason says where and why, also as a progress message.
void record_stop(History& history, Progress& progress, std::size_t epoch, std::size_t epochs, std::size_t step,
                 std::size_t steps, const std::string& what);

// The Error for a target outside the loss's range: "<what>: target row r,
// column c is <value>; <loss> expects targets in [low, high]".
[[noreturn]] void target_out_of_range(const std::string& what, std::size_t row, std::size_t column,
                                      const std::string& value, std::string_view loss, double low, double high);

// predict's check that there is one output row per input row.
void check_predict_sizes(std::size_t inputs, std::size_t outputs);

// What fit's epoch loop asks of one model's training: Trainer::fit
// implements it (Trainer::FitRun) and run_fit drives it. The loop is the same
// for every model, so it is compiled once (in libctnn, in the compiled mode)
// rather than per model: about 8 KB less code and 0.2-0.3 s less g++ time for
// the Fashion-MNIST CNN example (issue 15). A virtual call per step costs
// nothing next to a step.
class FitSteps {
public:
    virtual void train_begin() = 0;                // the callbacks' on_train_begin
    virtual void epoch_begin(int epoch) = 0;       // their on_epoch_begin
    virtual void snapshot() = 0;                   // keeps what restore_snapshot puts back
    virtual void restore_snapshot() = 0;           // the model, optimizer and dropout stream as at snapshot()
    // Rows rows[0, n) of the training data through the training pass, the
    // state kept first; returns the batch loss.
    virtual double run(const std::size_t* rows, std::size_t n) = 0;
    // What of the step just run is not finite ("loss is nan", ...), with its
    // state put back; null when all of it is finite.
    virtual const char* reject(double loss) = 0;
    virtual bool update() = 0;                     // the optimizer's step; false if the weights became non-finite
    virtual void add_metrics(std::size_t n, double* sums) = 0;  // the last run's n rows
    virtual void validate(Logs& logs) = 0;         // adds the val_ entries (none without validation data)
    virtual bool epoch_end(int epoch, const Logs& logs) = 0;  // the callbacks' on_epoch_end; true: stop training
    virtual void train_end(const Logs& logs) = 0;  // their on_train_end

protected:
    ~FitSteps() = default;
};

// fit's loop over epochs and steps with Keras' rules (the top of this file):
// rows training rows, the metrics' names in compile order.
struct FitPlan {
    std::size_t rows, batch_size, epochs;
    bool shuffle;
    std::uint64_t seed;
    int verbose;
    std::span<const std::string_view> metric_names;
    std::ostream* progress;
};
void run_fit(FitSteps& steps, const FitPlan& plan, History& history);

// The logs of sums over `seen` rows: "loss", then each metric, their means
// (0 when no row was seen).
Logs mean_logs(double loss_sum, std::span<const double> metric_sums, std::span<const std::string_view> names,
               std::size_t seen);

// fit()'s options, Keras' names and defaults (Trainer::Options); Data is the
// trainer's Dataset type (void for the stand-in of a model that cannot train).
template <class Data>
struct fit_options {
    std::size_t batch_size = 32;
    std::size_t epochs = 1;
    const Data* validation_data = nullptr;
    double validation_split = 0.0;
    bool shuffle = true;
    std::uint64_t seed = 0;
    int verbose = 1;
    // Threads that share each batch's work, the caller's included; 0 for one
    // per core. The trained model is the same bits for every count.
    std::size_t threads = 1;
};

}  // namespace detail

template <class Model, class Opt, Loss L, Metric... Ms>
    requires Optimizer<Opt, typename Model::value_type>
class Trainer {
public:
    using T = typename Model::value_type;
    static constexpr std::size_t input_size = Model::input_size;
    static constexpr std::size_t output_size = Model::output_size;
    using Data = Dataset<T, input_size, output_size>;
    using Output = std::array<T, output_size>;

    // evaluate and fit's validation predict this many rows at a time: a
    // multiple of every lane count, so the tiles fall where they would for all
    // rows at once (outputs bit-identical to predict's).
    static constexpr std::size_t evaluation_chunk = 256;
    static_assert(evaluation_chunk % simd::max_lanes<T> == 0);

    // fit's options, Keras' names and defaults, in this order.
    using Options = detail::fit_options<Data>;

    Trainer(Model& model, Opt optimizer, L loss, Ms... metrics)
        : model_(&model),
          optimizer_(checked(optimizer)),
          loss_(loss),
          metrics_(metrics...),
          optimizer_state_(optimizer.template make_state<T>(Model::parameter_count)),
          gradient_(Model::parameter_count) {}

    Model& model() noexcept { return *model_; }
    const Opt& optimizer() const noexcept { return optimizer_; }
    auto& optimizer_state() noexcept { return optimizer_state_; }
    // Where progress goes (std::cerr by default); a live bar only on a terminal.
    void set_progress_stream(std::ostream& out) noexcept { progress_stream_ = &out; }

    // Trains the model; returns the History. Callbacks are used in place (an
    // lvalue can be inspected afterwards).
    template <class... Callbacks>
    History fit(const Data& data, const Options& options = {}, Callbacks&&... callbacks) {
        static_assert((Callback<std::remove_cvref_t<Callbacks>, T> && ...),
                      "fit: a callback needs at least one of on_train_begin, on_epoch_begin, on_epoch_end and "
                      "on_train_end, with the parameters of train/callback.hpp");
        // Otherwise its hooks would be skipped without a word.
        static_assert((Callback<std::remove_reference_t<Callbacks>, T> && ...),
                      "fit: a const callback needs const hooks; pass a non-const one");
        detail::check_fit_options(options.batch_size, options.validation_split);
        check_data(data, "fit: the training data");
        // Given validation data is checked here; rows split off were checked above.
        if (options.validation_data != nullptr) check_data(*options.validation_data, "fit: the validation data");

        Data split_train, split_valid;
        const Data* train = &data;
        const Data* valid = options.validation_data;
        if (valid == nullptr && options.validation_split > 0.0) {
            const std::size_t split_at = detail::validation_split_at(data.size(), options.validation_split);
            split_train.x.assign(data.x.begin(), data.x.begin() + split_at);
            split_train.y.assign(data.y.begin(), data.y.begin() + split_at);
            split_valid.x.assign(data.x.begin() + split_at, data.x.end());
            split_valid.y.assign(data.y.begin() + split_at, data.y.end());
            train = &split_train;
            valid = &split_valid;
        }

        History history;
        FitRun<Callbacks...> run(*this, *train, valid, options, history, callbacks...);
        detail::run_fit(run, {train->size(), options.batch_size, options.epochs, options.shuffle, options.seed,
                              options.verbose, metric_names, progress_stream_},
                        history);
        return history;
    }

    // The loss and metrics over a data set, in inference mode, by Keras name.
    [[nodiscard]] Logs evaluate(const Data& data) const {
        check_data(data, "evaluate: the data");
        std::vector<Output> outputs(std::min(evaluation_chunk, data.size()));
        return evaluate_rows(data, outputs);
    }

    // The model's outputs for each row, on `threads` threads (0: one per
    // core), each predicting blocks of evaluation_chunk rows: the outputs are
    // the same bits for every count.
    [[nodiscard]] std::vector<std::array<T, output_size>> predict(std::span<const std::array<T, input_size>> xs,
                                                                  std::size_t threads = 1) const {
        std::vector<std::array<T, output_size>> ys(xs.size());
        predict(xs, ys, threads);
        return ys;
    }
    void predict(std::span<const std::array<T, input_size>> xs, std::span<std::array<T, output_size>> ys,
                 std::size_t threads = 1) const {
        detail::check_predict_sizes(xs.size(), ys.size());
        if (threads == 1 || xs.size() <= evaluation_chunk) return model_->predict(xs, ys);
        detail::ThreadPool pool(threads);
        predict_rows(xs, ys, pool);
    }

private:
    static const Opt& checked(const Opt& optimizer) {
        if constexpr (requires { optimizer.check(); }) optimizer.check();
        return optimizer;
    }

    // check_dataset, then targets outside the loss's range (train/loss.hpp:
    // target_range) are an Error naming the first one.
    static void check_data(const Data& data, const std::string& what) {
        check_dataset(data, what);
        if constexpr (BoundedTargets<L>) {
            constexpr TargetRange range = L::target_range;
            for (std::size_t r = 0; r < data.y.size(); ++r)
                for (std::size_t c = 0; c < output_size; ++c)
                    if (const T t = data.y[r][c]; !(t >= range.low && t <= range.high))
                        detail::target_out_of_range(what, r, c, detail::number_text(t), L::name.view(), range.low,
                                                    range.high);
        }
    }

    // sums[i] += metric i over n rows of outputs p and targets y.
    void accumulate_metrics(const T* p, const T* y, std::size_t n, double* sums) const noexcept {
        for (std::size_t r = 0; r < n; ++r)
            [&]<std::size_t... I>(std::index_sequence<I...>) {
                ((sums[I] += std::get<I>(metrics_).value(p + r * output_size, y + r * output_size, output_size)), ...);
            }(std::index_sequence_for<Ms...>{});
    }

    static constexpr std::array<std::string_view, sizeof...(Ms)> metric_names{Ms::name.view()...};

    // What of a training step is not finite ("loss is nan", "gradient is not
    // finite", ...), or null when all of it is.
    const char* not_finite(double loss) const noexcept {
        if (!std::isfinite(loss)) return std::isnan(loss) ? "loss is nan" : loss > 0 ? "loss is inf" : "loss is -inf";
        if (!detail::all_finite(std::span<const T>(gradient_))) return "gradient is not finite";
        // Finite loss and gradient do not imply a finite state: a batch variance
        // above T's range normalizes to 0 (so the loss stays finite) but makes
        // the moving variance infinite.
        if constexpr (Model::state_count > 0)
            if (!detail::all_finite(std::span<const T>(model_->state())))
                return "state (BatchNormalization's moving statistics) is not finite";
        return nullptr;
    }

    // model.predict over blocks of evaluation_chunk rows, the pool's tasks.
    void predict_rows(std::span<const std::array<T, input_size>> xs, std::span<Output> ys,
                      detail::ThreadPool& pool) const noexcept {
        pool.run((xs.size() + evaluation_chunk - 1) / evaluation_chunk, [&](std::size_t block) {
            const std::size_t begin = block * evaluation_chunk, n = std::min(evaluation_chunk, xs.size() - begin);
            model_->predict(xs.subspan(begin, n), ys.subspan(begin, n));
        });
    }

    // The loss and metrics over data, predicted outputs.size() rows at a time
    // into outputs (at least one row; on the pool's threads, when given, in
    // blocks of evaluation_chunk rows), then summed row by row in order. Not
    // inlined: evaluate and fit's validation share one copy (compile time).
    [[gnu::noinline]] Logs evaluate_rows(const Data& data, std::span<Output> outputs,
                                         detail::ThreadPool* pool = nullptr) const {
        double loss_sum = 0;
        std::array<double, sizeof...(Ms)> sums{};
        for (std::size_t begin = 0; begin < data.size(); begin += outputs.size()) {
            const std::size_t n = std::min(outputs.size(), data.size() - begin);
            if (pool != nullptr)
                predict_rows(std::span(data.x).subspan(begin, n), outputs.first(n), *pool);
            else
                model_->predict(std::span(data.x).subspan(begin, n), outputs.first(n));
            for (std::size_t r = 0; r < n; ++r) {
                const T* p = outputs[r].data();
                const T* y = data.y[begin + r].data();
                loss_sum += loss_.value(p, y, output_size);
                accumulate_metrics(p, y, 1, sums.data());
            }
        }
        return detail::mean_logs(loss_sum, sums, metric_names, data.size());
    }

    // One fit's per-model work, for detail::run_fit: the training pass and
    // its buffers, the thread pool, the copies that undo a failed step, the
    // dropout stream, validation and the callbacks.
    template <class... Callbacks>
    class FitRun final : public detail::FitSteps {
    public:
        FitRun(Trainer& trainer, const Data& train, const Data* valid, const Options& options, History& history,
               Callbacks&... callbacks)
            : trainer_(trainer),
              train_(train),
              valid_(valid),
              pass_(trainer.loss_, std::min(options.batch_size, train.size())),
              pool_(options.threads),
              layer_rng_(Seed{options.seed ^ 0xD1B54A32D192ED03ull}),  // dropout masks: a stream of their own
              epoch_layer_rng_(layer_rng_),
              state_before_(Model::state_count),
              epoch_parameters_(Model::parameter_count),
              epoch_state_(Model::state_count),
              epoch_optimizer_(trainer.optimizer_state_),
              valid_outputs_(valid != nullptr ? std::min(pool_.size() * evaluation_chunk, valid->size()) : 0),
              context_{std::span<T>(trainer.model_->parameters()), std::span<T>(trainer.model_->state()), history,
                       false, options.verbose},
              callbacks_(callbacks...) {}

        void train_begin() override {
            std::apply([&](auto&... c) { (detail::call_train_begin(c, context_), ...); }, callbacks_);
        }
        void epoch_begin(int epoch) override {
            std::apply([&](auto&... c) { (detail::call_epoch_begin(c, epoch, context_), ...); }, callbacks_);
        }
        void snapshot() override {
            std::ranges::copy(model().parameters(), epoch_parameters_.begin());
            if constexpr (Model::state_count > 0) std::ranges::copy(model().state(), epoch_state_.begin());
            epoch_optimizer_ = trainer_.optimizer_state_;  // same sizes: no allocation
            epoch_layer_rng_ = layer_rng_;
        }
        void restore_snapshot() override {
            std::ranges::copy(epoch_parameters_, model().parameters().begin());
            if constexpr (Model::state_count > 0) std::ranges::copy(epoch_state_, model().state().begin());
            trainer_.optimizer_state_ = epoch_optimizer_;
            layer_rng_ = epoch_layer_rng_;
        }
        double run(const std::size_t* rows, std::size_t n) override {
            for (std::size_t r = 0; r < n; ++r) {
                std::copy(train_.x[rows[r]].begin(), train_.x[rows[r]].end(), pass_.inputs() + r * input_size);
                std::copy(train_.y[rows[r]].begin(), train_.y[rows[r]].end(), pass_.targets() + r * output_size);
            }
            if constexpr (Model::state_count > 0) std::ranges::copy(model().state(), state_before_.begin());
            return pass_.run(model(), n, std::span<T, Model::parameter_count>(trainer_.gradient_), layer_rng_, &pool_);
        }
        const char* reject(double loss) override {
            const char* failed = trainer_.not_finite(loss);
            if constexpr (Model::state_count > 0)
                if (failed != nullptr) std::ranges::copy(state_before_, model().state().begin());
            return failed;
        }
        bool update() override {
            trainer_.optimizer_.step(std::span<T>(model().parameters()), std::span<const T>(trainer_.gradient_),
                                     trainer_.optimizer_state_);
            return detail::all_finite(std::span<const T>(model().parameters()));
        }
        void add_metrics(std::size_t n, double* sums) override {
            trainer_.accumulate_metrics(pass_.predictions(), pass_.targets(), n, sums);
        }
        void validate(Logs& logs) override {
            if (valid_ == nullptr) return;
            const Logs validation = trainer_.evaluate_rows(*valid_, valid_outputs_, &pool_);
            for (const auto& [name, value] : validation.entries()) logs.set("val_" + name, value);
        }
        bool epoch_end(int epoch, const Logs& logs) override {
            std::apply([&](auto&... c) { (detail::call_epoch_end(c, epoch, logs, context_), ...); }, callbacks_);
            return context_.stop_training;
        }
        void train_end(const Logs& logs) override {
            std::apply([&](auto&... c) { (detail::call_train_end(c, logs, context_), ...); }, callbacks_);
        }

    private:
        Model& model() noexcept { return *trainer_.model_; }

        Trainer& trainer_;
        const Data& train_;
        const Data* valid_;
        Backprop<Model, L> pass_;
        detail::ThreadPool pool_;
        Rng layer_rng_, epoch_layer_rng_;
        std::vector<T> state_before_;  // the state as it was before the current step
        // The model and optimizer as they were when the epoch began, to replay
        // the epoch up to a step whose update overflowed.
        std::vector<T> epoch_parameters_, epoch_state_;
        typename Opt::template State<T> epoch_optimizer_;
        std::vector<Output> valid_outputs_;
        TrainingContext<T> context_;
        std::tuple<Callbacks&...> callbacks_;
    };

    Model* model_;
    Opt optimizer_;
    L loss_;
    std::tuple<Ms...> metrics_;
    typename Opt::template State<T> optimizer_state_;
    std::vector<T> gradient_;
    std::ostream* progress_stream_ = &detail::standard_error();
};

namespace detail {
// What compile() returns for a model with a layer that cannot be trained,
// after the one error naming it (layer_has_no_backward<1>): it takes the calls
// a Trainer takes, with fit's options by name, so that the user's fit and
// evaluate add no errors of their own.
struct untrainable_model {
    template <class Data, class... Callbacks>
    History fit(const Data&, const fit_options<void>& = {}, Callbacks&&...) const {
        return {};
    }
    template <class Data>
    Logs evaluate(const Data&) const {
        return {};
    }
    template <class... Args>
    void predict(Args&&...) const noexcept {}
    template <class Stream>
    void set_progress_stream(Stream&) const noexcept {}
};
}  // namespace detail

// Keras' model.compile(optimizer, loss, metrics): a Trainer for this model.
// Every layer must be trainable (core/layer.hpp, TrainableLayer): otherwise one
// error here, at the caller's line, names the first layer that is not and
// what it lacks, instead of errors inside the training pass.
template <class Model, class Opt, Loss L, Metric... Ms>
[[nodiscard]] auto compile(Model& model, Opt optimizer, L loss, Ms... metrics) {
    if constexpr (detail::model_trains<Model>()) {
        return Trainer<Model, Opt, L, Ms...>(model, optimizer, loss, metrics...);
    } else {
        (void)sizeof(detail::training_report_of<Model>);  // fails once, naming the layer: layer_has_no_backward<1>
        return detail::untrainable_model{};
    }
}

}  // namespace ctnn

#ifndef CTNN_COMPILED_LIB
#include "impl/trainer.ipp"
#endif
