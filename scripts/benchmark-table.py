#!/usr/bin/env python3
"""Prints one markdown table from Google Benchmark JSON files (and PyTorch's
file in the same shape): a row per case, a column per library, each cell the
median and, for the peers, the ratio to ctnn (peer time / ctnn time, or ctnn
throughput / peer throughput: above 1 means ctnn is faster).

Benchmarks are named BM_<case>/<library>. A case whose runs count items
(items_per_second) is shown as throughput, the Fashion-MNIST epoch as seconds
per epoch with its test accuracy (and the rows it trained on, when fewer than
60,000: its time is then scaled to 60,000 rows, tiny-dnn's CNN epoch always
is), the rest as time per call. Times are CPU
times, as throughputs are (Google Benchmark's items_per_second divides by CPU
time): on a shared machine the real time of a pinned program also counts the
other processes that ran on its core (on a 2-core machine shared with
compilers, 2-3x the CPU time), which made the same program look slow in one
run and fast in another; when real time exceeds CPU time by more than 10%,
a note under the table says so. With
--benchmark_repetitions=N and --benchmark_report_aggregates_only the median
aggregate is used; with one repetition, the run itself.

Usage: benchmark-table.py [--build DIR] [--command TEXT] FILE.json...
Standard library only.
"""
import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys

CASES = [
    ("BM_Infer_33_4_4_1", "33-4-4-1, one sample"),
    ("BM_Infer_16_64_64_1", "16-64-64-1, one sample"),
    ("BM_Infer_784_128_10", "784-128-10, one sample"),
    ("BM_InferBatch_33_4_4_1", "33-4-4-1, batch of 1024"),
    ("BM_Train_33_4_4_1", "train 33-4-4-1 (351 rows, Adam, batch 32)"),
    ("BM_TrainEpoch_FashionMNIST", "Fashion-MNIST epoch, 784-128-10"),
    ("BM_InferCNN", "Fashion-MNIST CNN, one image"),
    ("BM_InferBatchCNN", "Fashion-MNIST CNN, batch of 256"),
    ("BM_Conv1D_8x8k3_1024", "Conv1D 8->8, kernel 3, 1024 steps (per step)"),
    ("BM_DilatedStack_1024", "dilated causal stack 1-2-4-8, 1024 steps (per step)"),
    ("BM_TrainEpochCNN_FashionMNIST", "Fashion-MNIST CNN epoch (Adam, batch 128)"),
    ("BM_TrainEpochCNN_FashionMNIST_2threads", "Fashion-MNIST CNN epoch, 2 threads (wall clock)"),
]
LIBRARIES = ["ctnn", "plain_loop", "eigen_fixed", "eigen_dynamic", "fann", "tiny_dnn", "dlib", "libtorch", "pytorch"]
EPOCH = "BM_TrainEpoch_FashionMNIST"
CNN_EPOCH = "BM_TrainEpochCNN_FashionMNIST"
CNN_EPOCH_2THREADS = "BM_TrainEpochCNN_FashionMNIST_2threads"  # not in FLOPS: the peak is one core's
# Epochs are shown as seconds per epoch (the CNN's from its epoch_s counter:
# $CTNN_BENCH_CNN_ROWS may cut its epoch short); the Conv1D cases as time per
# step (their per_step counter).
EPOCHS = (EPOCH, CNN_EPOCH, CNN_EPOCH_2THREADS)
PEAK = "BM_PeakFMA"  # benchmarks/peak.cpp: the core's float FMA throughput, not a case
# Floating-point operations of one call, sample or epoch (2 per multiply-add
# of the Dense layers; activations, losses and optimizer steps not counted),
# for ctnn's fraction of the peak.
FLOPS = {
    "BM_Infer_33_4_4_1": 2 * (33 * 4 + 4 * 4 + 4),
    "BM_Infer_16_64_64_1": 2 * (16 * 64 + 64 * 64 + 64),
    "BM_Infer_784_128_10": 2 * (784 * 128 + 128 * 10),
    "BM_InferBatch_33_4_4_1": 2 * (33 * 4 + 4 * 4 + 4),
    # forward, weight gradients, and the input gradients of layers 2 and 3
    "BM_Train_33_4_4_1": 2 * (2 * (33 * 4 + 4 * 4 + 4) + 4 * 4 + 4),
    # 60,000 images: forward, weight gradients, the input gradient of layer 2
    EPOCH: 60000 * 2 * (2 * (784 * 128 + 128 * 10) + 128 * 10),
    # the CNN: Conv2D 1->32 on 26 x 26, Conv2D 32->64 (3 x 3 x 32 taps) on 11 x 11, Dense 1600->10;
    # an epoch is 60,000 forward passes, weight gradients, and input gradients of all but the first layer
    "BM_InferCNN": 2 * (26 * 26 * 32 * 9 + 11 * 11 * 64 * 288 + 1600 * 10),
    "BM_InferBatchCNN": 2 * (26 * 26 * 32 * 9 + 11 * 11 * 64 * 288 + 1600 * 10),
    "BM_Conv1D_8x8k3_1024": 2 * 1022 * 8 * 24,
    "BM_DilatedStack_1024": 2 * 1024 * (8 * 3 + 3 * 8 * 24),
    CNN_EPOCH: 60000 * 2 * (3 * (26 * 26 * 32 * 9 + 11 * 11 * 64 * 288 + 1600 * 10) - 26 * 26 * 32 * 9),
}
FULL_EPOCH_ROWS = 60000  # the Fashion-MNIST training set
UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def read_runs(paths):
    """{(case, library): {"seconds": ..., "items_per_second": ..., "test_accuracy": ...}} of medians,
    and the largest number of repetitions seen."""
    runs = {}  # (case, library) -> the runs of each repetition
    medians = {}  # (case, library) -> the median aggregate
    repetitions = 1
    for path in paths:
        try:
            with open(path) as f:
                data = json.load(f)
        except (OSError, ValueError) as e:
            print(f"benchmark-table: skipping {path}: {e}", file=sys.stderr)
            continue
        for b in data.get("benchmarks", []):
            name = b.get("run_name") or b["name"]
            aggregate = b.get("aggregate_name")
            if b.get("run_type") == "aggregate" and aggregate and name.endswith("_" + aggregate):
                name = name[: -len(aggregate) - 1]
            if "/" not in name or b.get("error_occurred"):
                continue
            case, library = name.split("/", 1)
            library = library.removesuffix("/real_time")  # UseRealTime()'s cases (the 2-thread epoch)
            key = (case, library)
            repetitions = max(repetitions, int(b.get("repetitions", 1)))
            if b.get("run_type") == "aggregate":
                if aggregate == "median":
                    medians[key] = b
            else:
                runs.setdefault(key, []).append(b)

    result = {}
    for key in set(runs) | set(medians):
        entries = [medians[key]] if key in medians else runs[key]
        unit = lambda e: UNIT_SECONDS[e.get("time_unit", "ns")]
        row = {"seconds": statistics.median(e.get("cpu_time", e["real_time"]) * unit(e) for e in entries),
               "real_seconds": statistics.median(e["real_time"] * unit(e) for e in entries)}
        for field in ("items_per_second", "epoch_s", "per_step", "test_accuracy", "rows", "GFLOP/s", "params_mod64",
                      "input_mod64", "code_mod64"):
            values = [e[field] for e in entries if field in e]
            if values:
                row[field] = statistics.median(values)
        labels = [e["label"] for e in entries if e.get("label")]
        if labels:
            row["label"] = labels[0]
        result[key] = row
    return result, repetitions


def format_time(seconds):
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9)):
        if seconds >= scale or unit == "ns":
            return f"{seconds / scale:.3g} {unit}"


def seconds(case, run):
    """The time the table shows: per call, per epoch, or per step."""
    for field in ("epoch_s", "per_step"):
        if field in run:
            return run[field]
    return run["seconds"]


def cell(case, run):
    if case in EPOCHS:
        text = f"{seconds(case, run):.3g} s"
        if "test_accuracy" in run:
            text += f", acc {run['test_accuracy']:.3f}"
        # An epoch cut short (tiny-dnn's CNN epoch always is; $CTNN_BENCH_CNN_ROWS cuts any):
        # epoch_s is scaled to the full set, the accuracy is after the rows trained on.
        if "rows" in run and run["rows"] < FULL_EPOCH_ROWS:
            text += f" ({run['rows']:.0f} rows)"
        return text
    if "items_per_second" in run:
        return f"{run['items_per_second'] / 1e6:.3g} M/s"
    return format_time(seconds(case, run))


def ratio(case, run, ctnn):
    """Above 1 means ctnn is faster."""
    if ctnn is None:
        return None
    if case not in EPOCHS and "items_per_second" in run and "items_per_second" in ctnn:
        return ctnn["items_per_second"] / run["items_per_second"]
    return seconds(case, run) / seconds(case, ctnn)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def compiler(build):
    """The C++ compiler's version and the benchmark programs' optimization flags, from meson's introspection."""
    try:
        with open(os.path.join(build, "meson-info", "intro-targets.json")) as f:
            targets = json.load(f)
        source = next(s for t in targets if t["name"] == "inference" for s in t["target_sources"]
                      if s["language"] == "cpp")
        version = subprocess.run(source["compiler"] + ["--version"], capture_output=True, text=True,
                                 check=True).stdout.splitlines()[0]
        flags = [p for p in source["parameters"] if p.startswith(("-O", "-march", "-mcpu"))]
        return f"{version} {' '.join(flags)}".strip()
    except (OSError, ValueError, KeyError, StopIteration, IndexError, subprocess.CalledProcessError):
        return "unknown compiler"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", default="build-bench", help="the meson build directory (for the compiler and flags)")
    parser.add_argument("--command", default="scripts/benchmark", help="the command to show in the header")
    parser.add_argument("files", nargs="*")
    args = parser.parse_args()

    runs, repetitions = read_runs(args.files)
    if not runs:
        print("benchmark-table: no benchmark results", file=sys.stderr)
        return 1
    peak = next((r for k, r in runs.items() if k[0] == PEAK), None)
    runs = {k: r for k, r in runs.items() if k[0] != PEAK}
    cases = [c for c, _ in CASES if any(k[0] == c for k in runs)]
    cases += sorted({k[0] for k in runs} - set(cases))
    libraries = [lib for lib in LIBRARIES if any(k[1] == lib for k in runs)]
    libraries += sorted({k[1] for k in runs} - set(libraries))
    titles = dict(CASES)

    print(f"{datetime.date.today().isoformat()}, {cpu_model()}, {compiler(args.build)}, one core, one thread: "
          f"`{args.command}`")
    print()
    which = f"Median of {repetitions} repetitions" if repetitions > 1 else "One repetition (rough numbers)"
    print(f"{which} per case; in parentheses the library's time over ctnn's (for throughput, ctnn's over the "
          "library's): above 1 means ctnn is faster. Times per call, throughput in samples per second.")
    print()
    print("| case | " + " | ".join(libraries) + " |")
    print("|---|" + "---|" * len(libraries))
    for case in cases:
        ctnn = runs.get((case, "ctnn"))
        cells = []
        for lib in libraries:
            run = runs.get((case, lib))
            if run is None:
                cells.append("")
                continue
            text = cell(case, run)
            r = ratio(case, run, ctnn) if lib != "ctnn" else None
            if r is not None:
                text += f" ({r:.3g}x)"
            cells.append(text)
        print(f"| {titles.get(case, case)} | " + " | ".join(cells) + " |")

    busy = [(k, r["real_seconds"] / r["seconds"]) for k, r in runs.items() if r["seconds"] > 0]
    busy = [(k, x) for k, x in busy if x > 1.1]
    if busy:
        worst = max(x for _, x in busy)
        print()
        print(f"Note: the machine was busy: in {len(busy)} of {len(runs)} runs the real time exceeded the CPU time "
              f"by more than 10% (up to {worst:.2g}x); the times above are CPU times, which do not count the other "
              "processes, but they share the core's caches: re-measure on an idle machine.")

    # What each ctnn single-sample case ran (benchmarks/inference.cpp): the
    # kernel of each layer and where its data and code sit relative to 64-byte
    # lines, the same in every program that builds the same model.
    described = [(case, runs[(case, "ctnn")]) for case in cases
                 if (case, "ctnn") in runs and "label" in runs[(case, "ctnn")]]
    if described:
        print()
        print("ctnn's kernels (vectors x lanes, FMA chains) and alignments (address mod 64 of the parameters, "
              "the inputs and the forward pass's code):")
        print()
        for case, run in described:
            where = ", ".join(f"{name} {run[name]:.0f}" for name in ("params_mod64", "input_mod64", "code_mod64")
                              if name in run)
            print(f"- {titles.get(case, case)}: {run['label']} ({where})")

    if peak and "GFLOP/s" in peak:
        fractions = []
        for case in cases:
            ctnn = runs.get((case, "ctnn"))
            if ctnn is None or case not in FLOPS:
                continue
            per_second = ctnn["items_per_second"] if case not in EPOCHS and "items_per_second" in ctnn \
                else 1 / (ctnn["epoch_s"] if "epoch_s" in ctnn else ctnn["seconds"])
            fractions.append(f"{titles.get(case, case)} {FLOPS[case] * per_second / 1e9 / peak['GFLOP/s']:.0%}")
        print()
        print(f"Peak float FMA throughput of the core: {peak['GFLOP/s']:.0f} GFLOP/s (`BM_PeakFMA`). ctnn's fraction "
              "of it, counting the Dense and convolution layers' multiply-adds as the direct form computes them "
              "(Winograd's 3x3 layers do fewer, so a case can pass 100%): " + "; ".join(fractions) + ".")
    return 0


if __name__ == "__main__":
    sys.exit(main())
