#!/usr/bin/python3
"""Regenerate the PyTorch reference vectors in tests/data/ for tests/reference.cpp,
tests/training_reference.cpp and tests/batch_normalization_reference.cpp (which
also reads rank2.txt).

Produces, deterministically (same bytes on every run on one machine; another
CPU or torch build may change last digits, far below every test's tolerance):

  tests/data/activations.txt
      For each elementwise activation (ctnn::Linear, ReLU, ELU, SELU, Swish,
      Sigmoid, Tanh; in PyTorch: identity, relu, elu(alpha=1), selu, silu,
      sigmoid, tanh) one line of inputs and one line of outputs: fixed edge
      values (0, -0.0, +-1e-6, +-1e-3, +-0.5, +-1, +-3, +-10, +-20, +-50, +-88,
      +-100, +-1000) and random values that are exact in float32. Then a few
      ctnn::Softmax vectors (lengths 1, 4 and 10, with logits of +-1000).

  tests/data/models.txt
      For each model, named by its exact ctnn C++ spelling (Model::name), the
      outputs for a few input samples. Neither weights nor inputs are stored;
      both follow a formula that tests/reference.cpp repeats:

        u(k) = ((k * 40503 + 12345) mod 65536) / 32768 - 1   (exact in float)
        parameter k of the model's flat block = 0.25 * u(k)
            (Keras layout: per Dense layer the kernel In x Out, input-major,
             element i*Out+j links input i to output j, then the Out biases)
        input sample n, element i = 2 * u(n * 7919 + i * 31 + 7)

      The models are built from torch.nn.Linear with weight[j][i] = kernel(i, j),
      the transpose of the Keras kernel, and bias[j] = bias(j).

  tests/data/training.txt
      Training trajectories for tests/training_reference.cpp: the model
      Dense<3, 5, Tanh> -> Dense<5, 2, Sigmoid> (32 parameters) with the formula
      weights above, trained by torch.optim on 12 fixed rows in fixed batches
      of 4 (rows 0-3, 4-7, 8-11, 0-3, 4-7: 5 steps, no shuffling). Row n's
      input is the formula input above; its targets, in {0, 1}, are
        y0 = 1 if x0 + x1 + x2 > 0 else 0,   y1 = 1 if x0 * x1 * x2 > 0 else 0
      (exact: the inputs are multiples of 2^-14). One trajectory per
      optimizer and loss, each from the same initial weights:
        adam_bce           Adam(lr 0.01, betas (0.9, 0.999), eps 1e-12) + BCELoss
        sgd_momentum_mse   SGD(lr 0.1, momentum 0.9) + MSELoss
        sgd_nesterov_mse   SGD(lr 0.1, momentum 0.9, nesterov) + MSELoss
        sgd_huber          SGD(lr 0.1) + HuberLoss(delta 1), on targets 2y - 0.6
                           (p is near 0.5: |p - target| is near 0.9 for y = 1,
                           near 1.1 for y = 0, both branches of Huber)
      All losses with reduction 'mean' over every element, which with a fixed
      number of outputs is Keras' mean over the outputs, then over the batch.
      Per step: the batch loss (before the update), the gradient and the
      parameters after the update, both as the flat block in Keras layout.
      Keras' and PyTorch's formulas agree: SGD with momentum, Keras
      v = m v - lr g, w += v, PyTorch b = m b + g, w -= lr b (v = -lr b);
      Nesterov, Keras w += m v - lr g with the updated v, PyTorch
      w -= lr (g + m b): identical for a constant lr. Adam: PyTorch adds
      epsilon to sqrt(v_hat), Keras to sqrt(v), i.e. Keras' epsilon is
      PyTorch's times sqrt(1 - beta_2^t), up to 1/sqrt(0.001) = 32 times
      larger; with epsilon 1e-12 and these gradients (all above 9e-5) that
      moves the parameters by about 1e-10. The script runs Keras' formula on
      the same gradients, asserts the difference is below 2e-10 and writes it
      as a comment; it also asserts BCE's predictions stay far from the 1e-7
      clip (where ctnn's fused gradient p - y would differ) and Huber's errors
      far from delta (so float rounding cannot switch a branch).

  tests/data/batch_normalization.txt
      BatchNormalization trajectories for tests/batch_normalization_reference.cpp:
      the model Dense<3, 4, Tanh> -> BatchNormalization -> Dense<4, 2, Sigmoid>
      (34 parameters, 8 state values) on the 12 rows of training.txt (same
      inputs, same targets), trained by torch.optim.SGD(lr 0.1) + BCELoss.
      Initial values, by the flat index k of the parameter block (Keras
      layout: kernel 3 x 4, bias 4 | gamma 4, beta 4 | kernel 4 x 2, bias 2)
      and s of the state block (moving mean 4, moving variance 4):
        Dense parameters       0.25 * u(k)          (k = 0-15 and 24-33)
        gamma i                1 + 0.1 * u(16 + i)
        beta i                 0.05 * u(20 + i)
        moving mean i          0.1 * u(100 + i)            (s = i)
        moving variance i      1 + 0.25 * u(104 + i)       (s = 4 + i)
      Keras' BatchNormalization (momentum 0.99, epsilon 1e-3) against
      torch.nn.BatchNorm1d(4, eps=1e-3, momentum=0.01): PyTorch's momentum is
      1 - Keras'. In training both normalize with the batch mean and the
      biased batch variance, so the forward output and every gradient come
      from torch.autograd through BatchNorm1d; but PyTorch's running_var
      follows the unbiased batch variance and Keras' moving variance the
      biased one, so the script computes Keras' moving statistics itself,
        moving = moving * 0.99 + batch * (1 - 0.99),
      batch = torch.mean and torch.var(unbiased=False) of the layer's input,
      and asserts PyTorch's running_mean agrees and its running_var is the
      unbiased update. Two trajectories:
        batch4       rows 0-3, 4-7, 8-11 (3 steps) through nn.BatchNorm1d;
                     the script also runs Keras' formula
                     (x - mean) / sqrt(var + eps) * gamma + beta through
                     autograd and asserts both give the same gradient.
        single_row   batches of ONE row (rows 0, then 1: 2 steps). BatchNorm1d
                     refuses a batch of 1 in training; Keras' formula, run
                     through autograd here, gives a variance of 0, x_hat = 0,
                     the output beta, a zero input gradient (so the first
                     Dense layer's gradient is exactly 0) and a moving
                     variance that decays by 0.99.
      Per step: the batch loss, the predictions, the gradient and the
      parameters after the SGD update (Keras layout: Dense kernels transposed
      from PyTorch's weight, then the bias; gamma, beta) and the moving
      statistics after the step. After each trajectory, inference outputs for
      the formula inputs of samples 12-17, from BatchNorm1d in eval mode with
      Keras' moving statistics copied into running_mean/running_var, i.e.
      (x - moving_mean) / sqrt(moving_variance + eps) * gamma + beta.

  tests/data/rank2.txt
      The first rank-2 model, also for tests/batch_normalization_reference.cpp:
        Input<8, 3> -> Dense<3, 4, Tanh> -> BatchNormalization -> Flatten
        -> Dense<32, 1, Sigmoid>
      (57 parameters: kernel 3 x 4, bias 4 | gamma 4, beta 4 | kernel 32 x 1,
      bias 1; 8 state values as in batch_normalization.txt). A sample is 24
      values, step t feature f at t * 3 + f: row n's are the formula inputs
      x[n][i], i = 0-23, its target [x0 + ... + x23 > 0] (7 of the 12 rows
      are 1). Initial values as batch_normalization.txt's, by flat index
      (Dense 0.25 * u(k) for k = 0-15 and 24-56; gamma, beta, the moving
      statistics by the same formulas). In PyTorch: nn.Linear(3, 4) on the
      last axis of (N, 8, 3), tanh, BatchNorm1d(4, eps=1e-3, momentum=0.01)
      on the (N, 4, 8) transpose (per channel, statistics over the N * 8
      values: Keras' BatchNormalization on (steps, channels)), flatten of
      (N, 8, 4) row-major (step t channel c at t * 4 + c, the index of
      Dense<32, 1>'s kernel row), nn.Linear(32, 1), sigmoid, BCELoss,
      SGD(lr 0.1). Keras' moving statistics as above, the biased variance
      over the N * 8 values. The script also runs Keras' formula through
      autograd (same output and gradient), and asserts that two wrong
      semantics move the first step's predictions by more than 1e-3:
      Flatten column-major (channel c step t at c * 8 + t), and
      BatchNormalization with statistics per (step, channel) over the batch
      only. Two trajectories:
        batch4         rows 0-3, 4-7, 8-11, 0-3 (4 steps)
        single_sample  batches of ONE sample (rows 0, then 1: 2 steps):
                       still 8 values a channel, so unlike
                       batch_normalization.txt's single_row the variance is
                       not 0 and no gradient is 0.
      Per step and after each trajectory (samples 12-17), the same lines as
      batch_normalization.txt.

Format: plain text, '#' starts a comment line, values separated by spaces and
printed with repr() (shortest string that round-trips a float64).

  activations.txt:  <activation> x <inputs...>
                    <activation> y <outputs...>
  models.txt:       model <name>
                    samples <n>
                    y <outputs of sample 0...>     (n lines)
  training.txt:     model <name>
                    rows <n> batch <b> steps <s>
                    row <r> x <inputs...> y <targets...>      (n lines)
                    trajectory <name>
                    targets <a> <c>          (the loss sees a * y + c)
                    step <i> rows <first row...> loss <batch loss>   (s groups of 3 lines)
                    g <gradient, Keras layout...>
                    w <parameters after the step, Keras layout...>
  batch_normalization.txt:
                    model <name>
                    rows <n>
                    row <r> x <inputs...> y <targets...>      (n lines)
                    init w <initial parameters, Keras layout...>
                    init s <initial state: moving means..., moving variances...>
                    trajectory <name> batch <b> steps <s>
                    step <i> rows <b rows...> loss <batch loss>   (s groups of 5 lines)
                    p <predictions, row after row...>
                    g <gradient, Keras layout...>
                    w <parameters after the step, Keras layout...>
                    s <state after the step...>
                    infer <m>
                    sample <n> x <inputs...> y <inference outputs...>   (m lines)
  rank2.txt:        as batch_normalization.txt (24 inputs a row, 1 target)

All computation is in float64 with Debian's python3-torch. Run from anywhere:

    /usr/bin/python3 scripts/make-reference.py
"""

import math
import os
import random

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, os.pardir, "tests", "data")

torch.set_default_dtype(torch.float64)
DT = torch.float64


def fmt(values):
    return " ".join(repr(float(v)) for v in values)


def float32_exact(x):
    return float(torch.tensor(x, dtype=torch.float32).item())


# ---- activations -----------------------------------------------------------

ELEMENTWISE = [
    ("ctnn::Linear", lambda x: x.clone()),
    ("ctnn::ReLU", F.relu),
    ("ctnn::ELU", lambda x: F.elu(x, alpha=1.0)),
    ("ctnn::SELU", F.selu),
    ("ctnn::Swish", F.silu),
    ("ctnn::Sigmoid", torch.sigmoid),
    ("ctnn::Tanh", torch.tanh),
]


def activation_inputs():
    edges = [0.0, -0.0]
    for v in [1e-6, 1e-3, 0.5, 1.0, 3.0, 10.0, 20.0, 50.0, 88.0, 100.0, 1000.0]:
        edges += [v, -v]
    rng = random.Random(20240601)
    randoms = [float32_exact(rng.uniform(-8.0, 8.0)) for _ in range(24)]
    randoms += [float32_exact(rng.gauss(0.0, 30.0)) for _ in range(8)]
    return edges + randoms


SOFTMAX_VECTORS = [
    [0.5],
    [1000.0],
    [-1000.0],
    [1.0, 2.0, 3.0, 4.0],
    [1000.0, -1000.0, 0.0, 1.0],
    [1000.0, 1000.0, 1000.0, 1000.0],
    [-1000.0, -1000.0, -999.0, -1000.0],
    [0.0, -0.0, 1e-6, -1e-6],
    [-3.25, 7.5, 0.125, -0.5, 2.0, 2.0, -20.0, 50.0, 49.5, -1000.0],
    [1000.0, 999.0, 998.0, 0.0, -1.0, 990.0, 1000.0, -1000.0, 500.0, 999.5],
]


def write_activations(path):
    xs = activation_inputs()
    x = torch.tensor(xs, dtype=DT)
    lines = [
        "# PyTorch %s float64 reference for ctnn activations; generated by "
        "scripts/make-reference.py, do not edit." % torch.__version__,
        "# <activation> x <inputs...> / <activation> y <outputs...>",
    ]
    for name, fn in ELEMENTWISE:
        y = fn(x)
        lines.append("%s x %s" % (name, fmt(xs)))
        lines.append("%s y %s" % (name, fmt(y.tolist())))
    for vec in SOFTMAX_VECTORS:
        y = torch.softmax(torch.tensor(vec, dtype=DT), dim=0)
        lines.append("ctnn::Softmax x %s" % fmt(vec))
        lines.append("ctnn::Softmax y %s" % fmt(y.tolist()))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


# ---- models ----------------------------------------------------------------


def u(k):
    return ((k * 40503 + 12345) % 65536) / 32768.0 - 1.0


def parameter(k):
    return 0.25 * u(k)


def input_value(n, i):
    return 2.0 * u(n * 7919 + i * 31 + 7)


ACT_NAMES = {
    "Linear": "ctnn::Linear",
    "ReLU": "ctnn::ReLU",
    "ELU": "ctnn::ELU",
    "SELU": "ctnn::SELU",
    "Swish": "ctnn::Swish",
    "Sigmoid": "ctnn::Sigmoid",
    "Tanh": "ctnn::Tanh",
    "Softmax": "ctnn::Softmax",
}

ACT_MODULES = {
    "Linear": lambda: torch.nn.Identity(),
    "ReLU": lambda: torch.nn.ReLU(),
    "ELU": lambda: torch.nn.ELU(alpha=1.0),
    "SELU": lambda: torch.nn.SELU(),
    "Swish": lambda: torch.nn.SiLU(),
    "Sigmoid": lambda: torch.nn.Sigmoid(),
    "Tanh": lambda: torch.nn.Tanh(),
    "Softmax": lambda: torch.nn.Softmax(dim=-1),
}

# Layers: ("Dense", In, Out, activation) or ("Activation", activation).
# (a) the card model, (b) a wider MLP, (c) MNIST-sized, (d) every activation,
# (e) (a) in double, (f) and (g) a shape-preserving layer first (with 2 and 4
# outputs: a Dense narrower than any float SIMD vector, and one that fills one).
CARD = [("Dense", 33, 4, "ReLU"), ("Dense", 4, 4, "ReLU"), ("Dense", 4, 1, "Sigmoid")]
MODELS = [
    ("float", CARD, 8),
    ("float", [("Dense", 16, 64, "ReLU"), ("Dense", 64, 64, "ReLU"), ("Dense", 64, 1, "Linear")], 8),
    ("float", [("Dense", 784, 128, "ReLU"), ("Dense", 128, 10, "Softmax")], 4),
    ("float", [("Dense", 5, 7, "ELU"), ("Dense", 7, 3, "SELU"), ("Dense", 3, 6, "Swish"),
               ("Dense", 6, 9, "Tanh"), ("Activation", "Sigmoid"), ("Dense", 9, 17, "Linear"),
               ("Activation", "ReLU"), ("Dense", 17, 4, "Softmax")], 8),
    ("double", CARD, 8),
    ("float", [("Activation", "Tanh"), ("Dense", 3, 2, "Linear")], 8),
    ("float", [("Activation", "Tanh"), ("Dense", 3, 4, "Linear")], 8),
]


def layer_name(layer):
    if layer[0] == "Dense":
        return "ctnn::Dense<%d, %d, %s>" % (layer[1], layer[2], ACT_NAMES[layer[3]])
    if layer[0] == "BatchNormalization":
        return "ctnn::BatchNormalization"
    return "ctnn::Activation<%s>" % ACT_NAMES[layer[1]]


def model_name(scalar, layers):
    inner = ", ".join(layer_name(l) for l in layers)
    if scalar == "float":
        return "ctnn::Sequential<%s>" % inner
    return "ctnn::BasicSequential<%s, %s>" % (scalar, inner)


def build(layers):
    """A torch.nn.Sequential with the formula weights; returns it and its input width."""
    modules = []
    k = 0
    width = None
    for layer in layers:
        if layer[0] == "Dense":
            _, n_in, n_out, act = layer
            assert width is None or width == n_in
            lin = torch.nn.Linear(n_in, n_out, dtype=DT)
            kernel = torch.tensor([[parameter(k + i * n_out + j) for j in range(n_out)]
                                   for i in range(n_in)], dtype=DT)  # Keras: In x Out
            k += n_in * n_out
            bias = torch.tensor([parameter(k + j) for j in range(n_out)], dtype=DT)
            k += n_out
            with torch.no_grad():
                lin.weight.copy_(kernel.t())  # PyTorch: Out x In
                lin.bias.copy_(bias)
            modules += [lin, ACT_MODULES[act]()]
            width = n_out
        else:
            modules.append(ACT_MODULES[layer[1]]())
    first_in = next(l[1] for l in layers if l[0] == "Dense")
    return torch.nn.Sequential(*modules).eval(), first_in, k


def write_models(path):
    lines = [
        "# PyTorch %s float64 reference outputs for ctnn models; generated by "
        "scripts/make-reference.py, do not edit." % torch.__version__,
        "# Weights: parameter k = 0.25 * u(k); inputs: x[n][i] = 2 * u(n * 7919 + i * 31 + 7);",
        "# u(k) = ((k * 40503 + 12345) mod 65536) / 32768 - 1.",
        "# model <name> / samples <n> / n lines: y <outputs...>",
    ]
    for scalar, layers, samples in MODELS:
        net, n_in, n_params = build(layers)
        x = torch.tensor([[input_value(n, i) for i in range(n_in)] for n in range(samples)], dtype=DT)
        with torch.no_grad():
            y = net(x)
        lines.append("model %s" % model_name(scalar, layers))
        lines.append("samples %d" % samples)
        for row in y.tolist():
            lines.append("y %s" % fmt(row))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


# ---- training trajectories -------------------------------------------------

TRAIN_LAYERS = [("Dense", 3, 5, "Tanh"), ("Dense", 5, 2, "Sigmoid")]
TRAIN_ROWS = 12
TRAIN_BATCH = 4
TRAIN_STEPS = 5


def train_targets(x):
    return [1.0 if x[0] + x[1] + x[2] > 0 else 0.0, 1.0 if x[0] * x[1] * x[2] > 0 else 0.0]


def keras_block(net):
    """The parameters of a build() network as ctnn's flat block (Keras layout)."""
    out = []
    for m in net:
        if isinstance(m, torch.nn.Linear):
            out += m.weight.detach().t().reshape(-1).tolist()  # In x Out, input-major
            out += m.bias.detach().tolist()
    return out


def keras_gradient(net):
    out = []
    for m in net:
        if isinstance(m, torch.nn.Linear):
            out += m.weight.grad.t().reshape(-1).tolist()
            out += m.bias.grad.tolist()
    return out


# name, optimizer factory, loss, target scale and shift. Adam's epsilon is
# 1e-12 so that PyTorch's and Keras' placements of it agree to ~1e-10.
TRAJECTORIES = [
    ("adam_bce", lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.9, 0.999), eps=1e-12),
     torch.nn.BCELoss(), 1.0, 0.0),
    ("sgd_momentum_mse", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=False),
     torch.nn.MSELoss(), 1.0, 0.0),
    ("sgd_nesterov_mse", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
     torch.nn.MSELoss(), 1.0, 0.0),
    ("sgd_huber", lambda p: torch.optim.SGD(p, lr=0.1),
     torch.nn.HuberLoss(delta=1.0), 2.0, -0.6),
]


def keras_adam(w, grads, lr=0.01, b1=0.9, b2=0.999, eps=1e-12):
    """Keras' (ctnn's) Adam over a trajectory's gradients, for the epsilon bound."""
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


def write_training(path):
    _, n_in, _ = build(TRAIN_LAYERS)
    xs = [[input_value(n, i) for i in range(n_in)] for n in range(TRAIN_ROWS)]
    ys = [train_targets(x) for x in xs]
    lines = [
        "# PyTorch %s float64 training trajectories for ctnn's backprop and optimizers; generated by "
        "scripts/make-reference.py, do not edit." % torch.__version__,
        "# Initial weights: parameter k = 0.25 * u(k); inputs: x[n][i] = 2 * u(n * 7919 + i * 31 + 7);",
        "# u(k) = ((k * 40503 + 12345) mod 65536) / 32768 - 1; targets y0 = [x0 + x1 + x2 > 0], y1 = [x0 x1 x2 > 0].",
        "# Batches of %d rows in order, no shuffling; per step the batch loss before the update, then" % TRAIN_BATCH,
        "# the gradient and the parameters after the update (Keras layout). See the script's docstring.",
        "model %s" % model_name("double", TRAIN_LAYERS),
        "rows %d batch %d steps %d" % (TRAIN_ROWS, TRAIN_BATCH, TRAIN_STEPS),
    ]
    for n in range(TRAIN_ROWS):
        lines.append("row %d x %s y %s" % (n, fmt(xs[n]), fmt(ys[n])))
    batches_per_epoch = TRAIN_ROWS // TRAIN_BATCH
    for name, make_optimizer, loss_fn, scale, shift in TRAJECTORIES:
        net, _, _ = build(TRAIN_LAYERS)
        net.train()
        optimizer = make_optimizer(net.parameters())
        trajectory_line = len(lines)
        lines.append("trajectory %s" % name)
        lines.append("targets %s %s" % (repr(scale), repr(shift)))
        initial = keras_block(net)
        grads = []
        weights = []
        for step in range(TRAIN_STEPS):
            first = (step % batches_per_epoch) * TRAIN_BATCH
            rows = list(range(first, first + TRAIN_BATCH))
            x = torch.tensor([xs[r] for r in rows], dtype=DT)
            y = torch.tensor([[scale * t + shift for t in ys[r]] for r in rows], dtype=DT)
            optimizer.zero_grad()
            p = net(x)
            # The conditions under which ctnn's formulas are exactly PyTorch's.
            if isinstance(loss_fn, torch.nn.BCELoss):
                q = p.detach()
                assert q.min().item() > 1e-3 and q.max().item() < 1 - 1e-3, "BCE prediction near the clip"
            if isinstance(loss_fn, torch.nn.HuberLoss):
                e = (p.detach() - y).abs()
                assert (e - loss_fn.delta).abs().min().item() > 1e-2, "Huber error too close to delta"
                assert (e > loss_fn.delta).any() and (e < loss_fn.delta).any(), "Huber: one branch only"
            loss = loss_fn(p, y)
            loss.backward()
            g = keras_gradient(net)
            optimizer.step()
            w = keras_block(net)
            grads.append(g)
            weights.append(w)
            lines.append("step %d rows %s loss %s" % (step + 1, " ".join(str(r) for r in rows), repr(loss.item())))
            lines.append("g %s" % fmt(g))
            lines.append("w %s" % fmt(w))
        if name.startswith("adam"):
            keras = keras_adam(initial, grads)
            worst = max(abs(a - b) for wk, wt in zip(keras, weights) for a, b in zip(wk, wt))
            assert worst < 2e-10, "Keras' and PyTorch's Adam differ by %g" % worst
            lines.insert(trajectory_line, "# Keras' Adam (epsilon added to sqrt(v), not sqrt(v_hat)) "
                         "ends at most %.2g from these parameters." % worst)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


# ---- BatchNormalization ----------------------------------------------------

BN_LAYERS = [("Dense", 3, 4, "Tanh"), ("BatchNormalization",), ("Dense", 4, 2, "Sigmoid")]
BN_WIDTH = 4
BN_MOMENTUM = 0.99  # Keras'; PyTorch's momentum is 1 - this
BN_EPSILON = 1e-3
BN_ROWS = 12
BN_SAMPLES = list(range(12, 18))  # inference inputs: formula samples not trained on
# name, batch size, steps; batches of consecutive rows in order.
BN_TRAJECTORIES = [("batch4", 4, 3), ("single_row", 1, 2)]


def bn_initial_parameters():
    """The flat parameter block (Keras layout) by the formulas of the docstring."""
    w = []
    for k in range(16):  # Dense<3, 4>: kernel 3 x 4, bias 4
        w.append(parameter(k))
    w += [1.0 + 0.1 * u(16 + i) for i in range(BN_WIDTH)]  # gamma
    w += [0.05 * u(20 + i) for i in range(BN_WIDTH)]  # beta
    for k in range(24, 34):  # Dense<4, 2>: kernel 4 x 2, bias 2
        w.append(parameter(k))
    return w


def bn_initial_state():
    return [0.1 * u(100 + i) for i in range(BN_WIDTH)] + [1.0 + 0.25 * u(104 + i) for i in range(BN_WIDTH)]


def bn_build():
    """Linear, Tanh, BatchNorm1d, Linear, Sigmoid with the initial parameters."""
    w = bn_initial_parameters()
    lin1 = torch.nn.Linear(3, 4, dtype=DT)
    bn = torch.nn.BatchNorm1d(BN_WIDTH, eps=BN_EPSILON, momentum=1 - BN_MOMENTUM, dtype=DT)
    lin2 = torch.nn.Linear(4, 2, dtype=DT)
    with torch.no_grad():
        lin1.weight.copy_(torch.tensor(w[0:12], dtype=DT).reshape(3, 4).t())
        lin1.bias.copy_(torch.tensor(w[12:16], dtype=DT))
        bn.weight.copy_(torch.tensor(w[16:20], dtype=DT))
        bn.bias.copy_(torch.tensor(w[20:24], dtype=DT))
        lin2.weight.copy_(torch.tensor(w[24:32], dtype=DT).reshape(4, 2).t())
        lin2.bias.copy_(torch.tensor(w[32:34], dtype=DT))
    net = torch.nn.Sequential(lin1, torch.nn.Tanh(), bn, lin2, torch.nn.Sigmoid())
    assert bn_block(net) == w
    return net


def bn_block(net, grad=False):
    """Parameters (or their gradients) in Keras layout."""
    lin1, _, bn, lin2, _ = net
    pick = (lambda t: t.grad) if grad else (lambda t: t.detach())
    return (pick(lin1.weight).t().reshape(-1).tolist() + pick(lin1.bias).tolist() +
            pick(bn.weight).tolist() + pick(bn.bias).tolist() +
            pick(lin2.weight).t().reshape(-1).tolist() + pick(lin2.bias).tolist())


def bn_keras_train_forward(net, x):
    """Keras' training-mode formula through autograd: batch mean, biased variance."""
    lin1, tanh, bn, lin2, sigmoid = net
    h = tanh(lin1(x))
    mean = h.mean(dim=0)
    var = ((h - mean) ** 2).mean(dim=0)
    z = (h - mean) / torch.sqrt(var + BN_EPSILON) * bn.weight + bn.bias
    return sigmoid(lin2(z))


def keras_moving_statistics(bn, mm, mv, h):
    """Keras' moving mean and variance after a batch whose BatchNormalization input rows are h
    (momentum 0.99, the biased batch variance), with the batch's mean and variance; bn, the
    nn.BatchNorm1d, is set to the statistics before the batch (mm, mv)."""
    with torch.no_grad():
        batch_mean = h.mean(dim=0)
        batch_var = h.var(dim=0, unbiased=False)
        new_mm = mm * BN_MOMENTUM + batch_mean * (1 - BN_MOMENTUM)
        new_mv = mv * BN_MOMENTUM + batch_var * (1 - BN_MOMENTUM)
        bn.running_mean.copy_(mm)
        bn.running_var.copy_(mv)
    return batch_mean, batch_var, new_mm, new_mv


def backward_checked_against_keras(loss_fn, p, q, y, params, bn, h, mm, mv, new_mm, new_mv):
    """The batch loss of the predictions p (through nn.BatchNorm1d in training mode), back-propagated,
    after asserting that Keras' formula (predictions q) gives the same output and gradients, and that
    PyTorch's running statistics have Keras' mean but the unbiased variance, far from Keras'."""
    loss = loss_fn(p, y)
    keras_grads = torch.autograd.grad(loss_fn(q, y), params)
    assert (q - p).abs().max().item() < 1e-15
    loss.backward()
    worst = max((a.grad - b).abs().max().item() for a, b in zip(params, keras_grads))
    assert worst < 1e-14, "BatchNorm1d and Keras' formula differ by %g" % worst
    with torch.no_grad():
        assert (bn.running_mean - new_mm).abs().max().item() < 1e-15
        unbiased = mv * BN_MOMENTUM + h.var(dim=0, unbiased=True) * (1 - BN_MOMENTUM)
        assert (bn.running_var - unbiased).abs().max().item() < 1e-15
        # ... which is not Keras' (by far more than the tests' tolerances).
        assert (bn.running_var - new_mv).abs().min().item() > 1e-9
    return loss


def step_lines(step, rows, loss, p, g, w, mm, mv):
    """A training step's lines in the BatchNormalization files: loss, predictions, gradient,
    parameters after the update, state after the step."""
    return [
        "step %d rows %s loss %s" % (step + 1, " ".join(str(r) for r in rows), repr(loss.item())),
        "p %s" % fmt(p.reshape(-1).tolist()),
        "g %s" % fmt(g),
        "w %s" % fmt(w),
        "s %s" % fmt(mm.tolist() + mv.tolist()),
    ]


def write_batch_normalization(path):
    xs = [[input_value(n, i) for i in range(3)] for n in range(BN_ROWS)]
    ys = [train_targets(x) for x in xs]
    loss_fn = torch.nn.BCELoss()
    lines = [
        "# PyTorch %s float64 BatchNormalization reference for ctnn (Keras semantics); generated by "
        "scripts/make-reference.py, do not edit." % torch.__version__,
        "# Inputs x[n][i] = 2 * u(n * 7919 + i * 31 + 7), targets y0 = [x0 + x1 + x2 > 0], y1 = [x0 x1 x2 > 0];",
        "# u(k) = ((k * 40503 + 12345) mod 65536) / 32768 - 1. Initial parameters: Dense 0.25 * u(k),",
        "# gamma 1 + 0.1 * u(k), beta 0.05 * u(k) (k: flat index); moving mean 0.1 * u(100 + i), moving variance",
        "# 1 + 0.25 * u(104 + i). SGD(lr 0.1) + binary cross-entropy, batches of consecutive rows in order.",
        "# Moving statistics by Keras' rule with the biased batch variance. See the script's docstring.",
        "model %s" % model_name("double", BN_LAYERS),
        "rows %d" % BN_ROWS,
    ]
    for n in range(BN_ROWS):
        lines.append("row %d x %s y %s" % (n, fmt(xs[n]), fmt(ys[n])))
    lines.append("init w %s" % fmt(bn_initial_parameters()))
    lines.append("init s %s" % fmt(bn_initial_state()))
    for name, batch, steps in BN_TRAJECTORIES:
        net = bn_build()
        net.train()
        lin1, tanh, bn, lin2, _ = net
        params = list(net.parameters())
        optimizer = torch.optim.SGD(params, lr=0.1)
        state = torch.tensor(bn_initial_state(), dtype=DT)
        mm, mv = state[:BN_WIDTH].clone(), state[BN_WIDTH:].clone()
        lines.append("trajectory %s batch %d steps %d" % (name, batch, steps))
        for step in range(steps):
            first = (step * batch) % BN_ROWS
            rows = list(range(first, first + batch))
            x = torch.tensor([xs[r] for r in rows], dtype=DT)
            y = torch.tensor([ys[r] for r in rows], dtype=DT)
            # Keras' moving statistics from the layer's input (before the update).
            with torch.no_grad():
                h = tanh(lin1(x))
            batch_mean, batch_var, new_mm, new_mv = keras_moving_statistics(bn, mm, mv, h)
            optimizer.zero_grad()
            if batch > 1:
                p = net(x)  # nn.BatchNorm1d in training mode
                loss = backward_checked_against_keras(loss_fn, p, bn_keras_train_forward(net, x), y, params, bn,
                                                      h, mm, mv, new_mm, new_mv)
            else:
                assert (h - batch_mean).abs().max().item() == 0 and batch_var.abs().max().item() == 0
                p = bn_keras_train_forward(net, x)
                loss = loss_fn(p, y)
                loss.backward()
                assert all(v == 0 for v in lin1.weight.grad.reshape(-1).tolist() + lin1.bias.grad.tolist())
                assert all(v == 0 for v in bn.weight.grad.tolist())
            pd = p.detach()
            assert pd.min().item() > 1e-3 and pd.max().item() < 1 - 1e-3, "BCE prediction near the clip"
            g = bn_block(net, grad=True)
            optimizer.step()
            mm, mv = new_mm, new_mv
            lines += step_lines(step, rows, loss, pd, g, bn_block(net), mm, mv)
        # Inference with Keras' moving statistics.
        net.eval()
        with torch.no_grad():
            bn.running_mean.copy_(mm)
            bn.running_var.copy_(mv)
            x = torch.tensor([[input_value(n, i) for i in range(3)] for n in BN_SAMPLES], dtype=DT)
            out = net(x)
            z = (tanh(lin1(x)) - mm) / torch.sqrt(mv + BN_EPSILON) * bn.weight + bn.bias
            assert (torch.sigmoid(lin2(z)) - out).abs().max().item() < 1e-15
        lines.append("infer %d" % len(BN_SAMPLES))
        for n, xr, yr in zip(BN_SAMPLES, x.tolist(), out.tolist()):
            lines.append("sample %d x %s y %s" % (n, fmt(xr), fmt(yr)))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


# ---- a rank-2 model ----------------------------------------------------------

R2_STEPS, R2_FEATURES = 8, 3  # Input<8, 3>: 8 time steps of 3 features
R2_WIDTH = 4  # Dense<3, 4> on the last axis, so BatchNormalization has 4 channels
R2_IN = R2_STEPS * R2_FEATURES  # 24 values a sample, step t feature f at t * 3 + f
R2_FLAT = R2_STEPS * R2_WIDTH  # 32: Flatten of (8, 4), step t channel c at t * 4 + c
R2_ROWS = 12
R2_SAMPLES = list(range(12, 18))
# name, batch size, steps; batches of consecutive rows in order.
R2_TRAJECTORIES = [("batch4", 4, 4), ("single_sample", 1, 2)]
R2_MODEL = ("ctnn::BasicSequential<double, ctnn::Input<8, 3>, ctnn::Dense<3, 4, ctnn::Tanh>, "
            "ctnn::BatchNormalization, ctnn::Flatten, ctnn::Dense<32, 1, ctnn::Sigmoid>>")


def rank2_target(x):
    return [1.0 if sum(x) > 0 else 0.0]


def rank2_initial_parameters():
    """57 parameters: kernel 3 x 4, bias 4 | gamma 4, beta 4 | kernel 32 x 1, bias 1."""
    w = [parameter(k) for k in range(16)]
    w += [1.0 + 0.1 * u(16 + i) for i in range(R2_WIDTH)]
    w += [0.05 * u(20 + i) for i in range(R2_WIDTH)]
    w += [parameter(k) for k in range(24, 24 + R2_FLAT + 1)]
    assert len(w) == 57
    return w


class Rank2(torch.nn.Module):
    """Linear(3, 4) on the last axis of (N, 8, 3), tanh, BatchNorm1d(4) on the (N, 4, 8)
    transpose (statistics over N and the 8 steps), flatten of (N, 8, 4), Linear(32, 1), sigmoid.
    flatten_order "column" (flatten the (N, 4, 8) transpose) and bn "per_step" (BatchNorm1d(32)
    on the (N, 32) flattening: statistics over N only, per step and channel, the 4 gammas and
    betas repeated) are wrong semantics the test must tell apart."""

    def __init__(self, flatten_order="row", bn_mode="channels"):
        super().__init__()
        w = rank2_initial_parameters()
        self.lin1 = torch.nn.Linear(R2_FEATURES, R2_WIDTH, dtype=DT)
        self.bn = torch.nn.BatchNorm1d(R2_WIDTH, eps=BN_EPSILON, momentum=1 - BN_MOMENTUM, dtype=DT)
        self.lin2 = torch.nn.Linear(R2_FLAT, 1, dtype=DT)
        self.flatten_order, self.bn_mode = flatten_order, bn_mode
        with torch.no_grad():
            self.lin1.weight.copy_(torch.tensor(w[0:12], dtype=DT).reshape(3, 4).t())
            self.lin1.bias.copy_(torch.tensor(w[12:16], dtype=DT))
            self.bn.weight.copy_(torch.tensor(w[16:20], dtype=DT))
            self.bn.bias.copy_(torch.tensor(w[20:24], dtype=DT))
            self.lin2.weight.copy_(torch.tensor(w[24:56], dtype=DT).reshape(32, 1).t())
            self.lin2.bias.copy_(torch.tensor(w[56:57], dtype=DT))
        assert self.block() == w

    def hidden(self, x):
        """The BatchNormalization layer's input, (N, 8, 4), from samples (N, 24)."""
        return torch.tanh(self.lin1(x.reshape(-1, R2_STEPS, R2_FEATURES)))

    def forward(self, x):
        h = self.hidden(x)
        if self.bn_mode == "channels":
            z = self.bn(h.transpose(1, 2)).transpose(1, 2)  # (N, 8, 4)
        else:  # wrong: every (step, channel) its own statistics over the batch
            flat = h.reshape(-1, R2_FLAT)
            mean = flat.mean(dim=0)
            var = ((flat - mean) ** 2).mean(dim=0)
            z = ((flat - mean) / torch.sqrt(var + BN_EPSILON)).reshape(-1, R2_STEPS, R2_WIDTH) * \
                self.bn.weight + self.bn.bias
        if self.flatten_order == "row":
            flat = z.reshape(-1, R2_FLAT)
        else:  # wrong: channel c step t at c * 8 + t
            flat = z.transpose(1, 2).reshape(-1, R2_FLAT)
        return torch.sigmoid(self.lin2(flat))

    def keras_train_forward(self, x):
        """Keras' training-mode formula through autograd: per channel, mean and biased variance
        over the batch and the steps."""
        h = self.hidden(x)
        mean = h.mean(dim=(0, 1))
        var = ((h - mean) ** 2).mean(dim=(0, 1))
        z = (h - mean) / torch.sqrt(var + BN_EPSILON) * self.bn.weight + self.bn.bias
        return torch.sigmoid(self.lin2(z.reshape(-1, R2_FLAT)))

    def block(self, grad=False):
        """Parameters (or their gradients) in Keras layout."""
        pick = (lambda t: t.grad) if grad else (lambda t: t.detach())
        return (pick(self.lin1.weight).t().reshape(-1).tolist() + pick(self.lin1.bias).tolist() +
                pick(self.bn.weight).tolist() + pick(self.bn.bias).tolist() +
                pick(self.lin2.weight).t().reshape(-1).tolist() + pick(self.lin2.bias).tolist())


def write_rank2(path):
    xs = [[input_value(n, i) for i in range(R2_IN)] for n in range(R2_ROWS)]
    ys = [rank2_target(x) for x in xs]
    assert 0 < sum(y[0] for y in ys) < R2_ROWS
    loss_fn = torch.nn.BCELoss()
    lines = [
        "# PyTorch %s float64 reference for ctnn's rank-2 model (Keras semantics); generated by "
        "scripts/make-reference.py, do not edit." % torch.__version__,
        "# Inputs x[n][i] = 2 * u(n * 7919 + i * 31 + 7) (i = t * 3 + f: step t, feature f), target [sum of x > 0];",
        "# u(k) = ((k * 40503 + 12345) mod 65536) / 32768 - 1. Initial parameters: Dense 0.25 * u(k),",
        "# gamma 1 + 0.1 * u(k), beta 0.05 * u(k) (k: flat index); moving mean 0.1 * u(100 + i), moving variance",
        "# 1 + 0.25 * u(104 + i). SGD(lr 0.1) + binary cross-entropy, batches of consecutive rows in order.",
        "# BatchNormalization per channel, statistics over the batch and the 8 steps; Flatten row-major;",
        "# moving statistics by Keras' rule with the biased variance. See the script's docstring.",
        "model %s" % R2_MODEL,
        "rows %d" % R2_ROWS,
    ]
    for n in range(R2_ROWS):
        lines.append("row %d x %s y %s" % (n, fmt(xs[n]), fmt(ys[n])))
    lines.append("init w %s" % fmt(rank2_initial_parameters()))
    lines.append("init s %s" % fmt(bn_initial_state()))
    for name, batch, steps in R2_TRAJECTORIES:
        net = Rank2().train()
        bn = net.bn
        params = list(net.parameters())
        optimizer = torch.optim.SGD(params, lr=0.1)
        state = torch.tensor(bn_initial_state(), dtype=DT)
        mm, mv = state[:R2_WIDTH].clone(), state[R2_WIDTH:].clone()
        lines.append("trajectory %s batch %d steps %d" % (name, batch, steps))
        for step in range(steps):
            first = (step * batch) % R2_ROWS
            rows = list(range(first, first + batch))
            x = torch.tensor([xs[r] for r in rows], dtype=DT)
            y = torch.tensor([ys[r] for r in rows], dtype=DT)
            # Keras' moving statistics from the layer's input (before the update):
            # per channel over batch * 8 values.
            with torch.no_grad():
                h = net.hidden(x).reshape(-1, R2_WIDTH)
                assert h.shape[0] == batch * R2_STEPS
            _, _, new_mm, new_mv = keras_moving_statistics(bn, mm, mv, h)
            optimizer.zero_grad()
            p = net(x)  # nn.BatchNorm1d in training mode, on (N, 4, 8)
            assert p.shape == (batch, 1)
            loss = backward_checked_against_keras(loss_fn, p, net.keras_train_forward(x), y, params, bn, h, mm, mv,
                                                  new_mm, new_mv)
            if step == 0:
                # The wrong semantics give predictions far beyond the test's tolerances
                # (BatchNorm per step and channel: only with more than one sample a batch).
                wrong = [Rank2(flatten_order="column")]
                if batch > 1:
                    wrong.append(Rank2(bn_mode="per_step"))
                with torch.no_grad():
                    for other in wrong:
                        assert (other.train()(x) - p).abs().max().item() > 1e-3
            pd = p.detach()
            assert pd.min().item() > 1e-3 and pd.max().item() < 1 - 1e-3, "BCE prediction near the clip"
            g = net.block(grad=True)
            optimizer.step()
            mm, mv = new_mm, new_mv
            lines += step_lines(step, rows, loss, pd, g, net.block(), mm, mv)
        # Inference with Keras' moving statistics.
        net.eval()
        with torch.no_grad():
            bn.running_mean.copy_(mm)
            bn.running_var.copy_(mv)
            x = torch.tensor([[input_value(n, i) for i in range(R2_IN)] for n in R2_SAMPLES], dtype=DT)
            out = net(x)
            z = (net.hidden(x) - mm) / torch.sqrt(mv + BN_EPSILON) * bn.weight + bn.bias
            assert (torch.sigmoid(net.lin2(z.reshape(-1, R2_FLAT))) - out).abs().max().item() < 1e-15
        lines.append("infer %d" % len(R2_SAMPLES))
        for n, xr, yr in zip(R2_SAMPLES, x.tolist(), out.tolist()):
            lines.append("sample %d x %s y %s" % (n, fmt(xr), fmt(yr)))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    os.makedirs(DATA, exist_ok=True)
    write_activations(os.path.join(DATA, "activations.txt"))
    write_models(os.path.join(DATA, "models.txt"))
    write_training(os.path.join(DATA, "training.txt"))
    write_batch_normalization(os.path.join(DATA, "batch_normalization.txt"))
    write_rank2(os.path.join(DATA, "rank2.txt"))


if __name__ == "__main__":
    main()
