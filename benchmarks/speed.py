"""Throughput of `docrepair fix` (library path, one process) on the samples: MB/s, documents/s and
peak memory, beside ftfy's `fix_text` on the same text when ftfy is installed (pip install
'docrepair[bench]'). The ratio measured in one run is the figure to quote; absolute times move
with the machine and its load.

    python benchmarks/speed.py [--repeat 5] [FILE ...]
"""

from __future__ import annotations

import argparse
import pathlib
import platform
import resource
import sys
import time
import tracemalloc

ROOT = pathlib.Path(__file__).resolve().parent.parent


def best_time(function, texts: list[str], repeat: int) -> float:
    """The fastest of `repeat` passes over all texts: the least disturbed by other load."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for text in texts:
            function(text)
        best = min(best, time.perf_counter() - started)
    return best


def peak_traced_mib(function, texts: list[str]) -> float:
    """Peak Python heap while repairing the largest text once (tracemalloc)."""
    largest = max(texts, key=len)
    tracemalloc.start()
    function(largest)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=pathlib.Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    paths = args.files or sorted((ROOT / "samples").glob("*.txt"))
    texts = [path.read_text(encoding="utf-8") for path in paths]
    megabytes = sum(len(text.encode("utf-8")) for text in texts) / 1e6

    from docrepair import repair_text

    started = time.perf_counter()
    repair_text(texts[0])  # the first call loads OpenCC's dictionaries and the like
    warm_up = time.perf_counter() - started
    seconds = best_time(repair_text, texts, args.repeat)
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, one process")
    print(f"input: {len(texts)} documents, {megabytes:.3f} MB; first call (loading) {warm_up:.2f} s")
    print(f"{'tool':10s} {'MB/s':>8s} {'docs/s':>8s} {'peak heap MiB':>14s}")
    print(f"{'docrepair':10s} {megabytes / seconds:8.2f} {len(texts) / seconds:8.1f} {peak_traced_mib(repair_text, texts):14.1f}")
    try:
        import ftfy
    except ImportError:
        print("ftfy: not installed (pip install 'docrepair[bench]') - no ratio")
    else:
        ftfy_seconds = best_time(ftfy.fix_text, texts, args.repeat)
        print(f"{'ftfy':10s} {megabytes / ftfy_seconds:8.2f} {len(texts) / ftfy_seconds:8.1f} {peak_traced_mib(ftfy.fix_text, texts):14.1f}")
        print(f"docrepair / ftfy speed: {ftfy_seconds / seconds:.2f}x")
    print(f"process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
