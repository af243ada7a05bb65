"""Optuna's TPE on the functions of bench/tpe-quality.bench.ts, for a side-by-side table.

Run by bench/optuna/side-by-side.ts, or alone:

    python3 bench/optuna/tpe_quality.py --seeds 20 --budgets 100,200 > optuna.json

Prints JSON: {"version": ..., "best": {"<function>|<sampler>|<budget>": [best value per seed]},
"seconds_per_suggestion": {...}}. Exits with status 3 and a message when Optuna is missing.
The functions mirror bench/optuna/functions.ts: keep the two in step.
"""

import argparse
import json
import math
import sys
import time
import warnings

try:
    import optuna
except ImportError:
    print("optuna is not installed (apt-get install python3-optuna, or pip install optuna)", file=sys.stderr)
    sys.exit(3)


def branin(p):
    x1, x2 = p["x1"], p["x2"]
    a = x2 - 5.1 / (4 * math.pi**2) * x1**2 + 5 / math.pi * x1 - 6
    return a * a + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x1) + 10


H_ALPHA = [1.0, 1.2, 3.0, 3.2]
H_A = [
    [10, 3, 17, 3.5, 1.7, 8],
    [0.05, 10, 17, 0.1, 8, 14],
    [3, 3.5, 1.7, 10, 17, 8],
    [17, 8, 0.05, 10, 0.1, 14],
]
H_P = [
    [v * 1e-4 for v in row]
    for row in [
        [1312, 1696, 5569, 124, 8283, 5886],
        [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650],
        [4047, 8828, 8732, 5743, 1091, 381],
    ]
]


def hartmann6(p):
    total = 0.0
    for i in range(4):
        inner = sum(H_A[i][j] * (p[f"x{j}"] - H_P[i][j]) ** 2 for j in range(6))
        total += H_ALPHA[i] * math.exp(-inner)
    return -total


def ackley5(p):
    xs = [p[f"x{i}"] for i in range(5)]
    squares = sum(x * x for x in xs) / 5
    cosines = sum(math.cos(2 * math.pi * x) for x in xs) / 5
    return -20 * math.exp(-0.2 * math.sqrt(squares)) - math.exp(cosines) + 20 + math.e


FUNCTIONS = {
    "branin": (branin, {"x1": (-5.0, 10.0), "x2": (0.0, 15.0)}),
    "hartmann6": (hartmann6, {f"x{i}": (0.0, 1.0) for i in range(6)}),
    "ackley5": (ackley5, {f"x{i}": (-32.768, 32.768) for i in range(5)}),
}

SAMPLERS = {
    "tpe (univariate)": False,
    "tpe (multivariate)": True,
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--budgets", default="100,200")
    parser.add_argument("--functions", default=",".join(FUNCTIONS))
    args = parser.parse_args()
    budgets = [int(b) for b in args.budgets.split(",")]
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.filterwarnings("ignore")
    best = {}
    timing = {}
    for fname in args.functions.split(","):
        f, bounds = FUNCTIONS[fname]
        for sname, multivariate in SAMPLERS.items():
            spent, count = 0.0, 0
            for seed in range(args.seeds):
                sampler = optuna.samplers.TPESampler(seed=seed, multivariate=multivariate)
                study = optuna.create_study(sampler=sampler, direction="minimize")
                curve = []
                current = math.inf
                for _ in range(max(budgets)):
                    started = time.perf_counter()
                    trial = study.ask()
                    params = {k: trial.suggest_float(k, lo, hi) for k, (lo, hi) in bounds.items()}
                    spent += time.perf_counter() - started
                    count += 1
                    value = f(params)
                    study.tell(trial, value)
                    current = min(current, value)
                    curve.append(current)
                for budget in budgets:
                    best.setdefault(f"{fname}|{sname}|{budget}", []).append(curve[budget - 1])
            timing[f"{fname}|{sname}"] = spent / count
    json.dump({"version": optuna.__version__, "best": best, "seconds_per_suggestion": timing}, sys.stdout)


if __name__ == "__main__":
    main()
