"""Repair quality and speed, docrepair beside the baselines, in one command:

    python -m benchmarks [--cases N] [--quick] [--corpus DIR] [--json results.json]

Cases: every clean reference document (benchmarks/corpus.py: the seed cuts, ../shared/corpus and
its table-of-contents variants) damaged by each kind of damage alone and by the combinations seen on
real pages (benchmarks/damage.py), with fixed seeds. Each tool repairs each case; scores
(benchmarks/score.py) are reported overall, per half (tuning / held-out), per damage kind, worst
cases first and per document (the minimum). Then every clean reference goes through docrepair
unchanged (benchmarks/harm.py: the do-no-harm count), and speed is measured beside ftfy.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections import Counter, defaultdict

from .baselines import TOOLS
from .cases import PLANS, Results, badness, build_cases, evaluate, mean
from .chrome_recall import measure as measure_chrome_recall, print_recall
from .corpus import corpus_dir, load_references
from .damage import COMBINATIONS, KINDS
from .harm import HarmCheck, check_all

_DOCREPAIR = "docrepair"
_INPUT = "input unchanged"


def print_table(results: Results, title: str, indices: list[int]) -> None:
    print(f"\n== {title} ({len(indices)} cases)")
    print(f"{'tool':26s} {'similarity':>10s} {'min':>6s} {'recall':>7s} {'precision':>9s} {'duplicated':>10s} {'order':>6s}")
    for name in results.scores:
        scores = [results.scores[name][index] for index in indices]
        m = mean(scores)
        lowest = min(s.similarity for s in scores)
        print(f"{name:26s} {m['similarity']:10.1f} {lowest:6.1f} {m['recall']:7.3f} {m['precision']:9.3f} {m['duplicated']:10.3f} {m['order']:6.3f}")


def print_per_damage(results: Results) -> None:
    print("\n== docrepair per kind of damage (means; min = worst case's similarity)")
    print(f"{'damage':16s} {'cases':>5s} {'input':>6s} {'best baseline':>22s} {'docrepair':>9s} {'min':>6s} {'recall':>7s} {'precision':>9s} {'dup':>6s} {'order':>6s}")
    ours = results.groups(_DOCREPAIR)
    for group in [*KINDS, "combined"]:
        if group not in ours:
            continue
        baselines = {name: mean(results.groups(name)[group])["similarity"] for name in results.scores if name not in (_DOCREPAIR, _INPUT)}
        best = max(baselines, key=baselines.get)
        m = mean(ours[group])
        lowest = min(s.similarity for s in ours[group])
        input_similarity = mean(results.groups(_INPUT)[group])["similarity"]
        print(
            f"{group:16s} {len(ours[group]):5d} {input_similarity:6.1f} {best[:14]:>14s} {baselines[best]:6.1f} "
            f"{m['similarity']:9.1f} {lowest:6.1f} {m['recall']:7.3f} {m['precision']:9.3f} {m['duplicated']:6.3f} {m['order']:6.3f}"
        )


def print_worst(results: Results, limit: int = 10) -> list[dict]:
    ours, before = results.scores[_DOCREPAIR], results.scores[_INPUT]
    ranked = sorted(range(len(results.cases)), key=lambda index: (-badness(ours[index]), results.cases[index].name))
    worse = [index for index in range(len(results.cases)) if ours[index].similarity < before[index].similarity]
    print(f"\n== the {limit} worst cases for docrepair (similarity input → output; recall, precision, duplicated, order of the output)")
    rows = []
    for index in ranked[:limit]:
        case, s = results.cases[index], ours[index]
        print(
            f"{case.reference.name[:58]:58s} {case.damage_name[:40]:40s} {before[index].similarity:5.1f} → {s.similarity:5.1f}"
            f"  r {s.recall:.3f} p {s.precision:.3f} d {s.duplicated:.3f} o {s.order:.3f}"
        )
        rows.append({"case": case.name, "input": before[index].similarity, **{name: getattr(s, name) for name in s.FIELDS}})
    print(f"\n== cases where docrepair's output is further from the truth than its input: {len(worse)} of {len(results.cases)}")
    kinds = Counter(results.cases[index].damage_name for index in worse)
    for damage_name, count in sorted(kinds.items(), key=lambda item: (-item[1], item[0])):
        print(f"  {damage_name}: {count}")
    return rows


def print_per_document(results: Results, limit: int = 10) -> dict[str, float]:
    lowest: dict[str, float] = defaultdict(lambda: 100.0)
    for case, s in zip(results.cases, results.scores[_DOCREPAIR]):
        lowest[case.reference.name] = min(lowest[case.reference.name], s.similarity)
    values = sorted(lowest.values())
    print(f"\n== per document: docrepair's lowest similarity over its cases ({len(values)} documents)")
    print(f"minimum {values[0]:.1f}, median {values[len(values) // 2]:.1f}; documents below 99: {sum(v < 99 for v in values)}, below 95: {sum(v < 95 for v in values)}")
    for name, value in sorted(lowest.items(), key=lambda item: (item[1], item[0]))[:limit]:
        print(f"  {value:5.1f}  {name}")
    return dict(lowest)


def print_harm(checks: list[HarmCheck]) -> None:
    harmed = [check for check in checks if check.harmed]
    changed = [check for check in checks if not check.harmed and check.text_changed]
    by_group = Counter(check.reference.group for check in checks)
    harmed_by_group = Counter(check.reference.group for check in harmed)
    groups = ", ".join(f"{group} {harmed_by_group[group]}/{count}" for group, count in sorted(by_group.items()))
    print(f"\n== do no harm: {len(harmed)} of {len(checks)} clean documents harmed by `fix` with the default options ({groups})")
    for check in harmed:
        print(f"  {check.reference.name}: {check.describe()}")
    if changed:
        print(f"  text changed without a harmful action (width, white space aside): {', '.join(check.reference.name for check in changed)}")


def measure_speed(texts: list[str], tools: dict) -> dict[str, dict[str, float]]:
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    speeds = {}
    for name in (_DOCREPAIR, "ftfy fix_text"):
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
    parser.add_argument("--cases", type=int, default=400, help="number of generated cases (default 400)")
    parser.add_argument("--quick", action="store_true", help="60 cases, overall tables only, no speed")
    parser.add_argument("--corpus", metavar="DIR", help="clean documents to add to the seed cuts (default ../shared/corpus)")
    parser.add_argument("--json", metavar="PATH", help="write every figure, per case, to this file")
    args = parser.parse_args(argv)
    references = load_references(args.corpus)
    counts = Counter(reference.group for reference in references)
    folder = corpus_dir(args.corpus)
    if not counts["corpus"]:
        print(f"NOTE: no clean corpus at {folder}: only the {counts['seed']} documents cut from the seeds are used. "
              "Put ../shared beside the checkout or pass --corpus DIR.", file=sys.stderr)
    cases = build_cases(30 if args.quick else args.cases, references)
    print(
        f"{len(cases)} cases from {len({case.reference.name for case in cases})} clean documents "
        f"({counts['seed']} cut from seeds, {counts['corpus']} from {folder}, {counts['toc']} of them with a 目录 added, "
        f"{counts['notes']} with responsibility notes on lines of their own); "
        f"{len(KINDS)} kinds of damage and {len(COMBINATIONS)} combinations ({len(PLANS)} plans)"
    )
    started = time.perf_counter()
    results = evaluate(cases, TOOLS)
    every = list(range(len(cases)))
    print_table(results, "overall, all cases", every)
    halves = defaultdict(list)
    for index, case in enumerate(cases):
        halves[case.reference.half].append(index)
    for half in ("tuning", "held-out"):
        if halves[half]:
            print_table(results, f"{half} half", halves[half])
    worst: list[dict] = []
    lowest: dict[str, float] = {}
    if not args.quick:
        print_per_damage(results)
        worst = print_worst(results)
        lowest = print_per_document(results)
    chrome_recall = measure_chrome_recall(cases)
    print_recall(chrome_recall, limit=0 if args.quick else 10)
    checks = check_all(references)
    print_harm(checks)
    print(f"\nquality run: {time.perf_counter() - started:.0f} s")
    speeds = {}
    if not args.quick:
        speeds = measure_speed([case.damaged for case in cases], TOOLS)
        print("\n== speed on the generated cases (one process)")
        for name, speed in speeds.items():
            print(f"{name:26s} {speed['MB/s']:8.2f} MB/s {speed['docs/s']:8.1f} docs/s")
        print(f"docrepair / ftfy speed: {speeds[_DOCREPAIR]['MB/s'] / speeds['ftfy fix_text']['MB/s']:.2f}x")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    if args.json:
        summary = {
            "cases": len(cases),
            "quality": {name: {group: mean(scores) for group, scores in results.groups(name).items()} for name in results.scores},
            "halves": {half: {name: mean([results.scores[name][i] for i in indices]) for name in results.scores} for half, indices in halves.items()},
            "worst": worst,
            "per_document_min_similarity": lowest,
            "chrome_recall": chrome_recall.to_dict(),
            "harm": [{"document": c.reference.name, "group": c.reference.group, "harmed": c.harmed, "what": c.describe()} for c in checks],
            "speed": speeds,
            "per_case": [{"case": case.name, **{name: results.scores[name][i].similarity for name in results.scores}} for i, case in enumerate(cases)],
        }
        with open(args.json, "w", encoding="utf-8") as stream:
            json.dump(summary, stream, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
