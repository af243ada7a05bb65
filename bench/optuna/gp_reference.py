"""Optuna 5's GPSampler (and TPESampler) on the functions of bench/gp-quality.bench.ts.

Two modes, both printing JSON on stdout:

    # best-so-far curves, one per seed, for each function and sampler
    python3 bench/optuna/gp_reference.py quality --functions mixed6 --seeds 0:20 --budget 100

    # seconds per GPSampler suggestion after n random trials of a 10-parameter function
    python3 bench/optuna/gp_reference.py timing --trials 100 --params 10 --asks 5

quality prints one JSON line per run: {"version", "greenlet", "function", "sampler", "seed", "curve": [best
after trial 1, ...], "seconds_per_suggestion"}; timing prints {"version", "trials",
"params", "seconds": [wall-clock, one per ask], "cpu_seconds": [process CPU time, one per ask],
"greenlet": bool}. Optuna's batched L-BFGS-B needs the optional `greenlet` package; without it Optuna
optimises the acquisition sequentially (slower). torch runs on one thread (OMP_NUM_THREADS=1).

The functions mirror bench/optuna/functions.ts and bench/lib/gp-functions.ts: keep them in step.
"""

import argparse
import json
import math
import os
import sys
import time
import warnings

# One thread for torch: hyperpool's searchers are single-threaded, and the machine is shared.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

try:
    import optuna
except ImportError:
    print("optuna is not installed", file=sys.stderr)
    sys.exit(3)

try:
    import greenlet  # noqa: F401

    HAS_GREENLET = True
except ImportError:
    HAS_GREENLET = False


ACTIVATION_COST = {"gelu": 0.0, "relu": 0.2, "tanh": 0.5, "sigmoid": 1.2}


def network_loss(p):
    """mixed6's and intnet's shared part: 0 at lr = 10^-2.5, layers 4, units 128, batch 64."""
    batch_octaves = math.log2(p["batch"] / 64)
    lr_gap = math.log10(p["lr"]) + 2.5 - 0.3 * batch_octaves
    return lr_gap * lr_gap + 0.05 * (p["layers"] - 4) ** 2 + 0.1 * (math.log2(p["units"]) - 7) ** 2 + 0.05 * batch_octaves**2


def mixed6(p):
    return network_loss(p) + 4 * (p["dropout"] - 0.15) ** 2 + ACTIVATION_COST[p["act"]]


def rosenbrock10(p):
    xs = [p[f"x{i}"] for i in range(10)]
    return sum(100 * (xs[i + 1] - xs[i] ** 2) ** 2 + (1 - xs[i]) ** 2 for i in range(9))


def goldstein(p):
    x, y = p["x"], p["y"]
    a = 1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x * x - 14 * y + 6 * x * y + 3 * y * y)
    b = 30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x * x + 48 * y - 36 * x * y + 27 * y * y)
    return a * b


def levy10(p):
    w = [1 + (p[f"x{i}"] - 1) / 4 for i in range(10)]
    total = math.sin(math.pi * w[0]) ** 2 + (w[9] - 1) ** 2 * (1 + math.sin(2 * math.pi * w[9]) ** 2)
    for i in range(9):
        total += (w[i] - 1) ** 2 * (1 + 10 * math.sin(math.pi * w[i] + 1) ** 2)
    return total


def mixedshift(p):
    shift = 0.5 if p["kind"] == "x" else (-1.0 if p["kind"] == "y" else 1.5)
    a = p["a"] - shift
    b = p["b"] + 0.5 * shift
    bowl = 0.5 * a * a + b * b + 0.3 * a * b
    trees = (math.log(p["trees"]) - math.log(150)) ** 2 * 0.1
    rate = (math.log10(p["rate"]) + 1.5 + 0.2 * a) ** 2 * 0.2
    return bowl + trees + rate - 1 + (0.1 if p["kind"] == "z" else 0.0)


def styblinski5(p):
    return sum(0.5 * (x**4 - 16 * x * x + 5 * x) for x in (p[f"x{i}"] for i in range(5)))


# Per optimiser kind: where the (x, y) valley lies, how steep it is, and what the kind costs on its own.
SWITCH = {"adam": (0.5, -0.5, 1.0, 0.3), "sgd": (-1.2, 0.8, 3.0, 0.0), "rmsprop": (1.5, 1.0, 0.5, 0.15),
          "lion": (-0.3, -1.5, 2.0, 0.6)}


def mixedswitch(p):
    cx, cy, steep, cost = SWITCH[p["opt"]]
    reg_gap = math.log10(p["reg"]) + 4 - 0.25 * p["depth"]
    return (
        steep * ((p["x"] - cx) ** 2 + 2 * (p["y"] - cy) ** 2)
        + cost
        + 0.02 * (p["depth"] - 6) ** 2
        + 0.1 * reg_gap**2
        + 3 * (p["frac"] - 0.35) ** 2
    )


F = optuna.distributions.FloatDistribution
I = optuna.distributions.IntDistribution
C = optuna.distributions.CategoricalDistribution


def intnet(p):
    return network_loss(p) + 0.2 * (math.log10(p["wd"]) + 4) ** 2


# The network's parameters mixed6 and intnet share: learning rate, depth, width and batch size.
NETWORK = {
    "lr": F(1e-5, 1.0, log=True),
    "layers": I(1, 8),
    "units": I(8, 1024, log=True),
    "batch": I(16, 256, step=16),
}


def floats(names, low, high):
    return {name: F(low, high) for name in names}


FUNCTIONS = {
    "mixed6": (
        mixed6,
        {**NETWORK, "act": C(["relu", "tanh", "sigmoid", "gelu"]), "dropout": F(0.0, 0.6)},
    ),
    "intnet": (
        intnet,
        {**NETWORK, "wd": F(1e-6, 1e-1, log=True)},
    ),
    "rosenbrock10": (rosenbrock10, floats([f"x{i}" for i in range(10)], -5.0, 10.0)),
    "goldstein": (goldstein, {"x": F(-2.0, 2.0), "y": F(-2.0, 2.0)}),
    "levy10": (levy10, floats([f"x{i}" for i in range(10)], -10.0, 10.0)),
    "mixedshift": (
        mixedshift,
        {
            "a": F(-3.0, 3.0),
            "b": F(-3.0, 3.0),
            "trees": I(1, 1000, log=True),
            "rate": F(1e-4, 1.0, log=True),
            "kind": C(["x", "y", "z"]),
        },
    ),
    "styblinski5": (styblinski5, floats([f"x{i}" for i in range(5)], -5.0, 5.0)),
    "mixedswitch": (
        mixedswitch,
        {
            "x": F(-2.0, 2.0),
            "y": F(-2.0, 2.0),
            "depth": I(1, 10),
            "reg": F(1e-6, 1.0, log=True),
            "frac": F(0.0, 1.0, step=0.05),
            "opt": C(["adam", "sgd", "rmsprop", "lion"]),
        },
    ),
}


def make_sampler(name, seed):
    if name == "gp":
        return optuna.samplers.GPSampler(seed=seed)
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed, multivariate=True)
    raise ValueError(name)


def quality(args):
    """One JSON line per run, printed as soon as the run ends, so an interrupted batch keeps its runs."""
    first, last = (int(s) for s in args.seeds.split(":"))
    for fname in args.functions.split(","):
        f, dists = FUNCTIONS[fname]
        for sname in args.samplers.split(","):
            for seed in range(first, last):
                study = optuna.create_study(sampler=make_sampler(sname, seed), direction="minimize")
                curve, current, spent = [], math.inf, 0.0
                for _ in range(args.budget):
                    started = time.perf_counter()
                    trial = study.ask(dists)
                    spent += time.perf_counter() - started
                    value = f(trial.params)
                    study.tell(trial, value)
                    current = min(current, value)
                    curve.append(current)
                run = {"version": optuna.__version__, "greenlet": HAS_GREENLET, "function": fname, "sampler": sname,
                       "seed": seed, "curve": curve, "seconds_per_suggestion": spent / args.budget}
                print(json.dumps(run), flush=True)


def timing(args):
    import numpy as np

    rng = np.random.RandomState(args.seed)
    dists = {f"x{i}": F(-5.0, 10.0) for i in range(args.params)}

    def objective(p):
        xs = [p[f"x{i}"] for i in range(args.params)]
        return sum(100 * (xs[i + 1] - xs[i] ** 2) ** 2 + (1 - xs[i]) ** 2 for i in range(len(xs) - 1))

    study = optuna.create_study(sampler=optuna.samplers.GPSampler(seed=args.seed), direction="minimize")
    for _ in range(args.trials):
        params = {k: float(rng.uniform(-5.0, 10.0)) for k in dists}
        study.add_trial(optuna.trial.create_trial(params=params, distributions=dists, value=objective(params)))
    seconds, cpu_seconds = [], []
    for _ in range(args.asks):
        started, cpu_started = time.perf_counter(), time.process_time()
        trial = study.ask(dists)
        seconds.append(time.perf_counter() - started)
        cpu_seconds.append(time.process_time() - cpu_started)
        study.tell(trial, objective(trial.params))
    return {"version": optuna.__version__, "greenlet": HAS_GREENLET, "trials": args.trials, "params": args.params,
            "seconds": seconds, "cpu_seconds": cpu_seconds}


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="mode", required=True)
    q = sub.add_parser("quality")
    q.add_argument("--functions", default="mixed6,rosenbrock10")
    q.add_argument("--samplers", default="gp")
    q.add_argument("--seeds", default="0:20")
    q.add_argument("--budget", type=int, default=100)
    t = sub.add_parser("timing")
    t.add_argument("--trials", type=int, default=100)
    t.add_argument("--params", type=int, default=10)
    t.add_argument("--asks", type=int, default=5)
    t.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    warnings.filterwarnings("ignore")
    if args.mode == "quality":
        quality(args)
    else:
        json.dump(timing(args), sys.stdout)


if __name__ == "__main__":
    main()
