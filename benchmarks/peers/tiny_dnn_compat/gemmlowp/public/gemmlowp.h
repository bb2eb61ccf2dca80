// tiny-dnn's max_pooling_layer.h includes core/backend_tiny.h, which includes
// its quantized kernels, which include gemmlowp (not packaged by Debian, nor a
// dependency of Debian's tiny-dnn). The benchmarks never run a quantized layer:
// these are declarations only, enough for tiny-dnn's templates to parse; a call
// would abort.
#pragma once

#include <cstdlib>

namespace gemmlowp {

enum class MapOrder { ColMajor, RowMajor };

template <class Scalar, MapOrder Order>
struct MatrixMap {
    MatrixMap(Scalar*, int, int, int) {}
};

struct GemmContext {};
struct DefaultL8R8BitDepthParams {};

template <class InputScalar, class OutputScalar, class BitDepthParams, class... Args>
void GemmWithOutputPipeline(Args&&...) {
    std::abort();
}

}  // namespace gemmlowp
