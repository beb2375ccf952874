"""Repair quality and speed, docrepair beside the baselines, in one command:

    python -m benchmarks [--cases N] [--quick] [--json results.json]

Cases: every clean reference document (benchmarks/corpus.py) damaged by each kind of damage
alone and by the combinations seen on real pages (benchmarks/damage.py), with fixed seeds. Each
tool repairs each case; scores (benchmarks/score.py) are averaged overall and per damage kind.
Speed: MB/s and documents/s over the generated set for docrepair and ftfy in the same run.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections import defaultdict
from dataclasses import dataclass

from .baselines import TOOLS
from .corpus import load_references
from .damage import COMBINATIONS, KINDS, damage
from .score import Score, score


@dataclass(frozen=True)
class Case:
    name: str
    kinds: tuple[str, ...]
    truth: str
    damaged: str


def build_cases(count: int, seed: int = 2026) -> list[Case]:
    """Round-robin over (reference, damage) pairs, each with its own seed, until `count`."""
    references = load_references()
    plans = [(kind,) for kind in KINDS] + list(COMBINATIONS)
    cases = []
    round_number = 0
    while len(cases) < count:
        for reference in references:
            for kinds in plans:
                if len(cases) >= count:
                    break
                case_seed = seed + len(cases) * 7919 + round_number
                cases.append(Case(f"{reference.name}/{'+'.join(kinds)}/{case_seed}", kinds, reference.text, damage(reference.text, kinds, case_seed)))
        round_number += 1
    return cases


def evaluate(cases: list[Case], tools: dict) -> dict[str, dict[str, list[Score]]]:
    """Scores per tool, per group ("overall" and each damage kind a case contains)."""
    results: dict[str, dict[str, list[Score]]] = {name: defaultdict(list) for name in tools}
    for case in cases:
        for name, tool in tools.items():
            result = score(tool(case.damaged), case.truth)
            results[name]["overall"].append(result)
            for kind in case.kinds:
                results[name][kind].append(result)
            if len(case.kinds) > 1:
                results[name]["combined"].append(result)
    return results


def mean(scores: list[Score]) -> dict[str, float]:
    return {field: sum(getattr(s, field) for s in scores) / len(scores) for field in Score.FIELDS}


def print_quality(results, groups: list[str]) -> None:
    header = f"{'tool':26s} {'similarity':>10s} {'recall':>7s} {'precision':>9s} {'duplicated':>10s} {'order':>6s}"
    for group in groups:
        print(f"\n== {group} ({len(next(iter(results.values()))[group])} cases)")
        print(header)
        for name, by_group in results.items():
            m = mean(by_group[group])
            print(f"{name:26s} {m['similarity']:10.1f} {m['recall']:7.3f} {m['precision']:9.3f} {m['duplicated']:10.3f} {m['order']:6.3f}")


def measure_speed(texts: list[str], tools: dict) -> dict[str, dict[str, float]]:
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    speeds = {}
    for name in ("docrepair", "ftfy fix_text"):
        tool = tools[name]
        tool(texts[0])
        started = time.perf_counter()
        for text in texts:
            tool(text)
        seconds = time.perf_counter() - started
        speeds[name] = {"MB/s": megabytes / seconds, "docs/s": len(texts) / seconds}
    return speeds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=120, help="number of generated cases (default 120)")
    parser.add_argument("--quick", action="store_true", help="24 cases, overall table only")
    parser.add_argument("--json", metavar="PATH", help="write all means to this file")
    args = parser.parse_args(argv)
    count = 24 if args.quick else args.cases
    cases = build_cases(count)
    print(f"{len(cases)} cases from {len(load_references())} clean documents, {len(KINDS)} kinds of damage and {len(COMBINATIONS)} combinations")
    results = evaluate(cases, TOOLS)
    groups = ["overall"] if args.quick else ["overall", *KINDS, "combined"]
    print_quality(results, [g for g in groups if g in results["docrepair"]])
    speeds = measure_speed([case.damaged for case in cases], TOOLS)
    print("\n== speed on the generated cases (one process)")
    for name, speed in speeds.items():
        print(f"{name:26s} {speed['MB/s']:8.2f} MB/s {speed['docs/s']:8.1f} docs/s")
    print(f"docrepair / ftfy speed: {speeds['docrepair']['MB/s'] / speeds['ftfy fix_text']['MB/s']:.2f}x")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    if args.json:
        summary = {name: {group: mean(scores) for group, scores in by_group.items()} for name, by_group in results.items()}
        with open(args.json, "w", encoding="utf-8") as stream:
            json.dump({"cases": len(cases), "quality": summary, "speed": speeds}, stream, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
