"""Cross-document clustering at archive scale.

Generates an archive of documents (~7.5 KB each). Each distinct *base* document is built the way
the official documents in `../shared/corpus/` are: the opening lines (title, document number,
addressees) and one paragraph of a corpus document taken as they stand, then paragraphs of
sentences drawn from all the corpus documents' sentences, as often as they occur there (so the
formulaic ones, 各省、自治区、直辖市人民政府… or 构成犯罪的，依法追究刑事责任, recur across
distinct documents, as in real archives). Each base has 1-9 differently damaged mirror copies
(paragraphs lost, swapped and repeated, site chrome, the other script); one base in 500 is a
popular notice with 100-600 copies. Without the corpus folder the seed cuts stand in for it.

Every document is a function of (seed, its base, its copy number), so workers generate the
documents they sign and the archive never has to sit in one process: 1M documents would be
~5 GB of text. Times `--cross-doc` clustering alone: signing in the workers (generation is not
timed) and gathering and clustering in this process. Reports documents/s per core, pairwise
precision and recall of the clusters against the generator's truth, how time grows with the
archive, and peak memory.

    python -m benchmarks.batch_bench [--docs 10000 100000] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import random
import resource
import statistics
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from benchmarks.corpus import load_corpus, load_seed_references, script_of  # noqa: E402
from benchmarks.damage import chrome  # noqa: E402
from docrepair.keys import split_sentences  # noqa: E402

#: Paragraphs per base document and sentences per paragraph: 12 x 5 of the corpus's sentences
#: (~41 characters each) make ~7.5 KB with the opening lines.
PARAGRAPHS = 12
SENTENCES = (4, 6)
#: Mirror copies of an ordinary base, and of a popular notice (one base in POPULAR_ONE_IN).
COPIES = (1, 9)
POPULAR_COPIES = (100, 600)
POPULAR_ONE_IN = 500
#: Documents signed per task: amortises the cost of a task.
CHUNK = 512


@dataclass(frozen=True)
class Source:
    """What base documents are drawn from: corpus documents (their openings and paragraphs) and
    all their sentences, repeats included."""

    models: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]  # per document: (opening lines, paragraphs)
    sentences: tuple[str, ...]
    from_corpus: bool


@lru_cache(maxsize=1)
def load_source() -> Source:
    references = [r for r in load_corpus() if r.group == "corpus"]
    from_corpus = bool(references)
    if not from_corpus:
        references = load_seed_references()
    models, sentences = [], []
    for reference in references:
        lines = [line.strip() for line in reference.text.splitlines() if line.strip()]
        # The opening: the lines before the first long one (title, document number, addressees).
        opening = next((i for i, line in enumerate(lines) if len(line) > 60), min(len(lines), 4))
        paragraphs = tuple(line for line in lines[opening:] if len(line) > 60)
        models.append((tuple(lines[: min(opening, 6)]), paragraphs or tuple(lines)))
        sentences += [s for line in lines[opening:] for s in split_sentences(line) if len(s) > 8]
    return Source(tuple(models), tuple(sentences), from_corpus)


@dataclass(frozen=True)
class Archive:
    """`len(bases)` documents: document i is copy `copies[i]` of base document `bases[i]` (the
    truth the clusters are scored against)."""

    bases: np.ndarray
    copies: np.ndarray
    seed: int

    def __len__(self) -> int:
        return int(self.bases.size)

    def texts(self, start: int, stop: int) -> list[str]:
        return [copy_text(self.seed, int(b), int(c)) for b, c in zip(self.bases[start:stop], self.copies[start:stop])]


def plan_archive(count: int, seed: int = 7) -> Archive:
    rng = random.Random(seed)
    sizes: list[int] = []
    total = 0
    while total < count:
        popular = rng.randrange(POPULAR_ONE_IN) == 0
        size = min(rng.randint(*(POPULAR_COPIES if popular else COPIES)), count - total)
        sizes.append(size)
        total += size
    bases = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
    starts = np.cumsum([0] + sizes[:-1])
    copies = np.arange(count, dtype=np.int64) - np.repeat(starts, sizes)
    return Archive(bases, copies, seed)


def build_archive(count: int, seed: int = 7) -> tuple[list[str], list[int]]:
    """`count` documents and, for each, the base document it is a copy of."""
    archive = plan_archive(count, seed)
    return archive.texts(0, count), archive.bases.tolist()


@lru_cache(maxsize=4)
def base_paragraphs(seed: int, base: int) -> tuple[str, ...]:
    source = load_source()
    rng = random.Random(f"{seed}/{base}")
    opening, paragraphs = rng.choice(source.models)
    drawn = iter(rng.sample(source.sentences, PARAGRAPHS * SENTENCES[1]))
    body = ["".join(next(drawn) for _ in range(rng.randint(*SENTENCES))) for _ in range(PARAGRAPHS)]
    body.insert(rng.randrange(len(body)), rng.choice(paragraphs))
    return tuple(opening) + tuple(body)


def copy_text(seed: int, base: int, copy: int) -> str:
    return damage_copy(list(base_paragraphs(seed, base)), random.Random(f"{seed}/{base}/{copy}"))


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
        text = _converter("t2s" if script_of(text) == "traditional" else "s2t").convert(text)
    return text


@lru_cache(maxsize=2)
def _converter(direction: str):
    """damage.script_flip's OpenCC converter, built once per direction (building one costs ~10 ms)."""
    import opencc

    return opencc.OpenCC(direction)


#: The archive's plan, inherited by forked workers.
_PLAN: list[Archive] = []


def sign_range(start: int):
    """Generate documents [start, start + CHUNK) and sign them; the signing alone is timed."""
    from docrepair.batch.crossdoc import CrossDocConfig, sign_texts

    texts = _PLAN[0].texts(start, start + CHUNK)
    started, cpu = time.perf_counter(), time.process_time()
    block = sign_texts(texts, CrossDocConfig())
    return block, time.perf_counter() - started, time.process_time() - cpu


def cluster(archive: Archive, workers: int):
    """Signatures (in `workers` processes), then LSH and verification against each cluster's
    kept document. Returns the clusters and the seconds spent signing (summed over workers)
    and clustering."""
    from docrepair.batch.crossdoc import CrossDocIndex

    _PLAN[:] = [archive]
    starts = range(0, len(archive), CHUNK)
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) if workers > 1 else None
    signed = pool.map(sign_range, starts) if pool else map(sign_range, starts)
    index = CrossDocIndex()
    signing = np.zeros(2)  # wall and CPU seconds
    gathering = np.zeros(2)
    for start, (block, seconds, cpu) in zip(starts, signed):
        signing += (seconds, cpu)
        started = np.array([time.perf_counter(), time.process_time()])
        index.add_block([f"doc{number:07d}" for number in range(start, start + block.count)], block)
        gathering += np.array([time.perf_counter(), time.process_time()]) - started
    if pool:
        pool.shutdown()
    started = np.array([time.perf_counter(), time.process_time()])
    clusters = index.clusters()
    return clusters, signing, gathering + np.array([time.perf_counter(), time.process_time()]) - started


def pairwise_scores(predicted: dict[int, int], truth) -> tuple[float, float]:
    """Precision and recall over the pairs of documents put in one cluster."""

    def pairs(labels) -> int:
        return sum(n * (n - 1) // 2 for n in Counter(labels).values())

    predicted_labels = [predicted.get(i, -1 - i) for i in range(len(truth))]
    both = pairs(list(zip(predicted_labels, truth)))
    return both / max(1, pairs(predicted_labels)), both / max(1, pairs(truth))


def measure(archive: Archive, workers: int) -> dict[str, float]:
    _warm_up()
    clusters, signing, clustering = cluster(archive, workers)
    # The workers sign in parallel, clustering follows. CPU seconds are reported beside the wall
    # clock: on a shared machine they say what the work costs when other processes take turns.
    seconds, cpu_seconds = signing / workers + clustering
    label = {int(member[3:]): number for number, c in enumerate(clusters) for member in c.members}
    precision, recall = pairwise_scores(label, archive.bases.tolist())
    largest = max((len(c.members) for c in clusters), default=0)
    return {"docs": len(archive), "workers": workers, "seconds": seconds, "signing": signing[0], "clustering": clustering[0], "per_core": len(archive) / seconds / workers, "per_cpu_second": len(archive) / (cpu_seconds * workers), "precision": precision, "recall": recall, "largest": largest}


def _warm_up() -> None:
    """Build the per-process tables (OpenCC's, the permutations, the corpus) outside the timing;
    forked workers inherit them."""
    from docrepair.batch.crossdoc import sign_text

    sign_text("预热")
    load_source()
    _converter("s2t")
    _converter("t2s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=1, help="runs per row; the median is reported")
    args = parser.parse_args(argv)
    if not load_source().from_corpus:
        print("../shared/corpus is absent: base documents are drawn from the seed cuts only", file=sys.stderr)
    print(f"{'documents':>9s} {'workers':>7s} {'seconds':>8s} {'sign s':>7s} {'cluster s':>9s} {'docs/s/core':>11s} {'docs/cpu-s':>10s} {'precision':>9s} {'recall':>6s} {'largest':>7s}")
    timings: dict[int, list[tuple[int, float]]] = {}
    for count in args.docs:
        archive = plan_archive(count)
        for workers in args.workers:
            rows = [measure(archive, workers) for _ in range(args.repeat)]
            row = min(rows, key=lambda r: abs(r["seconds"] - statistics.median(x["seconds"] for x in rows)))
            timings.setdefault(workers, []).append((count, row["seconds"]))
            print(f"{count:9d} {workers:7d} {row['seconds']:8.2f} {row['signing']:7.2f} {row['clustering']:9.2f} {row['per_core']:11.0f} {row['per_cpu_second']:10.0f} {row['precision']:9.4f} {row['recall']:6.4f} {row['largest']:7d}", flush=True)
    for workers, points in timings.items():
        if len(points) > 1:
            (n0, t0), (n1, t1) = points[0], points[-1]
            print(f"time growth exponent {math.log(t1 / t0) / math.log(n1 / n0):.2f} with {workers} worker(s) (1.0 is linear)")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB (this process: the signatures and the clustering; workers hold one chunk each)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
