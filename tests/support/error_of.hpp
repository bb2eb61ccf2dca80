// test::error_of(f): the message of the ctnn::Error that f throws, or
// "(no error)" when it throws none. Other exceptions go through to doctest.
#pragma once

#include <string>

#include <ctnn/io/error.hpp>

namespace test {

template <class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const ctnn::Error& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace test
