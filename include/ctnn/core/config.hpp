// Build configuration of the core: the library version, the debug-only
// precondition check, and whether the SIMD kernels are available.
//
// SIMD is on when xsimd can be included and has an architecture for the target;
// it is off when CTNN_NO_SIMD is defined (meson: -Dsimd=disabled), when xsimd is
// not installed, or when xsimd has no architecture (Cortex-M). Only
// <xsimd/config/xsimd_config.hpp> is read here: it compiles everywhere, while
// the full <xsimd/xsimd.hpp> fails with newlib under -std=c++20.
#pragma once

#include <cassert>

#define CTNN_VERSION_MAJOR 0
#define CTNN_VERSION_MINOR 1
#define CTNN_VERSION_PATCH 0

#if defined(CTNN_NO_SIMD)
#define CTNN_SIMD 0
#elif __has_include(<xsimd/config/xsimd_config.hpp>)
#include <xsimd/config/xsimd_config.hpp>
#if defined(XSIMD_NO_SUPPORTED_ARCHITECTURE)
#define CTNN_SIMD 0
#else
#define CTNN_SIMD 1
#endif
#else
#define CTNN_SIMD 0
#endif

// A precondition of the inference path: checked in debug builds only, because
// that path is noexcept and must not branch to error handling in release builds.
#define CTNN_ASSERT(condition, message) assert((condition) && (message))
