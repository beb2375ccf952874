"""How repair time and memory grow with input size: the input doubles from 1 MB to 16 MB (or a
chosen range) for plain documents and for pathological ones, and the growth exponent of time
(the slope of log time over log size) is reported. Near-linear is about 1.0; above ~1.2 is a bug.

`--cases` instead runs the scale cases the test suite keeps only small versions of (a 2 MB line,
100k copies of one clause, 10k scrambled numbered items, the pathological nestings), checks their
outcome and that each finishes under a limit, and exits 1 when one does not: the gate for hangs
and superlinear slowdowns, which timings in tests would make flaky.

    python benchmarks/scaling.py [--max-mb 16] [--min-mb 1]
    python benchmarks/scaling.py --cases [--limit-s 60]
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


GOOD = "关于加强知识产权保护工作的通知\n各区县人民政府：\n为做好相关工作，现通知如下。\n"
NEST = "（（（（（一）））））"


def scrambled_items(count: int) -> str:
    """`count` numbered items, odd numbers first, then the even ones, and item 1 pasted once more
    at the end: the damage that licenses the order stage to move clauses (a shuffle alone is left
    as it stands, as a clean document whose numbering looks odd must be)."""
    numbers = list(range(1, count + 1))
    return GOOD + "".join(f"{n}．第{n}项工作的具体要求和内容说明。\n" for n in numbers[1::2] + numbers[::2] + [1])


def _items(text: str) -> list[int]:
    return [int(line.split("．")[0]) for line in text.splitlines() if "．" in line]


def _sorted_but_the_years(result, count: int) -> bool:
    # Numbers 1900-2099 read like years, so those lines are no markers and are not sorted (the
    # strict xfail in tests/test_hardening.py), but all of them are kept; every other item comes
    # back in order, once.
    numbers = [n for n in range(1, count + 1) if not 1900 <= n <= 2099]
    items = _items(result.text)
    years = sorted(n for n in items if 1900 <= n <= 2099) == [n for n in range(1900, 2100) if n <= count]
    return [n for n in items if not 1900 <= n <= 2099] == numbers and years


#: name: (input, check of the result). The checks are the assertions the suite once ran at scale.
CASES = {
    "2 MB single line": (lambda: "加强组织领导，明确责任分工，" * 150_000, lambda text, r: r.text == text),
    "100k copies of a clause": (lambda: GOOD + CLAUSE * 100_000, lambda text, r: r.text.count(CLAUSE) == 1),
    "10k scrambled items": (lambda: scrambled_items(10_000), lambda text, r: _sorted_but_the_years(r, 10_000)),
    "one line of 10k nests": (lambda: GOOD + NEST * 10_000 + "\n", lambda text, r: r.text.count(NEST) == 10_000),
    "10k lines of one nest": (lambda: GOOD + (NEST + "\n") * 10_000, lambda text, r: r.text == GOOD + NEST + "\n"),
    "10k nests with text": (lambda: GOOD + "".join(f"{NEST}第{n}项内容。\n" for n in range(10_000)), None),
    "50k opens then 50k closes": (lambda: GOOD + "（" * 50_000 + "一" + "）" * 50_000 + "\n", None),
    "brackets 0 to 49 deep": (
        lambda: GOOD + "".join(f"{'（' * (n % 50)}（1）{'）' * (n % 50)}第{n}项。\n" for n in range(10_000)),
        None,
    ),
}


def run_cases(limit_s: float) -> int:
    """Each case: repair, replay and the no-loss check must hold, the case's own check too, and
    the repair must finish under `limit_s`. Returns the number of failures."""
    from docrepair import repair_text
    from docrepair.ledger import find_lost_offsets, replay

    failures = 0
    print(f"{'case':28s} {'chars':>10s} {'repair':>9s} {'replay':>9s}  outcome")
    for name, (make, check) in CASES.items():
        text = make()
        started = time.perf_counter()
        result = repair_text(text)
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        sound = replay(text, result.notes) == result.text and find_lost_offsets(text, result.notes) == []
        replay_seconds = time.perf_counter() - started
        problems = [word for word, bad in (("unsound", not sound), ("wrong", check is not None and not check(text, result)), (f"over {limit_s:.0f} s", seconds > limit_s)) if bad]
        failures += bool(problems)
        print(f"{name:28s} {len(text):>10,d} {seconds:>8.2f}s {replay_seconds:>8.2f}s  {', '.join(problems) or 'ok'}")
    return failures


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
    parser.add_argument("--cases", action="store_true", help="Run the scale cases as a gate instead of the growth table.")
    parser.add_argument("--limit-s", type=float, default=60.0, help="With --cases: the most one repair may take.")
    args = parser.parse_args(argv)
    from docrepair import repair_text

    repair_text(CLAUSE)  # load OpenCC and friends before timing
    if args.cases:
        return 1 if run_cases(args.limit_s) else 0
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
