// transform scales the rows in place: const rows are one static_assert that
// points to transformed(), which returns a scaled copy.
// expect: transformed(rows) returns a scaled copy
#include <array>
#include <vector>

#include <ctnn/data/scalers.hpp>

void scale(const ctnn::StandardScaler& scaler, const std::vector<std::array<float, 3>>& rows) {
    scaler.transform(rows);
}
