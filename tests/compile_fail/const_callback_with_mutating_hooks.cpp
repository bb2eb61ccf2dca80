// A const callback whose hooks are not const would be skipped silently; fit
// rejects it instead.
// expect: a const callback needs const hooks
#include <ctnn/ctnn.hpp>

struct Counter {
    int epochs = 0;
    void on_epoch_end(int, const ctnn::Logs&, ctnn::TrainingContext<float>&) { ++epochs; }
};

void train(ctnn::Sequential<ctnn::Dense<3, 1>>& model, const ctnn::Dataset<float, 3, 1>& data) {
    const Counter counter;
    auto trainer = ctnn::compile(model, ctnn::SGD{}, ctnn::MSE{});
    trainer.fit(data, {}, counter);
}
