"""Optuna 5's samplers on the multi-objective test problems, cached for bench/multi-objective.bench.ts.

Run by the bench, or alone from the repository root:

    python bench/optuna/multi_objective_runs.py --problems zdt1,zdt2,dtlz2 --samplers tpe,tpe-mv,nsga2 \\
        --seeds 0-19 --trials 200 --checkpoints 100,200
    python bench/optuna/multi_objective_runs.py --info      # versions and machine, as JSON

One run is one seed of one sampler on one problem for `--trials` trials, asked and told one at a time.
Its entry, keyed "<optuna version>|<problem>|<sampler>|<seed>|<trials>", holds the hypervolume of the
first c trials' values for each checkpoint c, computed by Optuna's own `compute_hypervolume` against the
problem's fixed reference point (REFERENCE below, the same the hyperpool side uses), and the CPU seconds
per ask. The problems are the twins of bench/lib/multi-objective-problems.ts. The cache is rewritten after
every run (bench/optuna/run_cache.py, under a lock, so runners for different seeds can share it); runs already
cached are skipped.
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

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_cache import cpu_model, load, parse_seeds, save  # noqa: E402

try:
    import optuna
    from optuna._hypervolume import compute_hypervolume
except ImportError:
    print("optuna is not installed", file=sys.stderr)
    sys.exit(3)


def zdt1(x):
    g = 1 + 9 * sum(x[1:]) / (len(x) - 1)
    return [x[0], g * (1 - math.sqrt(x[0] / g))]


def zdt2(x):
    g = 1 + 9 * sum(x[1:]) / (len(x) - 1)
    return [x[0], g * (1 - (x[0] / g) ** 2)]


def dtlz2(x, m=3):
    g = sum((v - 0.5) ** 2 for v in x[m - 1 :])
    out = []
    for i in range(m):
        f = 1 + g
        for v in x[: m - 1 - i]:
            f *= math.cos(v * math.pi / 2)
        if i > 0:
            f *= math.sin(x[m - 1 - i] * math.pi / 2)
        out.append(f)
    return out


# name -> (function, number of variables in [0, 1], reference point)
PROBLEMS = {
    "zdt1": (zdt1, 30, [1.1, 11.0]),
    "zdt2": (zdt2, 30, [1.1, 11.0]),
    "dtlz2": (dtlz2, 12, [3.85, 3.85, 3.85]),
}

SAMPLER_SETTINGS = {
    "tpe": "TPESampler(seed=seed): the sampler create_study picks by default in Optuna 5, multi-objective too",
    "tpe-mv": "TPESampler(seed=seed, multivariate=True)",
    "nsga2": "NSGAIISampler(seed=seed): population 50, Optuna's defaults",
}


def make_sampler(name, seed):
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed)
    if name == "tpe-mv":
        return optuna.samplers.TPESampler(seed=seed, multivariate=True)
    return optuna.samplers.NSGAIISampler(seed=seed)


def run_study(problem, sampler, seed, trials):
    f, n, _ = PROBLEMS[problem]
    fixed = {f"x{i}": optuna.distributions.FloatDistribution(0.0, 1.0) for i in range(n)}
    m = len(PROBLEMS[problem][2])
    study = optuna.create_study(sampler=make_sampler(sampler, seed), directions=["minimize"] * m)
    values, cpu = [], []
    for _ in range(trials):
        started = time.process_time()
        trial = study.ask(fixed)
        cpu.append(time.process_time() - started)
        v = f([trial.params[f"x{i}"] for i in range(n)])
        study.tell(trial, v)
        values.append(v)
    return values, cpu


def hypervolume(values, reference):
    """Optuna's hypervolume of the points that lie strictly inside the reference box (the rest add nothing)."""
    ref = np.asarray(reference, dtype=float)
    pts = np.asarray([v for v in values if all(a < r for a, r in zip(v, reference))], dtype=float)
    if len(pts) == 0:
        return 0.0
    return float(compute_hypervolume(pts, ref))


def environment():
    return {
        "python": platform.python_version(),
        "optuna": optuna.__version__,
        "numpy": np.__version__,
        "cores": os.cpu_count(),
        "cpu": cpu_model(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", default="bench/results/optuna-multi-objective-runs.json")
    parser.add_argument("--problems", default=",".join(PROBLEMS))
    parser.add_argument("--samplers", default=",".join(SAMPLER_SETTINGS))
    parser.add_argument("--seeds", default="0-19")
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--checkpoints", default="100,200")
    parser.add_argument("--info", action="store_true")
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.filterwarnings("ignore")
    if args.info:
        json.dump({**environment(), "samplers": SAMPLER_SETTINGS, "reference": {k: v[2] for k, v in PROBLEMS.items()}}, sys.stdout)
        return
    checkpoints = [int(c) for c in args.checkpoints.split(",")]
    cached = load(args.cache)["runs"]
    for seed in parse_seeds(args.seeds):
        for problem in args.problems.split(","):
            for sampler in args.samplers.split(","):
                if problem not in PROBLEMS or sampler not in SAMPLER_SETTINGS:
                    raise SystemExit(f"unknown problem {problem!r} or sampler {sampler!r}")
                key = f"{optuna.__version__}|{problem}|{sampler}|{seed}|{args.trials}"
                if key in cached and all(str(c) in cached[key]["hypervolume"] for c in checkpoints):
                    continue
                started = time.perf_counter()
                values, cpu = run_study(problem, sampler, seed, args.trials)
                ref = PROBLEMS[problem][2]
                entry = {
                    "hypervolume": {str(c): hypervolume(values[:c], ref) for c in checkpoints},
                    "cpu_seconds_per_ask": float(f"{sum(cpu) / len(cpu):.4g}"),
                    "when": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                }
                made = {"runs": {key: entry}, "environment": environment(), "samplers": SAMPLER_SETTINGS}
                save(args.cache, {**made, "reference": {name: ref for name, (_, _, ref) in PROBLEMS.items()}})
                hv = entry["hypervolume"][str(checkpoints[-1])]
                print(f"{key}: hypervolume {hv:.6g}, {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
