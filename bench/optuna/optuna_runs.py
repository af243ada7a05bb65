"""Optuna's samplers on the functions of bench/optuna/functions.py, cached for the side-by-side table.

Run by bench/optuna/side-by-side.ts, or alone from the repository root:

    python bench/optuna/optuna_runs.py --cache bench/results/optuna-runs.json \\
        --functions branin,hartmann6 --samplers tpe,gp --seeds 0-19 --trials 200 --checkpoints 100,200
    python bench/optuna/optuna_runs.py --info            # versions and machine, as JSON
    python bench/optuna/optuna_runs.py --check-prefix --functions branin --samplers tpe,gp --seeds 0 \\
        --trials 200 --checkpoints 100

One run is one seed of one sampler on one function for `--trials` trials, asked and told one at a
time. Its entry, keyed "<optuna version>|<function>|<sampler>|<seed>|<trials>", holds the best value
after each checkpoint and the mean wall and CPU seconds per `study.ask` (the sampler's whole work
for a trial: every parameter is sampled there, from fixed distributions) over windows of trials.
CPU time is the fairer measure on a shared machine: it leaves out the time other processes hold
the cores. The cache is
rewritten after every run (bench/optuna/run_cache.py), so an interrupted run loses one run at most; runs already cached are
skipped unless `--refresh`. Progress goes to stderr.

`--check-prefix` checks that a sampler does not depend on the budget: a study of the first checkpoint's
length must propose exactly the first trials of a `--trials` study. When it holds, the best after 100
trials of a 200-trial run is the best of a 100-trial run. The answers go to the cache's "prefix_checks".

Exit status 3 with a message when Optuna is missing.
"""

import argparse
import datetime
import json
import math
import os
import platform
import sys
import time
import warnings

# One thread for torch (GPSampler): the comparison is with single-threaded samplers, and the
# benchmark machine is shared.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from functions import FUNCTIONS  # noqa: E402
from run_cache import cpu_model, load, parse_seeds, save  # noqa: E402

try:
    import optuna
except ImportError:
    print("optuna is not installed (pip install optuna, or apt-get install python3-optuna)", file=sys.stderr)
    sys.exit(3)

SAMPLER_SETTINGS = {
    "tpe": "TPESampler(seed=seed, multivariate=True); every other setting Optuna's default",
    "gp": "GPSampler(seed=seed); every other setting Optuna's default",
}


def make_sampler(name, seed):
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed, multivariate=True)
    return optuna.samplers.GPSampler(seed=seed)


def distributions(space):
    out = {}
    for name, spec in space.items():
        if spec["type"] == "float":
            out[name] = optuna.distributions.FloatDistribution(spec["low"], spec["high"], log=spec["log"])
        elif spec["type"] == "int":
            out[name] = optuna.distributions.IntDistribution(spec["low"], spec["high"], log=spec["log"])
        else:
            out[name] = optuna.distributions.CategoricalDistribution(spec["choices"])
    return out


def run_study(function, sampler, seed, trials):
    """Returns the params of every trial, the running best, and the wall and CPU seconds each ask took."""
    f, space = FUNCTIONS[function]
    fixed = distributions(space)
    study = optuna.create_study(sampler=make_sampler(sampler, seed), direction="minimize")
    params, curve, seconds, cpu = [], [], [], []
    best = math.inf
    for _ in range(trials):
        started = time.perf_counter()
        started_cpu = time.process_time()
        trial = study.ask(fixed)
        seconds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        value = f(trial.params)
        study.tell(trial, value)
        best = min(best, value)
        params.append(trial.params)
        curve.append(best)
    return params, curve, seconds, cpu


def windows(trials, checkpoints):
    """The trial windows timed: all trials, and the last ten trials before each checkpoint."""
    out = [(1, trials)]
    for c in checkpoints:
        out.append((max(1, c - 9), c))
    return out


def environment():
    info = {
        "python": platform.python_version(),
        "optuna": optuna.__version__,
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "platform": f"{platform.system()}/{platform.machine()}",
        "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
    }
    for module in ("numpy", "scipy", "torch", "greenlet"):
        try:
            info[module] = __import__(module).__version__
        except ImportError:
            info[module] = None
    return info


def check_prefix(args, samplers, checkpoints):
    """Records in the cache, per sampler, function and seed, whether a short study is the long one's prefix."""
    ok = True
    checks = {}
    for function in args.functions.split(","):
        for sampler in samplers:
            for seed in parse_seeds(args.seeds):
                short = run_study(function, sampler, seed, checkpoints[0])[0]
                long = run_study(function, sampler, seed, args.trials)[0]
                same = short == long[: checkpoints[0]]
                ok = ok and same
                key = f"{optuna.__version__}|{function}|{sampler}|{seed}|{checkpoints[0]} of {args.trials}"
                checks[key] = same
                print(f"{key}: {'same first trials' if same else 'DIFFERENT first trials'}", file=sys.stderr, flush=True)
    save(args.cache, {"prefix_checks": checks})
    sys.exit(0 if ok else 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", default="bench/results/optuna-runs.json")
    parser.add_argument("--functions", default=",".join(FUNCTIONS))
    parser.add_argument("--samplers", default=",".join(SAMPLER_SETTINGS))
    parser.add_argument("--seeds", default="0-19")
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--checkpoints", default="100,200")
    parser.add_argument("--refresh", action="store_true", help="rerun runs that are already cached")
    parser.add_argument("--info", action="store_true", help="print versions and machine as JSON, run nothing")
    parser.add_argument("--check-prefix", action="store_true")
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.filterwarnings("ignore")
    samplers = args.samplers.split(",")
    for sampler in samplers:
        if sampler not in SAMPLER_SETTINGS:
            raise SystemExit(f"--samplers: unknown sampler {sampler!r}; known: {', '.join(SAMPLER_SETTINGS)}")
    if "gp" in samplers and not hasattr(optuna.samplers, "GPSampler"):
        print(f"Optuna {optuna.__version__} has no GPSampler (it came in 3.6): gp skipped", file=sys.stderr)
        samplers.remove("gp")
    if args.info:
        json.dump({**environment(), "samplers": {name: SAMPLER_SETTINGS[name] for name in samplers}}, sys.stdout)
        return
    checkpoints = [int(c) for c in args.checkpoints.split(",")]
    if any(c < 1 or c > args.trials for c in checkpoints):
        raise SystemExit(f"--checkpoints: each must lie in [1, --trials={args.trials}], got {args.checkpoints}")
    if args.check_prefix:
        check_prefix(args, samplers, checkpoints)

    cached = load(args.cache)["runs"]
    todo = [
        (function, sampler, seed)
        for sampler in samplers
        for function in args.functions.split(",")
        for seed in parse_seeds(args.seeds)
    ]
    for function, sampler, seed in todo:
        if function not in FUNCTIONS:
            raise SystemExit(f"--functions: unknown function {function!r}; known: {', '.join(FUNCTIONS)}")
        key = f"{optuna.__version__}|{function}|{sampler}|{seed}|{args.trials}"
        old = cached.get(key)
        if old is not None and not args.refresh and all(str(c) in old["best"] for c in checkpoints):
            continue
        started = time.perf_counter()
        _, curve, seconds, cpu = run_study(function, sampler, seed, args.trials)
        timed = windows(args.trials, checkpoints)
        entry = {
            "best": {str(c): curve[c - 1] for c in checkpoints},
            "seconds_per_ask": {f"{lo}-{hi}": float(f"{sum(seconds[lo - 1 : hi]) / (hi - lo + 1):.4g}") for lo, hi in timed},
            "cpu_seconds_per_ask": {f"{lo}-{hi}": float(f"{sum(cpu[lo - 1 : hi]) / (hi - lo + 1):.4g}") for lo, hi in timed},
            "when": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        }
        save(args.cache, {"runs": {key: entry}, "environment": environment(), "samplers": SAMPLER_SETTINGS})
        print(f"{key}: best {curve[-1]:.6g}, {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
