// Writes the seed files of the load and read_idx fuzz targets that cannot be
// copied from tests/data/loaders/: saved models (the type fuzz/load.cpp loads,
// and two it must refuse: another architecture, another scalar type) and small
// IDX files. The outputs are committed under fuzz/corpus/; rerun this only if
// the file formats change:
//   clang++ -std=c++20 -Iinclude fuzz/make_seeds.cpp -o build-fuzz/make_seeds && build-fuzz/make_seeds fuzz/corpus
#include <cstdio>
#include <string>

#include <ctnn/core.hpp>
#include <ctnn/data/idx.hpp>
#include <ctnn/io/persistence.hpp>

using namespace ctnn;

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s CORPUS_DIR (fuzz/corpus)\n", argv[0]);
        return 2;
    }
    const std::string dir = argv[1];
    // The same type as in fuzz/load.cpp; its BatchNormalization gives it a state block.
    using Model = Sequential<Dense<3, 4, ReLU>, BatchNormalization, Dense<4, 1, Sigmoid>>;
    save(Model(Seed{7}), dir + "/load/model.ctnn");
    save(Sequential<Dense<3, 1>>(Seed{7}), dir + "/load/other_architecture.ctnn");
    save(BasicSequential<double, Dense<3, 4, ReLU>, BatchNormalization, Dense<4, 1, Sigmoid>>(Seed{7}),
         dir + "/load/double.ctnn");

    write_idx(dir + "/read_idx/labels-idx1-ubyte", {{10}, {7, 2, 1, 0, 4, 1, 4, 9, 5, 9}});
    write_idx(dir + "/read_idx/images-idx3-ubyte",
              {{2, 3, 3}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 255, 254, 253, 0, 0, 0, 9, 9, 9}});
    write_idx(dir + "/read_idx/empty-idx2-ubyte", {{0, 5}, {}});
    return 0;
}
