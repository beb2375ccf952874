"""Cross-document clustering at archive scale.

Generates an archive of documents (~7.5 KB each): distinct base documents, each made of
paragraphs of sentences drawn at random from the clean references cut from samples/ (sentences,
not whole paragraphs: with only ~90 paragraphs, thousands of bases drawn from them would share
half their text and the truth would be ambiguous), then 1-9 differently damaged copies of each (paragraphs deleted, shuffled and duplicated, site chrome, the other script). Times
`--cross-doc` clustering alone (signatures in the workers, then LSH and rapidfuzz verification),
not the repair, and reports documents/s per core, pairwise precision and recall of the clusters
against the generator's truth, how time grows with the archive, peak memory, and 2 workers vs 1.

    python benchmarks/batch_bench.py [--docs 1000 5000 20000] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import random
import resource
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from benchmarks.corpus import load_references  # noqa: E402
from benchmarks.damage import chrome, script_flip  # noqa: E402
from docrepair.keys import split_sentences  # noqa: E402

#: Paragraphs per base document and sentences per paragraph: 12 x 5 of the references'
#: sentences (~45 characters each) make ~7.5 KB.
PARAGRAPHS = 12
SENTENCES = (4, 6)
#: Documents signed per task: amortises the cost of shipping texts to a worker.
CHUNK = 256


def build_archive(count: int, seed: int = 7) -> tuple[list[str], list[int]]:
    """`count` documents and, for each, the base document it is a copy of."""
    rng = random.Random(seed)
    pool = sorted({s for r in load_references() for line in r.text.splitlines() for s in split_sentences(line) if len(s) > 8})
    texts: list[str] = []
    truth: list[int] = []
    base = 0
    while len(texts) < count:
        drawn = iter(rng.sample(pool, PARAGRAPHS * SENTENCES[1]))
        paragraphs = ["".join(next(drawn) for _ in range(rng.randint(*SENTENCES))) for _ in range(PARAGRAPHS)]
        for _ in range(min(rng.randint(1, 9), count - len(texts))):
            texts.append(damage_copy(paragraphs, rng))
            truth.append(base)
        base += 1
    return texts, truth


def damage_copy(paragraphs: list[str], rng: random.Random) -> str:
    """One mirror's copy: a few paragraphs lost, two swapped, a run repeated, and on some
    pages the site's chrome or the other script."""
    lines = [line for line in paragraphs if rng.random() > 0.1]
    if len(lines) > 3 and rng.random() < 0.5:
        i, j = rng.sample(range(len(lines)), 2)
        lines[i], lines[j] = lines[j], lines[i]
    if len(lines) > 3 and rng.random() < 0.4:
        start = rng.randrange(len(lines) - 2)
        lines[start + 2 : start + 2] = lines[start : start + 2]
    text = "\n".join(lines) + "\n"
    if rng.random() < 0.4:
        text = chrome(text, rng)
    if rng.random() < 0.3:
        text = script_flip(text, rng)
    return text


#: The archive, inherited by forked workers: in a batch run each worker has its documents in
#: hand anyway (it just repaired them), so shipping texts to workers is not part of the cost.
_ARCHIVE: list[str] = []


def sign_range(start: int) -> list:
    from docrepair.batch.crossdoc import sign_text

    return [sign_text(text) for text in _ARCHIVE[start : start + CHUNK]]


def cluster(texts: list[str], workers: int):
    """Signatures (in `workers` processes), then LSH, verification and union-find."""
    from docrepair.batch.crossdoc import CrossDocIndex

    _ARCHIVE[:] = texts
    starts = range(0, len(texts), CHUNK)
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) if workers > 1 else None
    signed = pool.map(sign_range, starts) if pool else map(sign_range, starts)
    index = CrossDocIndex()
    for number, signature in enumerate(s for chunk in signed for s in chunk):
        index.add(f"doc{number:07d}", signature)
    if pool:
        pool.shutdown()
    return index.clusters()


def pairwise_scores(predicted: dict[int, int], truth: list[int]) -> tuple[float, float]:
    """Precision and recall over the pairs of documents put in one cluster."""

    def pairs(labels) -> int:
        return sum(n * (n - 1) // 2 for n in Counter(labels).values())

    predicted_labels = [predicted.get(i, -1 - i) for i in range(len(truth))]
    both = pairs(list(zip(predicted_labels, truth)))
    return both / max(1, pairs(predicted_labels)), both / max(1, pairs(truth))


def measure(texts: list[str], truth: list[int], workers: int) -> dict[str, float]:
    _warm_up()
    started = time.perf_counter()
    clusters = cluster(texts, workers)
    seconds = time.perf_counter() - started
    label = {int(member[3:]): number for number, c in enumerate(clusters) for member in c.members}
    precision, recall = pairwise_scores(label, truth)
    return {"docs": len(texts), "workers": workers, "seconds": seconds, "per_core": len(texts) / seconds / workers, "precision": precision, "recall": recall}


def _warm_up() -> None:
    """Build the per-process tables (OpenCC's, the permutations) outside the timing; forked
    workers inherit them."""
    from docrepair.batch.crossdoc import sign_text

    sign_text("预热")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args(argv)
    print(f"{'documents':>9s} {'MB':>6s} {'workers':>7s} {'seconds':>8s} {'docs/s/core':>11s} {'precision':>9s} {'recall':>6s}")
    timings: dict[int, list[tuple[int, float]]] = {}
    for count in args.docs:
        texts, truth = build_archive(count)
        megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
        for workers in args.workers:
            row = measure(texts, truth, workers)
            timings.setdefault(workers, []).append((count, row["seconds"]))
            print(f"{count:9d} {megabytes:6.1f} {workers:7d} {row['seconds']:8.2f} {row['per_core']:11.0f} {row['precision']:9.3f} {row['recall']:6.3f}", flush=True)
    for workers, points in timings.items():
        if len(points) > 1:
            (n0, t0), (n1, t1) = points[0], points[-1]
            print(f"time growth exponent {math.log(t1 / t0) / math.log(n1 / n0):.2f} with {workers} worker(s) (1.0 is linear)")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB (this process; workers hold one chunk each)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
