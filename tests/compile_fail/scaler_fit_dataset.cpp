// A scaler takes a Dataset's rows, not the Dataset: one static_assert that
// says what to pass.
// expect: pass data.x for the features or data.y for the targets
#include <ctnn/data/scalers.hpp>
#include <ctnn/data/dataset.hpp>

void scale(const ctnn::Dataset<float, 3, 1>& dataset) {
    ctnn::StandardScaler scaler;
    scaler.fit(dataset);
}
