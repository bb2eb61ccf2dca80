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
#include "../data/detail/shuffle.hpp"
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

        const std::size_t rows = train->size();
        const std::size_t batch = std::min(options.batch_size, rows);
        const std::size_t steps = (rows + options.batch_size - 1) / options.batch_size;
        Backprop<Model, L> pass(loss_, batch);
        detail::ThreadPool pool(options.threads);
        Rng shuffle_rng(Seed{options.seed});
        Rng layer_rng(Seed{options.seed ^ 0xD1B54A32D192ED03ull});  // dropout masks: a stream of their own
        std::vector<std::size_t> order(rows);
        for (std::size_t r = 0; r < rows; ++r) order[r] = r;
        std::vector<T> state_before(Model::state_count);  // the state as it was before the current step
        // The model, optimizer and dropout stream as they were when the epoch
        // began, to replay the epoch up to a step whose update overflowed.
        std::vector<T> epoch_parameters(Model::parameter_count), epoch_state(Model::state_count);
        auto epoch_optimizer = optimizer_state_;
        Rng epoch_layer_rng = layer_rng;
        std::vector<Output> valid_outputs(valid != nullptr ? std::min(pool.size() * evaluation_chunk, valid->size())
                                                           : 0);

        History history;
        TrainingContext<T> context{std::span<T>(model_->parameters()), std::span<T>(model_->state()), history,
                                   false, options.verbose};
        const bool live = progress_stream_ == &detail::standard_error() && Progress::stderr_is_terminal();
        Progress progress(*progress_stream_, options.verbose, live);
        Logs logs;
        (detail::call_train_begin(callbacks, context), ...);

        for (std::size_t epoch = 0; epoch < options.epochs; ++epoch) {
            const int e = static_cast<int>(epoch);
            (detail::call_epoch_begin(callbacks, e, context), ...);
            if (options.shuffle) detail::shuffle(order, shuffle_rng);
            progress.begin_epoch(e, static_cast<int>(options.epochs), steps);

            double loss_sum = 0;
            std::array<double, sizeof...(Ms)> metric_sums{};
            std::size_t seen = 0;
            std::ranges::copy(model_->parameters(), epoch_parameters.begin());
            if constexpr (Model::state_count > 0) std::ranges::copy(model_->state(), epoch_state.begin());
            epoch_optimizer = optimizer_state_;  // same sizes: no allocation
            epoch_layer_rng = layer_rng;
            // The rows of a step into the pass's buffers; returns how many.
            const auto load_batch = [&](std::size_t step) {
                const std::size_t begin = step * options.batch_size;
                const std::size_t n = std::min(options.batch_size, rows - begin);
                for (std::size_t r = 0; r < n; ++r) {
                    const std::size_t row = order[begin + r];
                    std::copy(train->x[row].begin(), train->x[row].end(), pass.inputs() + r * input_size);
                    std::copy(train->y[row].begin(), train->y[row].end(), pass.targets() + r * output_size);
                }
                return n;
            };
            for (std::size_t step = 0; step < steps; ++step) {
                const std::size_t n = load_batch(step);
                const auto stop = [&](const std::string& what) {
                    detail::record_stop(history, progress, epoch, options.epochs, step, steps, what);
                };
                if constexpr (Model::state_count > 0) std::ranges::copy(model_->state(), state_before.begin());
                const double loss =
                    pass.run(*model_, n, std::span<T, Model::parameter_count>(gradient_), layer_rng, &pool);
                if (const char* failed = not_finite(loss)) {
                    // Undone first: nothing below may leave the failed step's state behind.
                    if constexpr (Model::state_count > 0) std::ranges::copy(state_before, model_->state().begin());
                    stop(std::string("the ") + failed +
                         "; training stopped, the model keeps its weights from before this step");
                    break;
                }
                optimizer_.step(std::span<T>(model_->parameters()), std::span<const T>(gradient_), optimizer_state_);
                // A finite gradient can still overflow the weights (learning rate x
                // gradient beyond T's range). Undone by going back to the start of
                // the epoch and replaying its completed steps, which reproduces
                // them bit for bit (training is deterministic): copying the
                // weights and moments before every step would cost about as much
                // as Adam's update on every step of every fit, for a rare failure.
                if (!detail::all_finite(std::span<const T>(model_->parameters()))) {
                    std::ranges::copy(epoch_parameters, model_->parameters().begin());
                    if constexpr (Model::state_count > 0) std::ranges::copy(epoch_state, model_->state().begin());
                    optimizer_state_ = epoch_optimizer;
                    layer_rng = epoch_layer_rng;
                    for (std::size_t done = 0; done < step; ++done) {
                        const std::size_t m = load_batch(done);
                        (void)pass.run(*model_, m, std::span<T, Model::parameter_count>(gradient_), layer_rng,
                                       &pool);
                        optimizer_.step(std::span<T>(model_->parameters()), std::span<const T>(gradient_),
                                        optimizer_state_);
                    }
                    stop("the optimizer's update made the weights non-finite (is the learning rate too large for "
                         "the gradient?); training stopped, the model keeps its weights from before this step");
                    break;
                }

                loss_sum += loss * double(n);
                accumulate_metrics(pass.predictions(), pass.targets(), n, metric_sums);
                seen += n;
                progress.step(step + 1, epoch_logs(loss_sum, metric_sums, seen));
            }
            if (!history.stop_reason.empty()) break;

            logs = epoch_logs(loss_sum, metric_sums, seen);
            if (valid != nullptr) {
                const Logs validation = evaluate_rows(*valid, valid_outputs, &pool);
                for (const auto& [name, value] : validation.entries()) logs.set("val_" + name, value);
            }
            history.append(logs);
            progress.end_epoch(logs);
            (detail::call_epoch_end(callbacks, e, logs, context), ...);
            if (context.stop_training) break;
        }
        (detail::call_train_end(callbacks, logs, context), ...);
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

    void accumulate_metrics(const T* p, const T* y, std::size_t n,
                            std::array<double, sizeof...(Ms)>& sums) const noexcept {
        for (std::size_t r = 0; r < n; ++r)
            [&]<std::size_t... I>(std::index_sequence<I...>) {
                ((sums[I] += std::get<I>(metrics_).value(p + r * output_size, y + r * output_size, output_size)), ...);
            }(std::index_sequence_for<Ms...>{});
    }

    Logs epoch_logs(double loss_sum, const std::array<double, sizeof...(Ms)>& sums, std::size_t seen) const {
        Logs logs;
        logs.set("loss", seen ? loss_sum / double(seen) : 0.0);
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (logs.set(std::tuple_element_t<I, std::tuple<Ms...>>::name.view(), seen ? sums[I] / double(seen) : 0.0), ...);
        }(std::index_sequence_for<Ms...>{});
        return logs;
    }

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
    // blocks of evaluation_chunk rows), then summed row by row in order.
    Logs evaluate_rows(const Data& data, std::span<Output> outputs, detail::ThreadPool* pool = nullptr) const {
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
                accumulate_metrics(p, y, 1, sums);
            }
        }
        return epoch_logs(loss_sum, sums, data.size());
    }

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
