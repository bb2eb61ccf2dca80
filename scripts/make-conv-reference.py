#!/usr/bin/python3
"""Regenerate tests/data/conv.txt, the PyTorch reference of ctnn's convolution
and pooling layers (issue 15) for tests/conv_reference.cpp.

Deterministic (same bytes on every run on one machine; another CPU or torch
build may change last digits, far below the test's tolerances). All
computation in float64 with Debian's python3-torch, one thread. Run from
anywhere:

    /usr/bin/python3 scripts/make-conv-reference.py

Formulas (nothing but the results is stored; tests/conv_reference.cpp repeats
them, with tests/support/reference_data.hpp's u):

    u(k) = ((k * 40503 + 12345) mod 65536) / 32768 - 1      (exact in float)
    input element i (flat, channels last)      x[i]  = 2 * u(i * 31 + 7)
    parameter k (flat, Keras layout)           w[k]  = 0.25 * u(k)
    upstream gradient j (flat, channels last)  dy[j] = u(j * 29 + 5003)

The x[i] are all different (31 * 40503 is odd, so i -> u(i * 31 + 7) is one
to one for i < 65536): no max pooling window has a tie.

Layouts and their PyTorch equivalents (Keras on the left, what the script
builds on the right):
  - Data is channels last, (steps, C) or (rows, cols, C), row-major; PyTorch
    is channels first: x.reshape(L, C).t() -> (1, C, L), x.reshape(H, W, C)
    .permute(2, 0, 1) -> (1, C, H, W); outputs and gradients go back by the
    inverse transposes before they are written.
  - Conv1D kernel (K, C/g, F), then bias (F): torch weight (F, C/g, K),
    weight[f, c, k] = kernel[k, c, f]; groups g as torch's groups (filter f
    sees the input channels of group f // (F/g), in both).
  - Conv2D kernel (KH, KW, C/g, F) -> torch weight (F, C/g, KH, KW),
    weight[f, c, i, j] = kernel[i, j, c, f].
  - DepthwiseConv2D kernel (KH, KW, C, M), M = depth_multiplier, then bias
    (C * M) -> torch Conv2d(groups = C, out_channels = C * M) with weight
    (C * M, 1, KH, KW), weight[c * M + m, 0, i, j] = kernel[i, j, c, m]:
    output channel c * M + m, in Keras and in torch.
  - use_bias = false: no bias in the block, torch's bias None.
  - Padding 'same' as TensorFlow: per axis, total = max((out - 1) s + d (K - 1)
    + 1 - L, 0) with out = ceil(L / s), the smaller half (total // 2) before,
    applied with F.pad before a padding-free torch op (torch's own
    padding='same' rejects strides above 1 and need not split as TensorFlow,
    so it is not used). The script asserts that some case has an odd total, and that the
    other split would change that case's output.
  - Padding 'causal' (Conv1D): d (K - 1) zeros before, none after.
  - Activation after the convolution (identity, torch.relu, torch.tanh); dy is
    the gradient of the activated output.
  - MaxPooling 'same': padded with -inf (a max never picks padding); the
    script asserts that zeros would change some case.
  - AveragePooling 'same': divides by the entries inside the input, as Keras
    (TensorFlow), unlike torch's count_include_pad=True: computed as
    sum-pool / count-pool, both avg_pool on zero-padded tensors (x and ones)
    times the window size (the script asserts that counting the padding would
    change every 'same' case). 'valid': plain avg_pool. Pooling strides 0 (the
    default, not spelled) is the pool size.
  - Global poolings: mean / max over the steps (rows and cols) per channel.
Gradients are torch.autograd's of L = sum(dy * y) with respect to x and the
parameters (dx, dw), written in the layouts above.

Cases: see CASES below (the ctnn spelling of each, exactly as Layer::name,
and its input shape); odd lengths, channel counts 3, 5, 7 (no SIMD width).

Training trajectory of a small CNN,
    ctnn::BasicSequential<double, ctnn::Input<8, 8, 2>, ctnn::Conv2D<3, 3, 3, ctnn::ReLU>,
        ctnn::MaxPooling2D<2, 2>, ctnn::Flatten, ctnn::Dense<27, 2, ctnn::Sigmoid>>
(113 parameters: conv kernel 3 x 3 x 2 x 3, bias 3 | dense kernel 27 x 2, bias
2), initial parameters w[k] = 0.25 * u(k), 12 rows, row n's input element i =
2 * u(n * 7919 + i * 31 + 7) (make-reference.py's input_value), targets
    y0 = [sum of the 128 inputs > 0],  y1 = [sum of channel 0 > sum of channel 1]
(channel c of pixel p at 2 p + c). torch: Conv2d(2, 3, 3), relu, MaxPool2d(2),
then the NCHW tensor permuted to NHWC before flattening (Keras' Flatten of
(3, 3, 3): row r col c channel f at (3 r + c) 3 + f, the index of the Dense
kernel's row), Linear(27, 2) with weight = kernel^T, sigmoid, BCELoss (mean
over outputs and batch), torch.optim.Adam(lr 0.01, betas (0.9, 0.999), eps
1e-14); batches of 4 rows in order (0-3, 4-7, 8-11, 0-3, 4-7: 5 steps, no
shuffle). Per step the batch loss before the update, the gradient and the
parameters after the update (Keras layout). As in make-reference.py, PyTorch
adds Adam's epsilon to sqrt(v_hat), Keras (ctnn) to sqrt(v); the script runs
Keras' formula on the same gradients, asserts the difference is below 2e-10
and writes it as a comment (about 1e-11; with eps 1e-12 it was 9e-10, hence
1e-14); it asserts BCE's predictions stay in (0.001, 0.999)
(away from the clip where ctnn's fused p - y would differ), and that the
column-major (NCHW) flatten would change the first step's loss.

Format: '#' starts a comment line; values separated by spaces, repr() of
float64 (shortest round trip).
    case <ctnn spelling, several words>
    input <dims...>            (channels last)
    output <dims...>
    params <n>
    y <outputs, flat...>
    dx <dL/dx, flat...>
    dw <dL/dparams, Keras layout...>   (no values for a pooling)
  then
    model <name>
    rows <n> batch <b> steps <s>
    row <r> y <targets...>                        (n lines; inputs by formula)
    step <i> rows <rows...> loss <batch loss>     (s groups of 3 lines)
    g <gradient, Keras layout...>
    w <parameters after the step, Keras layout...>
"""

import math
import os

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, os.pardir, "tests", "data")

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)
DT = torch.float64


def fmt(values):
    return " ".join(repr(float(v)) for v in values)


def u(k):
    return ((k * 40503 + 12345) % 65536) / 32768.0 - 1.0


def x_value(i):
    return 2.0 * u(i * 31 + 7)


def w_value(k):
    return 0.25 * u(k)


def dy_value(j):
    return u(j * 29 + 5003)


def input_value(n, i):
    return 2.0 * u(n * 7919 + i * 31 + 7)


ACT = {"Linear": lambda t: t, "ReLU": torch.relu, "Tanh": torch.tanh}

# ---- spelling (as include/ctnn/layers/window.hpp's spell_conv / spell_pooling) ----


def per_axis(v):
    return str(v[0]) if v[0] == v[1] else "{%d, %d}" % v


def spell_conv(o):
    fields = []
    if o["strides"] != (1, 1):
        fields.append(".strides = " + per_axis(o["strides"]))
    if o["padding"] != "valid":
        fields.append(".padding = ctnn::Padding::" + o["padding"])
    if o["dilation"] != (1, 1):
        fields.append(".dilation_rate = " + per_axis(o["dilation"]))
    if o["groups"] != 1:
        fields.append(".groups = %d" % o["groups"])
    if not o["use_bias"]:
        fields.append(".use_bias = false")
    if o["multiplier"] != 1:
        fields.append(".depth_multiplier = %d" % o["multiplier"])
    return ", ctnn::Conv{" + ", ".join(fields) + "}" if fields else ""


def spell_pooling(strides, padding):
    fields = []
    if strides != 0:
        fields.append(".strides = %d" % strides)
    if padding != "valid":
        fields.append(".padding = ctnn::Padding::" + padding)
    return ", ctnn::Pooling{" + ", ".join(fields) + "}" if fields else ""


def conv_options(strides=1, padding="valid", dilation=1, groups=1, use_bias=True, multiplier=1):
    two = lambda v: v if isinstance(v, tuple) else (v, v)
    return {"strides": two(strides), "padding": padding, "dilation": two(dilation), "groups": groups,
            "use_bias": use_bias, "multiplier": multiplier}


# ---- geometry ------------------------------------------------------------------


def axis_padding(length, window, stride, dilation, padding, swap=False):
    """(before, after) padding of one axis, TensorFlow's split (swap: the other split, to show it matters)."""
    span = dilation * (window - 1) + 1
    if padding == "valid":
        return 0, 0
    if padding == "causal":
        return span - 1, 0
    out = (length + stride - 1) // stride
    total = max((out - 1) * stride + span - length, 0)
    before = total // 2
    if swap:
        before = total - before
    return before, total - before


# ---- the cases -----------------------------------------------------------------
# ("conv1d", F, K, act, options, (L, C)), ("conv2d", F, KH, KW, act, options, (H, W, C)),
# ("depthwise", KH, KW, act, options, (H, W, C)),
# ("pool", "max"/"avg", (PH, PW) or (P,), strides, padding, shape), ("global", "max"/"avg", shape).

C = conv_options
CASES = [
    ("conv1d", 4, 3, "Linear", C(), (9, 3)),
    ("conv1d", 5, 3, "ReLU", C(padding="same"), (9, 3)),
    ("conv1d", 4, 4, "Linear", C(padding="same"), (7, 3)),  # total 3: 1 before, 2 after
    ("conv1d", 4, 3, "Tanh", C(padding="causal", dilation=2), (9, 3)),
    ("conv1d", 3, 3, "Linear", C(padding="causal"), (8, 5)),
    ("conv1d", 3, 2, "Tanh", C(strides=2, padding="causal"), (9, 5)),
    ("conv1d", 4, 3, "Linear", C(strides=2), (11, 3)),
    ("conv1d", 4, 3, "Tanh", C(strides=2, padding="same"), (10, 3)),
    ("conv1d", 7, 4, "Linear", C(strides=3), (13, 5)),
    ("conv1d", 7, 3, "ReLU", C(strides=3, padding="same"), (11, 5)),
    ("conv1d", 3, 3, "Linear", C(dilation=2), (11, 7)),
    ("conv1d", 3, 3, "Tanh", C(padding="same", dilation=3), (10, 7)),
    ("conv1d", 4, 3, "Linear", C(groups=2), (9, 6)),
    ("conv1d", 6, 3, "Tanh", C(padding="same", groups=3), (8, 3)),
    ("conv1d", 5, 3, "ReLU", C(use_bias=False), (9, 3)),
    ("conv1d", 1, 1, "Linear", C(), (5, 7)),
    ("conv2d", 3, 3, 3, "Linear", C(), (6, 7, 3)),
    ("conv2d", 5, 3, 3, "ReLU", C(padding="same"), (5, 6, 3)),
    ("conv2d", 4, 2, 3, "Tanh", C(padding="same"), (5, 5, 5)),  # odd totals on both axes
    ("conv2d", 4, 3, 3, "Linear", C(strides=(2, 1)), (7, 6, 3)),
    ("conv2d", 4, 3, 2, "Tanh", C(strides=(2, 1), padding="same"), (7, 6, 3)),
    ("conv2d", 3, 3, 3, "Linear", C(strides=2), (7, 8, 5)),
    ("conv2d", 3, 3, 3, "ReLU", C(strides=2, padding="same"), (8, 7, 5)),
    ("conv2d", 3, 2, 3, "Linear", C(dilation=(1, 2)), (6, 8, 3)),
    ("conv2d", 3, 3, 3, "Tanh", C(padding="same", dilation=2), (7, 7, 3)),
    ("conv2d", 4, 3, 3, "Linear", C(groups=2), (6, 6, 6)),
    ("conv2d", 6, 3, 3, "Tanh", C(padding="same", groups=3, use_bias=False), (5, 5, 3)),
    # 3x3 stride 1 with 8+ channels and filters: ctnn's Winograd F(2x2, 3x3) path
    ("conv2d", 9, 3, 3, "ReLU", C(), (7, 6, 8)),  # 5 x 4 outputs: a half tile row
    ("conv2d", 10, 3, 3, "Tanh", C(padding="same", use_bias=False), (5, 7, 9)),  # padding inside tiles
    ("depthwise", 3, 3, "Linear", C(), (6, 7, 3)),
    ("depthwise", 3, 3, "ReLU", C(padding="same"), (6, 5, 5)),
    ("depthwise", 3, 3, "Tanh", C(multiplier=2), (6, 6, 3)),
    ("depthwise", 2, 3, "Linear", C(padding="same", multiplier=2), (5, 6, 3)),
    ("depthwise", 3, 3, "Linear", C(strides=2, multiplier=2), (7, 8, 5)),
    ("depthwise", 3, 3, "Tanh", C(strides=2, padding="same", use_bias=False), (8, 7, 3)),
    ("pool", "max", (2,), 0, "valid", (9, 3)),
    ("pool", "max", (3,), 1, "valid", (9, 5)),
    ("pool", "max", (2,), 0, "same", (9, 3)),
    ("pool", "max", (3,), 2, "same", (10, 5)),
    ("pool", "max", (3,), 1, "same", (8, 7)),
    ("pool", "avg", (2,), 0, "valid", (9, 3)),
    ("pool", "avg", (3,), 1, "valid", (9, 5)),
    ("pool", "avg", (2,), 0, "same", (9, 3)),
    ("pool", "avg", (3,), 2, "same", (10, 5)),
    ("pool", "avg", (3,), 1, "same", (8, 7)),
    ("pool", "max", (2, 2), 0, "valid", (7, 7, 3)),
    ("pool", "max", (3, 3), 1, "valid", (6, 7, 3)),
    ("pool", "max", (2, 2), 0, "same", (7, 5, 5)),
    ("pool", "max", (3, 2), 2, "same", (8, 7, 3)),
    ("pool", "max", (3, 3), 1, "same", (5, 6, 7)),
    ("pool", "avg", (2, 2), 0, "valid", (7, 7, 3)),
    ("pool", "avg", (3, 3), 1, "valid", (6, 7, 3)),
    ("pool", "avg", (2, 2), 0, "same", (7, 5, 5)),
    ("pool", "avg", (3, 2), 2, "same", (8, 7, 3)),
    ("pool", "avg", (3, 3), 1, "same", (5, 6, 7)),
    ("global", "avg", (9, 5)),
    ("global", "max", (9, 5)),
    ("global", "avg", (5, 6, 7)),
    ("global", "max", (5, 6, 7)),
]


def spelling(case):
    kind = case[0]
    if kind == "conv1d":
        _, f, k, act, o, _ = case
        return "ctnn::Conv1D<%d, %d, ctnn::%s%s>" % (f, k, act, spell_conv(o))
    if kind == "conv2d":
        _, f, kh, kw, act, o, _ = case
        return "ctnn::Conv2D<%d, %d, %d, ctnn::%s%s>" % (f, kh, kw, act, spell_conv(o))
    if kind == "depthwise":
        _, kh, kw, act, o, _ = case
        return "ctnn::DepthwiseConv2D<%d, %d, ctnn::%s%s>" % (kh, kw, act, spell_conv(o))
    if kind == "pool":
        _, op, pool, strides, padding, _ = case
        name = ("MaxPooling" if op == "max" else "AveragePooling") + "%dD" % len(pool)
        return "ctnn::%s<%s%s>" % (name, ", ".join(str(p) for p in pool), spell_pooling(strides, padding))
    _, op, shape = case
    return "ctnn::Global%sPooling%dD" % ("Max" if op == "max" else "Average", len(shape) - 1)


def to_channels_first(x, shape):
    """Flat channels-last values -> (1, C, *spatial)."""
    t = x.reshape(shape)
    return t.permute(len(shape) - 1, *range(len(shape) - 1)).unsqueeze(0)


def to_channels_last(t):
    """(1, C, *spatial) -> flat channels-last values."""
    t = t.squeeze(0)
    return t.permute(*range(1, t.dim()), 0).reshape(-1)


def pad_spatial(t, pads, value=0.0):
    """pads: per spatial axis (before, after), in axis order; F.pad wants the last axis first."""
    flat = []
    for before, after in reversed(pads):
        flat += [before, after]
    return F.pad(t, flat, value=value)


def conv_parameters(kernel_shape, bias_count, use_bias):
    n_kernel = math.prod(kernel_shape)
    kernel = torch.tensor([w_value(k) for k in range(n_kernel)], dtype=DT).reshape(kernel_shape)
    kernel.requires_grad_(True)
    bias = None
    if use_bias:
        bias = torch.tensor([w_value(n_kernel + j) for j in range(bias_count)], dtype=DT).requires_grad_(True)
    return kernel, bias


def run_case(case, swap=False, torch_padding=False):
    """(x, y channels last flat, the parameter tensors in Keras layout, the output shape).
    swap: the other 'same' split; torch_padding: pool over zeros as torch's defaults would
    (max over zero padding, average counting the padding), to show the cases tell them apart."""
    kind = case[0]
    shape = case[-1]
    spatial = shape[:-1]
    channels = shape[-1]
    params = []
    if kind in ("conv1d", "conv2d", "depthwise"):
        if kind == "conv1d":
            _, f, k, act, o, _ = case
            window = (k,)
            g = o["groups"]
            kernel, bias = conv_parameters((k, channels // g, f), f, o["use_bias"])
            weight = lambda: kernel.permute(2, 1, 0)  # (F, C/g, K)
            op = lambda t, w, b: F.conv1d(t, w, b, stride=o["strides"][0], dilation=o["dilation"][0], groups=g)
        elif kind == "conv2d":
            _, f, kh, kw, act, o, _ = case
            window = (kh, kw)
            g = o["groups"]
            kernel, bias = conv_parameters((kh, kw, channels // g, f), f, o["use_bias"])
            weight = lambda: kernel.permute(3, 2, 0, 1)  # (F, C/g, KH, KW)
            op = lambda t, w, b: F.conv2d(t, w, b, stride=o["strides"], dilation=o["dilation"], groups=g)
        else:
            _, kh, kw, act, o, _ = case
            window = (kh, kw)
            m = o["multiplier"]
            kernel, bias = conv_parameters((kh, kw, channels, m), channels * m, o["use_bias"])
            # (KH, KW, C, M) -> (C, M, KH, KW) -> (C * M, 1, KH, KW): output channel c * M + m.
            weight = lambda: kernel.permute(2, 3, 0, 1).reshape(channels * m, 1, kh, kw)
            op = lambda t, w, b: F.conv2d(t, w, b, stride=o["strides"], dilation=o["dilation"], groups=channels)
        params = [kernel] + ([bias] if bias is not None else [])
        strides = o["strides"][:len(spatial)]
        dilation = o["dilation"][:len(spatial)]
        pads = [axis_padding(spatial[a], window[a], strides[a], dilation[a], o["padding"], swap)
                for a in range(len(spatial))]

        def forward(x):
            t = pad_spatial(to_channels_first(x, shape), pads)
            return ACT[act](op(t, weight(), bias))
    elif kind == "pool":
        _, kind_op, pool, strides, padding, _ = case
        stride = tuple(strides if strides else p for p in pool)
        pads = [axis_padding(spatial[a], pool[a], stride[a], 1, padding, swap) for a in range(len(spatial))]
        if len(pool) == 1:
            maxp, avgp = F.max_pool1d, F.avg_pool1d
        else:
            maxp, avgp = F.max_pool2d, F.avg_pool2d
        size = math.prod(pool)

        def forward(x):
            t = to_channels_first(x, shape)
            if kind_op == "max":
                return maxp(pad_spatial(t, pads, value=0.0 if torch_padding else -math.inf), pool, stride)
            if torch_padding:
                return avgp(pad_spatial(t, pads), pool, stride)
            if padding == "valid":
                return avgp(t, pool, stride)
            total = avgp(pad_spatial(t, pads), pool, stride) * size
            count = avgp(pad_spatial(torch.ones_like(t), pads), pool, stride) * size
            return total / count
    else:
        _, kind_op, _ = case

        def forward(x):
            t = to_channels_first(x, shape).flatten(2)  # (1, C, steps)
            y = t.amax(dim=2) if kind_op == "max" else t.mean(dim=2)
            return y.unsqueeze(2)  # (1, C, 1): channels last flat is the C values

    n_in = math.prod(shape)
    x = torch.tensor([x_value(i) for i in range(n_in)], dtype=DT).requires_grad_(True)
    out = forward(x)
    if kind == "global":
        out_shape = (channels,)
    else:
        out_shape = tuple(out.shape[2:]) + (out.shape[1],)
    y = to_channels_last(out)
    return x, y, params, out_shape


def expected_length(length, window, stride, dilation, padding):
    if padding == "valid":
        return (length - dilation * (window - 1) - 1) // stride + 1
    return (length + stride - 1) // stride


def check_output_shape(case, out_shape):
    """Keras' output lengths (window.hpp's formulas), independently of torch's."""
    kind = case[0]
    shape = case[-1]
    if kind == "global":
        return
    if kind == "pool":
        _, _, pool, strides, padding, _ = case
        want = tuple(expected_length(shape[a], pool[a], strides or pool[a], 1, padding) for a in range(len(pool)))
        channels = shape[-1]
    else:
        o = case[-2]
        window = case[2:3] if kind == "conv1d" else (case[2:4] if kind == "conv2d" else case[1:3])
        window = tuple(window)
        want = tuple(expected_length(shape[a], window[a], o["strides"][a], o["dilation"][a], o["padding"])
                     for a in range(len(window)))
        channels = case[1] if kind != "depthwise" else shape[-1] * o["multiplier"]
    assert out_shape == want + (channels,), (spelling(case), out_shape, want)


def write_cases(lines):
    odd_split_seen = False
    wrong_padding_seen = {"max": 0, "avg": 0}
    for case in CASES:
        x, y, params, out_shape = run_case(case)
        check_output_shape(case, out_shape)
        dy = torch.tensor([dy_value(j) for j in range(y.numel())], dtype=DT)
        grads = torch.autograd.grad((dy * y).sum(), [x] + params)
        dx = grads[0]
        dw = []
        for gr in grads[1:]:
            dw += gr.reshape(-1).tolist()  # the kernel tensors are held in Keras layout already
        n_params = sum(p.numel() for p in params)
        assert len(dw) == n_params
        # Does the other 'same' split change the result? (only where the total is odd)
        if case[0] != "global":
            _, y_swapped, _, _ = run_case(case, swap=True)
            if (y_swapped - y).abs().max().item() > 1e-3:
                odd_split_seen = True
        if case[0] == "pool" and case[4] == "same":
            _, y_wrong, _, _ = run_case(case, torch_padding=True)
            if (y_wrong - y).abs().max().item() > 1e-3:
                wrong_padding_seen[case[1]] += 1
        if case[0] == "pool" and case[1] == "max":
            # no ties: every window's maximum is unique (the inputs are all different)
            assert len(set(x.tolist())) == x.numel()
        lines.append("case %s" % spelling(case))
        lines.append("input %s" % " ".join(str(d) for d in case[-1]))
        lines.append("output %s" % " ".join(str(d) for d in out_shape))
        lines.append("params %d" % n_params)
        lines.append("y %s" % fmt(y.tolist()))
        lines.append("dx %s" % fmt(dx.tolist()))
        lines.append(("dw %s" % fmt(dw)).rstrip())
    assert odd_split_seen, "no case tells TensorFlow's 'same' split from the other one"
    # Every 'same' average pooling tells Keras' divisor from torch's count_include_pad=True, and
    # some 'same' max pooling tells -inf padding from zeros (a window of negative values at an edge).
    same_averages = sum(1 for c in CASES if c[0] == "pool" and c[1] == "avg" and c[4] == "same")
    assert wrong_padding_seen["avg"] == same_averages and wrong_padding_seen["max"] > 0, wrong_padding_seen


# ---- the CNN trajectory ------------------------------------------------------------

CNN_MODEL = ("ctnn::BasicSequential<double, ctnn::Input<8, 8, 2>, ctnn::Conv2D<3, 3, 3, ctnn::ReLU>, "
             "ctnn::MaxPooling2D<2, 2>, ctnn::Flatten, ctnn::Dense<27, 2, ctnn::Sigmoid>>")
CNN_IN = 8 * 8 * 2
CNN_PARAMS = 3 * 3 * 2 * 3 + 3 + 27 * 2 + 2
CNN_ROWS, CNN_BATCH, CNN_STEPS = 12, 4, 5
EPS = 1e-14  # Adam epsilon


def cnn_targets(x):
    return [1.0 if sum(x) > 0 else 0.0, 1.0 if sum(x[0::2]) > sum(x[1::2]) else 0.0]


class CNN(torch.nn.Module):
    def __init__(self, flatten="nhwc"):
        super().__init__()
        w = [w_value(k) for k in range(CNN_PARAMS)]
        self.conv = torch.nn.Conv2d(2, 3, 3, dtype=DT)
        self.dense = torch.nn.Linear(27, 2, dtype=DT)
        self.flatten = flatten
        with torch.no_grad():
            self.conv.weight.copy_(torch.tensor(w[0:54], dtype=DT).reshape(3, 3, 2, 3).permute(3, 2, 0, 1))
            self.conv.bias.copy_(torch.tensor(w[54:57], dtype=DT))
            self.dense.weight.copy_(torch.tensor(w[57:111], dtype=DT).reshape(27, 2).t())
            self.dense.bias.copy_(torch.tensor(w[111:113], dtype=DT))
        assert self.block() == w

    def forward(self, x):
        t = x.reshape(-1, 8, 8, 2).permute(0, 3, 1, 2)  # NHWC -> NCHW
        t = F.max_pool2d(torch.relu(self.conv(t)), 2)  # (N, 3, 3, 3)
        if self.flatten == "nhwc":
            t = t.permute(0, 2, 3, 1)
        return torch.sigmoid(self.dense(t.reshape(-1, 27)))

    def block(self, grad=False):
        pick = (lambda t: t.grad) if grad else (lambda t: t.detach())
        return (pick(self.conv.weight).permute(2, 3, 1, 0).reshape(-1).tolist() + pick(self.conv.bias).tolist() +
                pick(self.dense.weight).t().reshape(-1).tolist() + pick(self.dense.bias).tolist())


def keras_adam(w, grads, lr=0.01, b1=0.9, b2=0.999, eps=EPS):
    """Keras' (ctnn's) Adam over the trajectory's gradients, for the epsilon bound."""
    m = [0.0] * len(w)
    v = [0.0] * len(w)
    out = []
    for t, g in enumerate(grads, start=1):
        a = lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        w = list(w)
        for k in range(len(w)):
            m[k] += (g[k] - m[k]) * (1 - b1)
            v[k] += (g[k] * g[k] - v[k]) * (1 - b2)
            w[k] -= a * m[k] / (math.sqrt(v[k]) + eps)
        out.append(w)
    return out


def write_trajectory(lines):
    xs = [[input_value(n, i) for i in range(CNN_IN)] for n in range(CNN_ROWS)]
    ys = [cnn_targets(x) for x in xs]
    for j in range(2):
        assert 0 < sum(y[j] for y in ys) < CNN_ROWS
    net = CNN()
    optimizer = torch.optim.Adam(net.parameters(), lr=0.01, betas=(0.9, 0.999), eps=EPS)
    loss_fn = torch.nn.BCELoss()
    initial = net.block()
    body, grads, weights = [], [], []
    for step in range(CNN_STEPS):
        first = (step % (CNN_ROWS // CNN_BATCH)) * CNN_BATCH
        rows = list(range(first, first + CNN_BATCH))
        x = torch.tensor([xs[r] for r in rows], dtype=DT)
        y = torch.tensor([ys[r] for r in rows], dtype=DT)
        optimizer.zero_grad()
        p = net(x)
        q = p.detach()
        assert q.min().item() > 1e-3 and q.max().item() < 1 - 1e-3, "BCE prediction near the clip"
        loss = loss_fn(p, y)
        if step == 0:
            wrong = CNN(flatten="nchw")
            with torch.no_grad():
                assert abs(loss_fn(wrong(x), y).item() - loss.item()) > 1e-4, "the flatten order does not show"
        loss.backward()
        g = net.block(grad=True)
        optimizer.step()
        grads.append(g)
        weights.append(net.block())
        body.append("step %d rows %s loss %s" % (step + 1, " ".join(str(r) for r in rows), repr(loss.item())))
        body.append("g %s" % fmt(g))
        body.append("w %s" % fmt(weights[-1]))
    keras = keras_adam(initial, grads)
    worst = max(abs(a - b) for wk, wt in zip(keras, weights) for a, b in zip(wk, wt))
    assert worst < 2e-10, worst
    lines.append("# Keras' Adam (epsilon on sqrt(v)) on the same gradients differs from torch's by at most %.3g"
                 % worst)
    lines.append("model %s" % CNN_MODEL)
    lines.append("rows %d batch %d steps %d" % (CNN_ROWS, CNN_BATCH, CNN_STEPS))
    for n in range(CNN_ROWS):
        lines.append("row %d y %s" % (n, fmt(ys[n])))
    lines += body


def main():
    lines = [
        "# PyTorch %s float64 reference for ctnn's convolution and pooling layers; generated by "
        "scripts/make-conv-reference.py, do not edit." % torch.__version__,
        "# u(k) = ((k * 40503 + 12345) mod 65536) / 32768 - 1; x[i] = 2 * u(i * 31 + 7), w[k] = 0.25 * u(k),",
        "# dy[j] = u(j * 29 + 5003), all flat (channels last, Keras layout). y: outputs; dx, dw: gradients of",
        "# sum(dy * y). Then a CNN trained by Adam + BCE (rows: 2 * u(n * 7919 + i * 31 + 7)). See the docstring.",
    ]
    write_cases(lines)
    write_trajectory(lines)
    os.makedirs(DATA, exist_ok=True)
    with open(os.path.join(DATA, "conv.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
