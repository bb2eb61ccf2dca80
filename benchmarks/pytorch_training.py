#!/usr/bin/python3
"""PyTorch (Debian's python3-torch 1.13) on the training cases of
benchmarks/training.cpp, under the same names with /pytorch:

  BM_Train_33_4_4_1/pytorch           33-4-4-1 (ReLU, ReLU, logit) on the same
                                      351 x 33 rows as ctnn, Adam 1e-3, batch 32,
                                      BCEWithLogitsLoss, 20 epochs per iteration
  BM_TrainEpoch_FashionMNIST/pytorch  784-128(ReLU)-10 on Fashion-MNIST (pixels
                                      / 255), Adam 1e-3, batch 128,
                                      CrossEntropyLoss, one epoch from a fresh
                                      model per iteration, test accuracy after it
  BM_TrainEpochCNN_FashionMNIST/pytorch
                                      the CNN of benchmarks/common/conv_cases.hpp
                                      (Conv2d 32 3x3, ReLU, MaxPool 2, Conv2d 64
                                      3x3, ReLU, MaxPool 2, Flatten, Dropout 0.5,
                                      Linear 10), likewise; on the first
                                      $CTNN_BENCH_CNN_ROWS (else $CTNN_BENCH_ROWS)
                                      images when set, with epoch_s, the time
                                      scaled to the 60,000 rows, as in C++

One thread (torch.set_num_threads(1); run with OPENBLAS_NUM_THREADS=1 as the
scripts do). Timing follows Google Benchmark: a repetition runs iterations
until they add up to the minimum time (0.5 s), the time is per iteration;
set-up and the test accuracy are not timed. With --json FILE it writes what
Google Benchmark 1.7.1 writes with --benchmark_report_aggregates_only=true
--benchmark_format=json (mean, median, stddev and cv per benchmark, or the
single run with one repetition), so one table script reads both.

Usage: pytorch_training.py [--repetitions N] [--quick] [--min-time S]
                           [--filter REGEX] [--json FILE]
The data sets come from $CTNN_DATA (default data/, scripts/get-datasets).
"""
import argparse
import datetime
import json
import math
import os
import re
import socket
import statistics
import struct
import sys
import time

import numpy as np
import torch
from torch import nn

# ---- the data -----------------------------------------------------------------

MASK = (1 << 64) - 1


class Rng:
    """ctnn::Rng (include/ctnn/core/random.hpp): SplitMix64, uniform() from the top 53 bits."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def uniform(self, low, high):
        return low + (high - low) * ((self.next() >> 11) * 2.0 ** -53)  # in double, as in C++


def ionosphere_shaped():
    """bench::ionosphere_shaped() (benchmarks/common/training_data.hpp), value for value."""
    rng = Rng(351)
    x = np.array([[rng.uniform(-1, 1) for _ in range(33)] for _ in range(351)]).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 0).astype(np.float32).reshape(-1, 1)
    # The C++ generator's values (printed with %a): a wrong re-implementation stops here.
    expected = {(0, 0): "-0x1.ad776ap-1", (0, 1): "-0x1.511ea4p-2", (1, 0): "0x1.f012dep-1", (350, 32): "-0x1.a77f54p-3"}
    for (r, c), v in ((k, float.fromhex(v)) for k, v in expected.items()):
        assert float(x[r, c]) == v, f"ionosphere_shaped: x[{r}, {c}] = {float(x[r, c])!r}, C++ gives {v!r}"
    assert int(y.sum()) == 182, f"ionosphere_shaped: {int(y.sum())} positive labels, C++ gives 182"
    return torch.from_numpy(x), torch.from_numpy(y)


def read_idx(path):
    """An IDX file of unsigned bytes (magic 0x0000 08 <dimensions>, big-endian sizes)."""
    with open(path, "rb") as f:
        data = f.read()
    zero, kind, dims = struct.unpack(">HBB", data[:4])
    if zero != 0 or kind != 0x08:
        raise ValueError(f"{path}: not an IDX file of unsigned bytes")
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_fashion_mnist(directory):
    """Training and test images (rows x 784 floats in [0, 1]) and labels, as bench::load_fashion_mnist."""
    names = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
    if not all(os.path.exists(os.path.join(directory, n)) for n in names):
        raise FileNotFoundError(f"Fashion-MNIST not found in {directory}: run scripts/get-datasets")
    arrays = [read_idx(os.path.join(directory, n)) for n in names]

    def images(a):
        return torch.from_numpy(a.reshape(len(a), 784).astype(np.float32) / np.float32(255))

    def labels(a):
        return torch.from_numpy(a.astype(np.int64))

    return images(arrays[0]), labels(arrays[1]), images(arrays[2]), labels(arrays[3])


# ---- training -----------------------------------------------------------------


def train_epoch(model, optimizer, loss_fn, x, y, batch):
    """One epoch in a fresh random order: the usual PyTorch loop."""
    order = torch.randperm(len(x))
    for begin in range(0, len(x), batch):
        rows = order[begin:begin + batch]
        optimizer.zero_grad()
        loss = loss_fn(model(x[rows]), y[rows])
        loss.backward()
        optimizer.step()


class Skip(Exception):
    pass


def bench_train_card(iterate):
    x, y = ionosphere_shaped()
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(33, 4), nn.ReLU(), nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 1))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.BCEWithLogitsLoss()
    epochs = 20

    def one():
        for _ in range(epochs):
            train_epoch(model, optimizer, loss_fn, x, y, 32)

    return iterate(one, items=epochs * len(x))


_fashion = None


def fashion():
    """Fashion-MNIST, loaded once; Skip when it is missing or corrupt."""
    global _fashion
    if _fashion is None:
        try:
            _fashion = load_fashion_mnist(os.environ.get("CTNN_DATA") or "data")
        except (OSError, ValueError) as e:
            _fashion = str(e)
    if isinstance(_fashion, str):
        raise Skip(_fashion)
    return _fashion


def bench_train_fashion_epoch(iterate):
    train_x, train_y, test_x, test_y = fashion()
    state = {"seed": 0, "accuracies": []}

    def setup():  # a fresh model and optimizer, not timed
        torch.manual_seed(state["seed"])
        state["seed"] += 1
        state["model"] = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
        state["optimizer"] = torch.optim.Adam(state["model"].parameters(), lr=1e-3)

    def one():
        train_epoch(state["model"], state["optimizer"], nn.CrossEntropyLoss(), train_x, train_y, 128)

    def after():  # the test accuracy, not timed
        with torch.inference_mode():
            predicted = state["model"](test_x).argmax(1)
        state["accuracies"].append(float((predicted == test_y).double().mean()))

    result = iterate(one, items=len(train_x), setup=setup, after=after)
    result["test_accuracy"] = statistics.fmean(state["accuracies"])
    return result


def epoch_rows(available):
    """bench::conv::epoch_rows: $CTNN_BENCH_CNN_ROWS, else $CTNN_BENCH_ROWS, else all rows."""
    for variable in ("CTNN_BENCH_CNN_ROWS", "CTNN_BENCH_ROWS"):
        value = os.environ.get(variable, "")
        if value.isdigit() and int(value) > 0:
            return min(int(value), available)
    return available


def bench_train_cnn_epoch(iterate):
    train_x, train_y, test_x, test_y = fashion()
    rows = epoch_rows(len(train_x))
    train_x, train_y = train_x[:rows].reshape(-1, 1, 28, 28), train_y[:rows]
    test_x, test_y = test_x[:rows].reshape(-1, 1, 28, 28), test_y[:rows]
    state = {"seed": 0, "accuracies": []}

    def setup():  # a fresh model and optimizer, not timed
        torch.manual_seed(state["seed"])
        state["seed"] += 1
        state["model"] = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(),
                                       nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.5), nn.Linear(1600, 10))
        state["optimizer"] = torch.optim.Adam(state["model"].parameters(), lr=1e-3)

    def one():
        state["model"].train()
        train_epoch(state["model"], state["optimizer"], nn.CrossEntropyLoss(), train_x, train_y, 128)

    def after():  # the test accuracy, not timed
        state["model"].eval()
        with torch.inference_mode():
            predicted = state["model"](test_x).argmax(1)
        state["accuracies"].append(float((predicted == test_y).double().mean()))

    result = iterate(one, items=rows, setup=setup, after=after)
    result["test_accuracy"] = statistics.fmean(state["accuracies"])
    result["rows"] = rows
    result["epoch_s"] = result["cpu"] * 60000 / rows
    return result


BENCHMARKS = [
    ("BM_Train_33_4_4_1/pytorch", bench_train_card, "ms"),
    ("BM_TrainEpoch_FashionMNIST/pytorch", bench_train_fashion_epoch, "ms"),
    ("BM_TrainEpochCNN_FashionMNIST/pytorch", bench_train_cnn_epoch, "ms"),
]

# ---- timing and reporting, as Google Benchmark 1.7.1 --------------------------

UNIT = {"ns": 1e9, "us": 1e6, "ms": 1e3, "s": 1.0}


def make_iterate(min_time):
    """One repetition: iterations until their timed parts reach min_time (at least one)."""

    def iterate(one, items, setup=None, after=None):
        real = cpu = 0.0
        iterations = 0
        while iterations == 0 or real < min_time:
            if setup:
                setup()
            r0, c0 = time.perf_counter(), time.process_time()
            one()
            real += time.perf_counter() - r0
            cpu += time.process_time() - c0
            iterations += 1
            if after:
                after()
        return {"iterations": iterations, "real": real / iterations, "cpu": cpu / iterations,
                "items_per_second": items * iterations / cpu}  # Google Benchmark divides by CPU time

    return iterate


def aggregates(name, family, runs, unit, repetitions):
    """Google Benchmark's mean, median, stddev (n - 1) and cv over repetitions."""
    counters = [k for k in runs[0] if k not in ("iterations", "real", "cpu")]
    series = {"real": [r["real"] * UNIT[unit] for r in runs], "cpu": [r["cpu"] * UNIT[unit] for r in runs]}
    for k in counters:
        series[k] = [r[k] for r in runs]

    def stddev(v):
        return statistics.stdev(v) if len(v) > 1 else 0.0

    functions = {
        "mean": statistics.fmean,
        "median": statistics.median,
        "stddev": stddev,
        "cv": lambda v: stddev(v) / statistics.fmean(v) if statistics.fmean(v) else 0.0,
    }
    out = []
    for aggregate, f in functions.items():
        entry = {"name": f"{name}_{aggregate}", "family_index": family, "per_family_instance_index": 0,
                 "run_name": name, "run_type": "aggregate", "repetitions": repetitions, "threads": 1,
                 "aggregate_name": aggregate, "aggregate_unit": "percentage" if aggregate == "cv" else "time",
                 "iterations": len(runs), "real_time": f(series["real"]), "cpu_time": f(series["cpu"]),
                 "time_unit": unit}
        for k in counters:
            entry[k] = f(series[k])
        out.append(entry)
    return out


def single(name, family, run, unit):
    entry = {"name": name, "family_index": family, "per_family_instance_index": 0, "run_name": name,
             "run_type": "iteration", "repetitions": 1, "repetition_index": 0, "threads": 1,
             "iterations": run["iterations"], "real_time": run["real"] * UNIT[unit],
             "cpu_time": run["cpu"] * UNIT[unit], "time_unit": unit}
    entry.update({k: v for k, v in run.items() if k not in ("iterations", "real", "cpu")})
    return entry


def error(name, family, message, unit, repetitions, index):
    return {"name": name, "family_index": family, "per_family_instance_index": 0, "run_name": name,
            "run_type": "iteration", "repetitions": repetitions, "repetition_index": index, "threads": 1,
            "error_occurred": True, "error_message": message, "iterations": 0, "real_time": 0.0,
            "cpu_time": 0.0, "time_unit": unit}


def context():
    mhz = 0
    try:
        with open("/proc/cpuinfo") as f:
            mhz = round(float(re.search(r"cpu MHz\s*:\s*([\d.]+)", f.read()).group(1)))
    except (OSError, AttributeError):
        pass
    return {"date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "host_name": socket.gethostname(), "executable": sys.argv[0], "num_cpus": os.cpu_count(),
            "mhz_per_cpu": mhz, "cpu_scaling_enabled": False, "caches": [],
            "load_avg": list(os.getloadavg()), "library_build_type": "release",
            "python_version": sys.version.split()[0], "torch_version": torch.__version__,
            "torch_num_threads": torch.get_num_threads()}


def human(value):
    """Google Benchmark's 'k/M/G' counter spelling."""
    for scale, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= scale:
            return f"{value / scale:.6g}{suffix}"
    return f"{value:.6g}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--min-time", type=float, default=0.5, help="seconds per repetition (default 0.5)")
    parser.add_argument("--quick", action="store_true", help="one repetition of one iteration each")
    parser.add_argument("--filter", default=".", help="run the benchmarks whose name matches this regex")
    parser.add_argument("--json", metavar="FILE", help="write Google-Benchmark-shaped JSON here")
    args = parser.parse_args()
    if args.quick:
        args.repetitions, args.min_time = 1, 0.0
    if args.repetitions < 1:
        parser.error("--repetitions must be at least 1")

    torch.set_num_threads(1)
    if os.environ.get("OPENBLAS_NUM_THREADS") != "1":
        print("pytorch_training.py: OPENBLAS_NUM_THREADS is not 1; BLAS may use more than one core", file=sys.stderr)
    iterate = make_iterate(args.min_time)
    results = []
    print(f"{'Benchmark':<44}{'Time':>14}{'CPU':>14}{'Iterations':>12}  Counters")
    for family, (name, function, unit) in enumerate(b for b in BENCHMARKS if re.search(args.filter, b[0])):
        runs = []
        try:
            for _ in range(args.repetitions):
                runs.append(function(iterate))
        except Skip as e:
            print(f"{name:<44} ERROR OCCURRED: '{e}'")
            results += [error(name, family, str(e), unit, args.repetitions, i) for i in range(args.repetitions)]
            continue
        entries = aggregates(name, family, runs, unit, args.repetitions) if len(runs) > 1 else \
            [single(name, family, runs[0], unit)]
        results += entries
        for e in entries:
            if e.get("aggregate_name") == "cv":
                times = f"{100 * e['real_time']:.2f} %", f"{100 * e['cpu_time']:.2f} %"
            else:
                times = f"{e['real_time']:.3g} {unit}", f"{e['cpu_time']:.3g} {unit}"
            counters = "items_per_second=" + human(e["items_per_second"]) + "/s"
            if "test_accuracy" in e:
                counters += f" test_accuracy={e['test_accuracy']:.4g}"
            if "epoch_s" in e:
                counters += f" epoch_s={e['epoch_s']:.4g}s"
            print(f"{e['name']:<44}{times[0]:>14}{times[1]:>14}{e['iterations']:>12}  {counters}", flush=True)

    if args.json:
        with open(args.json, "w") as f:
            json.dump({"context": context(), "benchmarks": results}, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
