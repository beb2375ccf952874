"""Cross-document clustering at archive scale: a generated archive of documents (~7.5 KB each)
made of damaged copies of distinct base documents; reports documents/s per core for clustering
(signatures, LSH, verification), precision and recall of the clusters against the generator's
truth (pairwise), how time grows with the archive, and peak memory.

    python benchmarks/batch_bench.py [--docs 1000 5000 20000] [--copies 5]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time

from benchmarks.corpus import load_references
from benchmarks.damage import block_repeat, chrome, script_flip


def build_archive(count: int, copies: int, seed: int = 7) -> tuple[list[str], list[int]]:
    """`count` documents: count / copies base documents, each a random draw of paragraphs from
    the clean references (so bases differ), then `copies` differently damaged copies of each."""
    rng = random.Random(seed)
    pool = [line for reference in load_references() for line in reference.text.splitlines() if len(line) > 30]
    texts, truth = [], []
    for base in range(count // copies):
        paragraphs = rng.sample(pool, min(len(pool), 18))
        document = "\n".join(paragraphs) + "\n"
        for _ in range(copies):
            damaged = document
            kept = [line for line in damaged.splitlines() if rng.random() > 0.08]  # a few paragraphs lost
            damaged = "\n".join(kept) + "\n"
            for damage in (block_repeat, chrome, script_flip):
                if rng.random() < 0.4:
                    damaged = damage(damaged, rng)
            texts.append(damaged)
            truth.append(base)
    return texts, truth


def pairwise_scores(predicted: dict[int, int], truth: list[int]) -> tuple[float, float]:
    """Precision and recall over pairs of documents put in one cluster."""
    from collections import Counter

    def pairs(labels):
        return sum(n * (n - 1) // 2 for n in Counter(labels).values())

    predicted_labels = [predicted.get(i, -1 - i) for i in range(len(truth))]
    both = pairs(list(zip(predicted_labels, truth)))
    return both / max(1, pairs(predicted_labels)), both / max(1, pairs(truth))


def measure(count: int, copies: int) -> dict[str, float]:
    from docrepair.batch.crossdoc import CrossDocIndex

    texts, truth = build_archive(count, copies)
    index = CrossDocIndex()
    started = time.perf_counter()
    for number, text in enumerate(texts):
        index.add(f"doc{number:07d}", text)
    clusters = index.clusters()
    seconds = time.perf_counter() - started
    label = {int(member[3:]): cluster_number for cluster_number, cluster in enumerate(clusters) for member in cluster.members}
    precision, recall = pairwise_scores(label, truth)
    return {"docs": len(texts), "seconds": seconds, "docs_per_s": len(texts) / seconds, "precision": precision, "recall": recall, "mb": sum(len(t.encode()) for t in texts) / 1e6}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--copies", type=int, default=5)
    args = parser.parse_args(argv)
    print(f"{'documents':>10s} {'MB':>7s} {'seconds':>8s} {'docs/s':>8s} {'precision':>9s} {'recall':>7s}")
    rows = []
    for count in args.docs:
        row = measure(count, args.copies)
        rows.append(row)
        print(f"{row['docs']:10d} {row['mb']:7.1f} {row['seconds']:8.2f} {row['docs_per_s']:8.0f} {row['precision']:9.3f} {row['recall']:7.3f}", flush=True)
    if len(rows) > 1:
        import math

        growth = math.log(rows[-1]["seconds"] / rows[0]["seconds"]) / math.log(rows[-1]["docs"] / rows[0]["docs"])
        print(f"time growth exponent {growth:.2f} (1.0 is linear); one process, one core")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
