"""Throughput of `repair_text` (library path, one process) per kind of document, beside ftfy's
`fix_text` on the same text in the same run: MB/s and documents/s, the seconds of each stage
(RepairResult.seconds), and peak memory. The ratio measured in one run is the figure to quote;
absolute times move with the machine and its load.

Kinds: `clean` is the clean corpus (../shared/corpus/*.txt); the others are the benchmark's
generated cases (benchmarks/cases.py build_cases), grouped by the damage they contain: `without
garble` (no byte-level damage), `garbled` (GBK shifted, UTF-8 read as GBK), `duplicated` (body,
block, title or clause repeats), `scrambled`, `chrome`; `mix` is all of them. A case with several
kinds of damage counts in each of its groups.

Every pass times each document on its own; a group's time in a pass is the sum over its
documents, and the figure reported is the median over `--repeat` passes.

    python benchmarks/speed.py [--repeat 3] [--cases 400] [--profile mix|clean] [FILE ...]

With FILE arguments, those files are the one group measured.
"""

from __future__ import annotations

import argparse
import cProfile
import pathlib
import platform
import pstats
import resource
import statistics
import sys
import time
import tracemalloc
from typing import Callable

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: Damage kinds (benchmarks/damage.py KINDS) by the group of documents they put a case in.
GROUPS_BY_KIND = {
    "garbled": ("gbk_shift", "utf8_as_gbk"),
    "duplicated": ("body_repeat", "block_repeat", "title_repeat", "clause_repeat"),
    "scrambled": ("scramble",),
    "chrome": ("chrome", "mirror_chrome"),
}


def load_documents(files: list[pathlib.Path], case_count: int) -> tuple[list[str], dict[str, list[int]]]:
    """The texts to measure, and the indices of each group's texts among them."""
    if files:
        texts = [path.read_text(encoding="utf-8") for path in files]
        return texts, {"files": list(range(len(texts)))}
    from benchmarks.cases import build_cases
    from benchmarks.corpus import corpus_dir

    texts = [path.read_text(encoding="utf-8") for path in sorted(corpus_dir().glob("*.txt"))]
    groups: dict[str, list[int]] = {"clean": list(range(len(texts)))}
    mix: list[int] = []
    for case in build_cases(case_count):
        index = len(texts)
        texts.append(case.damaged)
        mix.append(index)
        garbled = any(kind in GROUPS_BY_KIND["garbled"] for kind in case.kinds)
        groups.setdefault("without garble", [])
        if not garbled:
            groups["without garble"].append(index)
        for group, kinds in GROUPS_BY_KIND.items():
            if any(kind in kinds for kind in case.kinds):
                groups.setdefault(group, []).append(index)
    groups["mix"] = mix
    return texts, {name: indices for name, indices in groups.items() if indices}


def time_each(function: Callable[[str], object], texts: list[str], repeat: int) -> list[list[float]]:
    """Seconds per document, one list per pass."""
    passes = []
    for _ in range(repeat):
        seconds = []
        for text in texts:
            started = time.perf_counter()
            function(text)
            seconds.append(time.perf_counter() - started)
        passes.append(seconds)
    return passes


def median_total(passes: list[list[float]], indices: list[int]) -> float:
    return statistics.median(sum(seconds[index] for index in indices) for seconds in passes)


def stage_seconds(texts: list[str], indices: list[int]) -> dict[str, float]:
    """Wall seconds per stage over one pass of a group (RepairResult.seconds)."""
    from docrepair import repair_text

    totals: dict[str, float] = {}
    for index in indices:
        for name, seconds in repair_text(texts[index]).seconds.items():
            totals[name] = totals.get(name, 0.0) + seconds
    return totals


#: Documents per kind whose peak heap is measured against their size.
PEAK_DOCUMENTS = 10


def peak_traced(function: Callable[[str], object], text: str) -> float:
    """Peak Python heap, in bytes, while `function` runs once on `text` (tracemalloc), after one
    untraced run: what a process loads and caches once (models, tables) is not the document's."""
    function(text)
    tracemalloc.start()
    function(text)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def profile(texts: list[str], indices: list[int], limit: int = 30) -> None:
    from docrepair import repair_text

    profiler = cProfile.Profile()
    profiler.enable()
    for index in indices:
        repair_text(texts[index])
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(limit)
    stats.sort_stats("tottime").print_stats(limit)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=pathlib.Path)
    parser.add_argument("--repeat", type=int, default=3, help="passes per tool; the median is reported (default 3)")
    parser.add_argument("--cases", type=int, default=400, help="generated cases (default 400)")
    parser.add_argument("--profile", metavar="GROUP", help="instead of timing, print cProfile's top functions over one pass of GROUP")
    args = parser.parse_args(argv)
    texts, groups = load_documents(args.files, args.cases)
    if args.profile and args.profile not in groups:
        parser.error(f"--profile: no group {args.profile!r}; the groups are {', '.join(groups)}")
    sizes = [len(text.encode("utf-8")) for text in texts]

    from docrepair import repair_text

    started = time.perf_counter()
    repair_text(texts[0])  # the first call loads the character model, OpenCC's dictionaries and the like
    warm_up = time.perf_counter() - started
    if args.profile:
        profile(texts, groups[args.profile])
        return 0

    ours = time_each(repair_text, texts, args.repeat)
    try:
        import ftfy
    except ImportError:
        ftfy = None
    theirs = time_each(ftfy.fix_text, texts, args.repeat) if ftfy else None

    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, one process")
    print(f"{len(texts)} documents, {sum(sizes) / 1e6:.3f} MB; first call (loading) {warm_up:.2f} s; median of {args.repeat} passes")
    if ftfy is None:
        print("ftfy: not installed (pip install 'docrepair[bench]') - no ratio")
    print(f"{'kind':16s} {'docs':>5s} {'MB':>7s} {'MB/s':>7s} {'docs/s':>8s} {'ftfy MB/s':>10s} {'x ftfy':>7s}")
    for name, indices in groups.items():
        megabytes = sum(sizes[index] for index in indices) / 1e6
        seconds = median_total(ours, indices)
        line = f"{name:16s} {len(indices):5d} {megabytes:7.3f} {megabytes / seconds:7.2f} {len(indices) / seconds:8.1f}"
        if theirs is not None:
            ftfy_seconds = median_total(theirs, indices)
            line += f" {megabytes / ftfy_seconds:10.2f} {ftfy_seconds / seconds:7.2f}"
        print(line)

    for name in ("clean", "mix"):
        if name not in groups:
            continue
        totals = stage_seconds(texts, groups[name])
        whole = sum(totals.values())
        print(f"\nstage seconds, one pass of {name} ({whole:.2f} s in stages)")
        for stage, seconds in sorted(totals.items(), key=lambda item: -item[1]):
            print(f"  {stage:12s} {seconds:7.3f} s {100 * seconds / whole:5.1f}%")

    largest = max(range(len(texts)), key=lambda index: sizes[index])
    peak = peak_traced(repair_text, texts[largest])
    print(f"\npeak Python heap repairing the largest document ({sizes[largest] / 1e3:.0f} KB): {peak / 2**20:.1f} MiB, {peak / sizes[largest]:.1f}x its size")
    # Per document, as a multiple of its size: the largest documents of each kind (the issue's
    # bound is per document; a small one's fixed costs would say nothing of how memory grows).
    for name in ("without garble", "garbled"):
        biggest = sorted(groups.get(name, []), key=lambda index: -sizes[index])[:PEAK_DOCUMENTS]
        if biggest:
            ratios = sorted(peak_traced(repair_text, texts[index]) / sizes[index] for index in biggest)
            print(
                f"peak heap / size, the {len(biggest)} largest documents {name}: median {statistics.median(ratios):.1f}x,"
                f" highest {ratios[-1]:.1f}x (sizes {sizes[biggest[-1]] / 1e3:.0f}-{sizes[biggest[0]] / 1e3:.0f} KB)"
            )
    if ftfy is not None:
        print(f"ftfy's on the same: {peak_traced(ftfy.fix_text, texts[largest]) / 2**20:.1f} MiB")
    print(f"process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
