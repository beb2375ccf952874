"""`docrepair batch` throughput, as a user runs it, with 1 and 2 worker processes.

The archive is batch_bench's: documents of ~7.5 KB drawn from the corpus's sentences, each a
damaged mirror copy of a base document (paragraphs lost, swapped and repeated, site chrome, the
other script). It is written once as one JSONL file, and `docrepair batch ARCHIVE -o OUT
--format jsonl --jobs W --quiet` runs on it as a subprocess per worker count. Reported per run:
wall seconds, documents/s and MB/s, documents/s per core (per worker process), the CPU seconds
of the run's processes, peak RSS of the largest process; then how 2 workers scale against 1,
and whether the two runs wrote the same bytes (they must: batch output does not depend on
--jobs).

    python -m benchmarks.batch_speed [--docs 10000] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from benchmarks.batch_bench import build_archive  # noqa: E402


def write_archive(path: Path, count: int, seed: int) -> int:
    """The archive as JSONL (id, text); returns its size in bytes of text."""
    texts, _ = build_archive(count, seed)
    size = 0
    with path.open("w", encoding="utf-8") as out:
        for index, text in enumerate(texts):
            out.write(json.dumps({"id": f"doc{index:07d}", "text": text}, ensure_ascii=False) + "\n")
            size += len(text.encode("utf-8"))
    return size


def run_batch(archive: Path, outdir: Path, workers: int) -> dict[str, float]:
    """One `docrepair batch` run; CPU seconds and peak RSS from the children's rusage."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    command = [sys.executable, "-m", "docrepair", "batch", str(archive), "-o", str(outdir), "--format", "jsonl", "--jobs", str(workers), "--quiet"]
    completed = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if completed.returncode != 0:
        raise SystemExit(f"docrepair batch failed ({completed.returncode}): {completed.stderr.strip()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # ru_maxrss of RUSAGE_CHILDREN is the largest single process so far (KiB on Linux).
    return {"wall": wall, "cpu": cpu, "peak_rss_mib": after.ru_maxrss / 1024}


def digest(outdir: Path) -> str:
    """The bytes the run wrote: every output file, by name."""
    hashed = hashlib.sha256()
    for path in sorted(outdir.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            hashed.update(path.relative_to(outdir).as_posix().encode())
            hashed.update(path.read_bytes())
    return hashed.hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10000, help="documents in the archive (default 10000)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="docrepair-batch-speed-") as scratch:
        root = Path(scratch)
        archive = root / "archive.jsonl"
        size = write_archive(archive, args.docs, args.seed)
        print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; archive: {args.docs} documents, {size / 1e6:.1f} MB of text ({size / args.docs / 1e3:.1f} KB each)")
        print(f"{'workers':>7} {'wall s':>8} {'docs/s':>8} {'MB/s':>6} {'docs/s/core':>11} {'CPU s':>8} {'docs/CPU-s':>10} {'peak RSS MiB':>12}")
        rates: dict[int, float] = {}
        digests: dict[int, str] = {}
        for workers in args.workers:
            outdir = root / f"out-{workers}"
            figures = run_batch(archive, outdir, workers)
            rate = args.docs / figures["wall"]
            rates[workers] = rate
            digests[workers] = digest(outdir)
            print(
                f"{workers:>7} {figures['wall']:>8.1f} {rate:>8.1f} {size / 1e6 / figures['wall']:>6.2f} {rate / workers:>11.1f}"
                f" {figures['cpu']:>8.1f} {args.docs / figures['cpu']:>10.1f} {figures['peak_rss_mib']:>12.0f}"
            )
        if 1 in rates and len(rates) > 1:
            for workers in sorted(rates):
                if workers != 1:
                    print(f"{workers} workers: {rates[workers] / rates[1]:.2f}x one")
        same = len(set(digests.values())) == 1
        print(f"outputs identical across worker counts: {'yes' if same else 'NO'}")
        return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
