// Table::drop returns a new table and leaves this one as it was, so a call
// whose result is dropped drops nothing: it is [[nodiscard]]. (The warning is
// made an error here, as -Werror does in a real build.)
// expect: ignoring return value
#pragma GCC diagnostic error "-Wunused-result"
#include <ctnn/data/table.hpp>

void forget(const ctnn::Table& table) {
    table.drop("a02");
}
