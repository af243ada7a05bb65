"""What the Optuna runners share: the --seeds syntax, the run cache on disk, and the machine's CPU name.

Used by bench/optuna/optuna_runs.py and bench/optuna/multi_objective_runs.py. A cache is a JSON object
{"runs": {key: entry}, ...}: one line per run, sorted, so a rerun shows in a diff as the lines it changed.
Plain standard library, so it runs on any Python 3.
"""

import fcntl
import json
import os


def parse_seeds(text):
    """'0-3,7' -> [0, 1, 2, 3, 7]; a malformed part exits with a message naming --seeds."""
    seeds = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        try:
            first, last = int(lo), int(hi or lo)
        except ValueError:
            raise SystemExit(f"--seeds: each part must be N or LO-HI, got {part!r} in {text!r}") from None
        if last < first:
            raise SystemExit(f"--seeds: LO <= HI must hold, got {part!r}")
        seeds.extend(range(first, last + 1))
    return seeds


def load(path):
    """The cache at `path`, or an empty one."""
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    return {"runs": {}}


def save(path, made):
    """Merges what this process made into the cache on disk: its runs are added (replacing the same keys), its
    "environment" replaces the one there, and every other key (a dict: sampler settings, prefix checks, reference
    points) is merged key by key. The read, merge and write happen under a lock, so two runners sharing one cache
    keep each other's runs; the write goes through a temporary file, so an interrupted runner leaves the old cache."""
    # The lock is on the cache's directory: the file itself is replaced, and a lock file would be litter.
    directory = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
    try:
        fcntl.flock(directory, fcntl.LOCK_EX)
        merged = load(path)
        merged["runs"].update(made.get("runs", {}))
        for key, value in made.items():
            if key == "environment":
                merged[key] = value
            elif key != "runs":
                merged[key] = {**merged.get(key, {}), **value}
        head = "".join(f" {json.dumps(k)}: {json.dumps(v, sort_keys=True)},\n" for k, v in sorted(merged.items()) if k != "runs")
        runs = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v, sort_keys=True)}" for k, v in sorted(merged["runs"].items()))
        tmp = f"{path}.tmp"
        with open(tmp, "w") as f:
            f.write(f'{{\n{head} "runs": {{\n{runs}\n }}\n}}\n')
        os.replace(tmp, path)
    finally:
        os.close(directory)  # releases the lock


def cpu_model():
    """The first CPU's model name from /proc/cpuinfo, or "unknown"."""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            models = [line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")]
        return models[0] if models else "unknown"
    except OSError:
        return "unknown"
