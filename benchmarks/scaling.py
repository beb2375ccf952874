"""How repair time and memory grow with input size: the input doubles from 1 MB to 16 MB (or a
chosen range) for plain documents and for pathological ones, and the growth exponent of time
(the slope of log time over log size) is reported. Near-linear is about 1.0; above ~1.2 is a bug.

    python benchmarks/scaling.py [--max-mb 16] [--min-mb 1]
"""

from __future__ import annotations

import argparse
import math
import pathlib
import sys
import time
import tracemalloc

ROOT = pathlib.Path(__file__).resolve().parent.parent
CLAUSE = "（一）加强组织领导。各地区各部门要高度重视，切实加强组织领导，明确责任分工，形成工作合力。\n"


def plain(size: int) -> str:
    """Sample documents laid end to end: real structure, repeats and all."""
    seeds = "".join(path.read_text(encoding="utf-8") + "\n" for path in sorted((ROOT / "samples").glob("*.txt")))
    return (seeds * (size // len(seeds.encode("utf-8")) + 1))[: size // 3]


def repeated_clause(size: int) -> str:
    return CLAUSE * (size // len(CLAUSE.encode("utf-8")) + 1)


def long_line(size: int) -> str:
    sentence = "各地区各部门要高度重视，切实加强组织领导，明确责任分工。"
    return sentence * (size // len(sentence.encode("utf-8")) + 1)


def numbered_run_on(size: int) -> str:
    parts, number, total = [], 1, 0
    while total < size:
        part = f"{number}．第{number}项工作的具体要求和内容说明。"
        parts.append(part)
        total += len(part.encode("utf-8"))
        number += 1
    return "".join(parts)


KINDS = {"plain": plain, "repeated clause": repeated_clause, "one long line": long_line, "numbered run-on line": numbered_run_on}


def measure(text: str) -> tuple[float, float]:
    from docrepair import repair_text

    tracemalloc.start()
    started = time.perf_counter()
    repair_text(text)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 2**20


def exponent(sizes: list[int], values: list[float]) -> float:
    """Least-squares slope of log(value) over log(size)."""
    xs = [math.log(s) for s in sizes]
    ys = [math.log(max(v, 1e-9)) for v in values]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / sum((x - mean_x) ** 2 for x in xs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-mb", type=float, default=1.0)
    parser.add_argument("--max-mb", type=float, default=16.0)
    args = parser.parse_args(argv)
    from docrepair import repair_text

    repair_text(CLAUSE)  # load OpenCC and friends before timing
    sizes = []
    size = int(args.min_mb * 2**20)
    while size <= args.max_mb * 2**20:
        sizes.append(size)
        size *= 2
    print(f"{'input':22s} " + " ".join(f"{s / 2**20:>8.0f}MB" for s in sizes) + "   time exp  memory exp")
    worst = 0.0
    for name, make in KINDS.items():
        times, memories = [], []
        for size in sizes:
            seconds, peak = measure(make(size))
            times.append(seconds)
            memories.append(peak)
        time_exp, memory_exp = exponent(sizes, times), exponent(sizes, memories)
        worst = max(worst, time_exp)
        cells = " ".join(f"{t:>9.2f}s" for t in times)
        print(f"{name:22s} {cells}   {time_exp:8.2f}  {memory_exp:10.2f}   (peak {max(memories):.0f} MiB)")
    print(f"worst time growth exponent: {worst:.2f} ({'near-linear' if worst <= 1.2 else 'SUPERLINEAR: a bug to fix'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
