// A program that uses ctnn's host side (loaders, save/load, summary), built
// against the header-only package and against the compiled one (libctnn), so
// both link and give the same results.
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

#include <ctnn/ctnn.hpp>

int main() {
    using Model = ctnn::Sequential<ctnn::Dense<2, 2, ctnn::ReLU>, ctnn::Dense<2, 1, ctnn::Sigmoid>>;
    const std::string dir = std::getenv("CONSUMER_DIR") ? std::getenv("CONSUMER_DIR") : ".";
    const std::string csv = dir + "/consumer.csv", file = dir + "/consumer.ctnn";
    std::FILE* f = std::fopen(csv.c_str(), "w");
    if (!f) return 2;
    std::fputs("a,b,y\n0.5,-1,1\n2,0.25,0\n", f);
    std::fclose(f);
    const ctnn::Table table = ctnn::read_csv(csv);
    if (table.rows() != 2 || table.columns() != 3) return 3;
    Model model(ctnn::Seed{1}), loaded;
    ctnn::save(model, file);
    ctnn::load(loaded, file);
    const float x[2][2] = {{0.5f, -1.f}, {2.f, 0.25f}};
    for (const auto& row : x)
        if (model({row[0], row[1]})[0] != loaded({row[0], row[1]})[0]) return 4;
    std::ostringstream text;
    ctnn::summary(model, text);
    if (text.str().find("Total params: 9") == std::string::npos) return 5;
    return 0;
}
