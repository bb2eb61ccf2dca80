// Something without any of the hooks is not a callback.
// expect: a callback needs at least one of
#include <ctnn/ctnn.hpp>

void train(ctnn::Sequential<ctnn::Dense<3, 1>>& model, const ctnn::Dataset<float, 3, 1>& data) {
    auto trainer = ctnn::compile(model, ctnn::SGD{}, ctnn::MSE{});
    trainer.fit(data, {}, 42);
}
