// The number of calls to operator new the test program has made so far, to
// prove that a code path allocates nothing. (The replacement operator new lives
// in its own file so no test sees both it and a free() call.)
#pragma once

namespace test {
long allocation_count() noexcept;
}
