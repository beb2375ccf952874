"""The quality gate's measurements: docrepair's means on fixed sets of generated cases, held to the
floors in benchmarks/floors.json by tests/test_quality_gate.py.

Two sets:
- `seed`: the first cases over the documents cut from the seeds (always present);
- `held-out`: the first cases over the held-out half of the clean corpus (../shared/corpus): rules
  are tuned on the other half, so this set shows what a user's unseen documents would get.

    python -m benchmarks.gate            # measured beside the floors
    python -m benchmarks.gate --raise    # raise floors (lower ceilings) to what is measured now

`--raise` never lowers a floor: a change that needs one lower must say so and edit the file by hand.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from .baselines import docrepair_fix
from .cases import build_cases, evaluate, mean
from .corpus import load_corpus, load_seed_references

FLOORS_PATH = Path(__file__).resolve().parent / "floors.json"
#: Metrics where lower is better: their bound is a ceiling.
CEILINGS = ("duplicated",)


def load_floors() -> dict:
    return json.loads(FLOORS_PATH.read_text(encoding="utf-8"))


def gate_references(name: str):
    if name == "seed":
        return load_seed_references()
    if name == "held-out":
        return [reference for reference in load_corpus() if reference.half == "held-out" and reference.group == "corpus"]
    raise ValueError(f"unknown gate set {name!r}")


def measure(name: str, count: int) -> dict[str, dict[str, float]]:
    """docrepair's means per group on the gate set's first `count` cases."""
    references = gate_references(name)
    if not references:
        return {}
    results = evaluate(build_cases(count, references), {"docrepair": docrepair_fix})
    return {group: mean(scores) for group, scores in results.groups("docrepair").items()}


def violations(floors: dict[str, dict[str, float]], measured: dict[str, dict[str, float]]) -> list[str]:
    found = []
    for group, bounds in sorted(floors.items()):
        for metric, bound in bounds.items():
            value = measured[group][metric]
            if metric in CEILINGS and value > bound:
                found.append(f"{group}: {metric} {value:.3f} above its ceiling {bound}")
            elif metric not in CEILINGS and value < bound:
                found.append(f"{group}: {metric} {value:.3f} below its floor {bound}")
    return found


def raised(floors: dict[str, dict[str, float]], measured: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    """Floors raised to the measured means (rounded down to 3 decimals; ceilings rounded up)."""
    new = {}
    for group, means in sorted(measured.items()):
        old = floors.get(group, {})
        new[group] = {}
        for metric, value in means.items():
            if metric in CEILINGS:
                bound = math.ceil(value * 1000) / 1000 + 0.001
                new[group][metric] = min(old.get(metric, bound), bound)
            else:
                bound = math.floor(value * 1000) / 1000
                new[group][metric] = max(old.get(metric, bound), bound)
    return new


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.gate", description=__doc__.splitlines()[0])
    parser.add_argument("--raise", dest="raise_floors", action="store_true", help="raise the floors to the measured means")
    args = parser.parse_args(argv)
    config = load_floors()
    failed = False
    for name, gate in config["gates"].items():
        measured = measure(name, gate["cases"])
        if not measured:
            print(f"{name}: no documents (is ../shared/corpus there?); skipped")
            continue
        problems = violations(gate["floors"], measured)
        failed |= bool(problems)
        print(f"{name}: {gate['cases']} cases, overall similarity {measured['overall']['similarity']:.2f}; " + ("; ".join(problems) or "all floors met"))
        if args.raise_floors:
            gate["floors"] = raised(gate["floors"], measured)
    if args.raise_floors:
        FLOORS_PATH.write_text(json.dumps(config, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
