// What the sliding-window layers (convolutions and poolings) share: their
// options, as Keras spells them, and one axis' geometry, with Keras' output
// lengths and padding.
//
//   ctnn::Conv1D<8, 3, ctnn::ReLU, ctnn::Conv{.padding = ctnn::Padding::causal, .dilation_rate = 2}>
//   ctnn::Conv2D<32, 3, 3, ctnn::ReLU, ctnn::Conv{.strides = {2, 1}, .padding = ctnn::Padding::same}>
//   ctnn::MaxPooling2D<2, 2, ctnn::Pooling{.strides = 1, .padding = ctnn::Padding::same}>
//
// Output length of an axis of L values, a window of K taps dilated by d, and
// stride s (TensorFlow's rules, which Keras follows on every backend):
//   valid:  floor((L - d(K - 1) - 1) / s) + 1, no padding;
//   same:   ceil(L / s); the padding needed, (out - 1) s + d(K - 1) + 1 - L
//           (0 if negative), is split with the smaller half before;
//   causal: ceil(L / s); all d(K - 1) values of padding before (Conv1D only).
// Padding values are zeros for a convolution; a pooling skips them (a max
// never sees them, an average divides by the entries inside the input).
#pragma once

#include <cstddef>

#include "../core/detail/fixed_string.hpp"

namespace ctnn {

enum class Padding { valid, same, causal };

// A stride or dilation: one value for every axis (`.strides = 2`), or a
// Conv2D's rows and columns apart (`.strides = {2, 1}`).
struct PerAxis {
    std::size_t rows = 1;
    std::size_t cols = 1;
    constexpr PerAxis() noexcept = default;
    constexpr PerAxis(std::size_t both) noexcept : rows(both), cols(both) {}  // NOLINT: `.strides = 2`
    constexpr PerAxis(std::size_t r, std::size_t c) noexcept : rows(r), cols(c) {}
    constexpr bool uniform() const noexcept { return rows == cols; }
    friend constexpr bool operator==(const PerAxis&, const PerAxis&) noexcept = default;
};

// Keras' convolution arguments after the kernel size, in Keras' order.
// depth_multiplier is DepthwiseConv2D's; groups is Conv1D's and Conv2D's.
struct Conv {
    PerAxis strides = 1;
    Padding padding = Padding::valid;
    PerAxis dilation_rate = 1;
    std::size_t groups = 1;
    bool use_bias = true;
    std::size_t depth_multiplier = 1;
    friend constexpr bool operator==(const Conv&, const Conv&) noexcept = default;
};

// Keras' pooling arguments after the pool size; strides 0 means the pool size.
struct Pooling {
    std::size_t strides = 0;
    Padding padding = Padding::valid;
    friend constexpr bool operator==(const Pooling&, const Pooling&) noexcept = default;
};

namespace detail {

// One axis of a sliding window: Length input values, Window taps Dilation
// apart, Stride between outputs. `fits` is false when a valid window is longer
// than its input; the other members are then still defined (length 1), so a
// model reports that one error and nothing cascades.
template <std::size_t Length, std::size_t Window, std::size_t Stride, std::size_t Dilation, Padding Pad>
struct window_axis {
    static constexpr std::size_t length = Length;
    static constexpr std::size_t window = Window;
    static constexpr std::size_t stride = Stride > 0 ? Stride : 1;
    static constexpr std::size_t dilation = Dilation > 0 ? Dilation : 1;
    static constexpr Padding padding = Pad;
    // The input values one window spans.
    static constexpr std::size_t span = dilation * (Window - 1) + 1;
    static constexpr bool fits = Pad != Padding::valid || span <= Length;
    static constexpr std::size_t output_length =
        Pad != Padding::valid ? (Length + stride - 1) / stride : fits ? (Length - span) / stride + 1 : 1;
    static constexpr std::size_t padding_total = [] {
        if constexpr (Pad == Padding::valid) return std::size_t{0};
        else {
            const std::size_t needed = (output_length - 1) * stride + span;
            return needed > Length ? needed - Length : std::size_t{0};
        }
    }();
    static constexpr std::size_t padding_before = Pad == Padding::causal ? dilation * (Window - 1)
                                                  : Pad == Padding::same  ? padding_total / 2
                                                                          : 0;
    // Where output o's window starts in the input (it may be before 0, in
    // the padding): o * stride - padding_before, as a signed value.
    static constexpr long long start(std::size_t o) noexcept {
        return static_cast<long long>(o * stride) - static_cast<long long>(padding_before);
    }
    // The outputs whose tap k lands inside the input: [first_output(k), last_output(k)).
    static constexpr std::size_t first_output(std::size_t k) noexcept {
        const long long offset = static_cast<long long>(k * dilation) - static_cast<long long>(padding_before);
        if (offset >= 0) return 0;
        return static_cast<std::size_t>((-offset + static_cast<long long>(stride) - 1) / static_cast<long long>(stride));
    }
    static constexpr std::size_t end_output(std::size_t k) noexcept {
        // Output o is inside while o * stride + k * dilation - padding_before < Length.
        const long long limit = static_cast<long long>(Length + padding_before) - static_cast<long long>(k * dilation);
        if (limit <= 0) return 0;
        const std::size_t end = static_cast<std::size_t>((limit + static_cast<long long>(stride) - 1) /
                                                         static_cast<long long>(stride));
        return end < output_length ? end : output_length;
    }
};

// "ctnn::Padding::same"
template <Padding P>
constexpr auto spell_padding() noexcept {
    if constexpr (P == Padding::valid) return fixed_string{"ctnn::Padding::valid"};
    else if constexpr (P == Padding::same) return fixed_string{"ctnn::Padding::same"};
    else return fixed_string{"ctnn::Padding::causal"};
}

// "2" or "{2, 1}"
template <PerAxis A>
constexpr auto spell_per_axis() noexcept {
    if constexpr (A.uniform()) return to_fixed_string<A.rows>();
    else return "{" + to_fixed_string<A.rows>() + ", " + to_fixed_string<A.cols>() + "}";
}

// ", .field = value" for each field of Options that differs from Default, the
// leading ", " dropped: what goes between a struct's braces.
template <auto All>
constexpr auto drop_leading_comma() noexcept {
    fixed_string<All.size() - 2> fields;
    for (std::size_t i = 0; i + 2 < All.size(); ++i) fields.chars[i] = All.chars[i + 2];
    return fields;
}

// ", ctnn::Conv{.strides = 2, .padding = ctnn::Padding::same}", or nothing
// for the defaults: a convolution's spelling after its activation.
template <Conv O>
constexpr auto spell_conv() noexcept {
    if constexpr (O == Conv{}) {
        return fixed_string{""};
    } else {
        constexpr auto strides = [] {
            if constexpr (O.strides == Conv{}.strides) return fixed_string{""};
            else return ", .strides = " + spell_per_axis<O.strides>();
        }();
        constexpr auto padding = [] {
            if constexpr (O.padding == Conv{}.padding) return fixed_string{""};
            else return ", .padding = " + spell_padding<O.padding>();
        }();
        constexpr auto dilation = [] {
            if constexpr (O.dilation_rate == Conv{}.dilation_rate) return fixed_string{""};
            else return ", .dilation_rate = " + spell_per_axis<O.dilation_rate>();
        }();
        constexpr auto groups = [] {
            if constexpr (O.groups == Conv{}.groups) return fixed_string{""};
            else return ", .groups = " + to_fixed_string<O.groups>();
        }();
        constexpr auto bias = [] {
            if constexpr (O.use_bias == Conv{}.use_bias) return fixed_string{""};
            else return fixed_string{", .use_bias = false"};
        }();
        constexpr auto multiplier = [] {
            if constexpr (O.depth_multiplier == Conv{}.depth_multiplier) return fixed_string{""};
            else return ", .depth_multiplier = " + to_fixed_string<O.depth_multiplier>();
        }();
        constexpr auto all = strides + padding + dilation + groups + bias + multiplier;
        return ", ctnn::Conv{" + drop_leading_comma<all>() + "}";
    }
}

// ", ctnn::Pooling{.strides = 1}", or nothing for the defaults.
template <Pooling O>
constexpr auto spell_pooling() noexcept {
    if constexpr (O == Pooling{}) {
        return fixed_string{""};
    } else {
        constexpr auto strides = [] {
            if constexpr (O.strides == Pooling{}.strides) return fixed_string{""};
            else return ", .strides = " + to_fixed_string<O.strides>();
        }();
        constexpr auto padding = [] {
            if constexpr (O.padding == Pooling{}.padding) return fixed_string{""};
            else return ", .padding = " + spell_padding<O.padding>();
        }();
        constexpr auto all = strides + padding;
        return ", ctnn::Pooling{" + drop_leading_comma<all>() + "}";
    }
}

}  // namespace detail

}  // namespace ctnn
