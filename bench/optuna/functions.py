"""The test functions of the Optuna side-by-side benchmark: the Python twin of bench/optuna/functions.ts.

Keep the two in step: tests/bench/functions-agree.test.ts evaluates both at the same points and
compares their search spaces. Plain `math` only, so the file runs on any Python 3.

    python3 bench/optuna/functions.py --eval < points.json   # [[name, params], ...] -> [value, ...]
    python3 bench/optuna/functions.py --spaces               # {name: {param: spec}}

A space maps each parameter to a spec: {"type": "float", "low", "high", "log"},
{"type": "int", "low", "high", "log"} (both ends included) or {"type": "categorical", "choices"}.
"""

import json
import math
import sys


def _float(low, high, log=False):
    return {"type": "float", "low": low, "high": high, "log": log}


def _int(low, high, log=False):
    return {"type": "int", "low": low, "high": high, "log": log}


def branin(p):
    x1, x2 = p["x1"], p["x2"]
    a = x2 - (5.1 / (4 * math.pi**2)) * x1**2 + (5 / math.pi) * x1 - 6
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
        inner = 0.0
        for j in range(6):
            d = p[f"x{j}"] - H_P[i][j]
            inner += H_A[i][j] * d * d
        total += H_ALPHA[i] * math.exp(-inner)
    return -total


def ackley5(p):
    squares = 0.0
    cosines = 0.0
    for i in range(5):
        x = p[f"x{i}"]
        squares += x * x
        cosines += math.cos(2 * math.pi * x)
    return -20 * math.exp(-0.2 * math.sqrt(squares / 5)) - math.exp(cosines / 5) + 20 + math.e


def rosenbrock4_log(p):
    total = 0.0
    for i in range(3):
        x = p[f"x{i}"]
        y = p[f"x{i + 1}"]
        total += 100 * (y - x * x) ** 2 + (1 - x) ** 2
    return math.log1p(total)


# Per optimizer: the best log10(learning rate) for a one-layer network, how sharply the loss
# rises away from it, and the loss floor the optimizer reaches.
MLP_OPTIMIZERS = {
    "sgd": (-1.0, 0.9, 0.32),
    "momentum": (-2.0, 0.7, 0.26),
    "adam": (-3.0, 0.5, 0.22),
    "rmsprop": (-3.2, 0.6, 0.24),
}


def mlp_mixed(p):
    best_log_lr, sharpness, floor = MLP_OPTIMIZERS[p["optimizer"]]
    layers = p["layers"]
    # Deeper networks want smaller steps; far above the best step, training diverges to
    # chance-level loss (a plateau, as real runs do).
    lr_gap = math.log10(p["lr"]) - (best_log_lr - 0.1 * (layers - 1))
    if lr_gap > 1.5:
        return 2.3
    width_gap = math.log2(p["units"]) - 7
    dropout_gap = p["dropout"] - 0.05 * layers
    decay_gap = math.log10(p["weight_decay"]) + 4
    return (
        floor
        + sharpness * lr_gap * lr_gap
        + 0.02 * (layers - 4) ** 2
        + 0.03 * width_gap * width_gap
        + 0.6 * dropout_gap * dropout_gap
        + 0.01 * decay_gap * decay_gap
    )


FUNCTIONS = {
    "branin": (branin, {"x1": _float(-5.0, 10.0), "x2": _float(0.0, 15.0)}),
    "hartmann6": (hartmann6, {f"x{i}": _float(0.0, 1.0) for i in range(6)}),
    "ackley5": (ackley5, {f"x{i}": _float(-32.768, 32.768) for i in range(5)}),
    "rosenbrock4-log": (rosenbrock4_log, {f"x{i}": _float(-5.0, 10.0) for i in range(4)}),
    "mlp-mixed": (
        mlp_mixed,
        {
            "lr": _float(1e-5, 1.0, log=True),
            "weight_decay": _float(1e-7, 1e-1, log=True),
            "layers": _int(1, 8),
            "units": _int(16, 1024, log=True),
            "dropout": _float(0.0, 0.6),
            "optimizer": {"type": "categorical", "choices": list(MLP_OPTIMIZERS)},
        },
    ),
}


def main():
    if "--spaces" in sys.argv:
        json.dump({name: space for name, (_, space) in FUNCTIONS.items()}, sys.stdout)
    elif "--eval" in sys.argv:
        points = json.load(sys.stdin)
        json.dump([FUNCTIONS[name][0](params) for name, params in points], sys.stdout)
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
