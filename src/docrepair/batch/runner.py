"""The batch runner: documents stream through a pool of worker processes (the local engine),
results are written atomically in input order, completion markers make a re-run skip finished
work, bad documents go to failures.jsonl and the run goes on.

Layout of OUTDIR:
    <relpath>                      the clean text of each document (--format files)
    documents.jsonl                one record per document (--format jsonl)
    .docrepair/notes/<relpath>.jsonl   the notes of each document (files format)
    .docrepair/done/<key>          completion markers (the input's SHA-256 inside)
    failures.jsonl                 one line per input that could not be repaired
    clusters.jsonl                 cross-document near-duplicate clusters (--cross-doc)
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import sys
import time
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Iterable, Iterator, TextIO

from ..config import RepairConfig
from ..files import write_atomic
from .sources import Document, Failure

#: Documents handed to the pool at once: bounds memory whatever the archive's size.
_WINDOW = 256


@dataclass(frozen=True)
class BatchOptions:
    outdir: Path | None  # None: JSONL to stdout (the pipe stage)
    output_format: str = "files"  # files | jsonl
    jobs: int = 1
    resume: bool = True
    quiet: bool = False
    config: RepairConfig = field(default_factory=RepairConfig)


@dataclass
class Summary:
    done: int = 0
    skipped: int = 0
    failed: int = 0
    bytes_in: int = 0
    seconds: float = 0.0
    signatures: dict[str, object] = field(default_factory=dict)

    def line(self) -> str:
        rate = self.bytes_in / 1e6 / self.seconds if self.seconds else 0.0
        return f"{self.done} repaired, {self.skipped} already done, {self.failed} failed ({rate:.2f} MB/s)"


@dataclass(frozen=True)
class Outcome:
    document: Document
    sha256: str
    text: str | None = None
    notes_jsonl: str = ""
    header: dict | None = None
    error: str | None = None


def repair_document(document: Document, config: RepairConfig) -> Outcome:
    """One document in a worker: never raises, a failure is an outcome."""
    from .. import repair_bytes, repair_text
    from ..errors import DocrepairError
    from ..render.notes import notes_to_jsonl

    data = document.data if document.data is not None else (document.text or "").encode("utf-8")
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        if document.data is None:
            result = repair_text(document.text or "", config, source=document.id)
        else:
            result = repair_bytes(document.data, config, source=document.id)
    except DocrepairError as error:
        return Outcome(document, sha256, error=str(error))
    except Exception as error:  # noqa: BLE001 - one document must never stop the batch
        return Outcome(document, sha256, error=f"internal error ({type(error).__name__}: {error})")
    return Outcome(document, sha256, result.text, notes_to_jsonl(result.notes), result.header)


def _worker(payload: tuple[Document, RepairConfig]) -> Outcome:
    return repair_document(*payload)


def run_batch(items: Iterable[Document | Failure], options: BatchOptions, on_outcome=None) -> Summary:
    summary = Summary()
    started = time.perf_counter()
    writer = _Writer(options)
    progress = _Progress(options.quiet or options.outdir is None)
    pending = (item for item in items if not _skip(item, writer, summary))
    for outcome in _outcomes(pending, options):
        if isinstance(outcome, Failure):
            writer.failure(outcome.id, outcome.source, outcome.error)
            summary.failed += 1
        elif outcome.error is not None:
            writer.failure(outcome.document.id, outcome.document.id, outcome.error)
            summary.failed += 1
        else:
            writer.result(outcome)
            summary.done += 1
            summary.bytes_in += len(outcome.text or "")
            if on_outcome is not None:
                on_outcome(outcome)
        progress.update(summary, time.perf_counter() - started)
    summary.seconds = time.perf_counter() - started
    writer.close()
    progress.finish(summary)
    return summary


def _skip(item: Document | Failure, writer: "_Writer", summary: Summary) -> bool:
    if isinstance(item, Document) and writer.is_done(item):
        summary.skipped += 1
        return True
    return False


def _outcomes(items: Iterator[Document | Failure], options: BatchOptions) -> Iterator[Outcome | Failure]:
    """Outcomes in input order. Failures of the sources pass straight through."""
    if options.jobs <= 1:
        for item in items:
            yield item if isinstance(item, Failure) else repair_document(item, options.config)
        return
    context = multiprocessing.get_context("spawn" if sys.platform == "darwin" else "fork")
    with context.Pool(options.jobs) as pool:
        while True:
            window = list(islice(items, _WINDOW))
            if not window:
                break
            documents = [(item, options.config) for item in window if isinstance(item, Document)]
            results = iter(pool.imap(_worker, documents, chunksize=4))
            for item in window:
                yield item if isinstance(item, Failure) else next(results)


class _Writer:
    def __init__(self, options: BatchOptions) -> None:
        self.options = options
        self.root = options.outdir
        self._jsonl: TextIO | None = None
        self._failures: TextIO | None = None
        if self.root is not None:
            (self.root / ".docrepair" / "done").mkdir(parents=True, exist_ok=True)
            if options.output_format == "jsonl":
                self._jsonl = open(self.root / "documents.jsonl", "a" if options.resume else "w", encoding="utf-8")
        else:
            self._jsonl = sys.stdout

    def _marker(self, document: Document) -> Path:
        return self.root / ".docrepair" / "done" / hashlib.sha256(document.id.encode("utf-8")).hexdigest()[:32]

    def is_done(self, document: Document) -> bool:
        if self.root is None or not self.options.resume:
            return False
        marker = self._marker(document)
        if not marker.exists():
            return False
        data = document.data if document.data is not None else (document.text or "").encode("utf-8")
        return marker.read_text(encoding="utf-8").strip() == hashlib.sha256(data).hexdigest()

    def result(self, outcome: Outcome) -> None:
        document = outcome.document
        if self._jsonl is not None:
            record = {"id": document.id, "text": outcome.text, "header": outcome.header, "notes": [json.loads(line) for line in outcome.notes_jsonl.splitlines()]}
            self._jsonl.write(json.dumps(record, ensure_ascii=False) + "\n")
            self._jsonl.flush()
        else:
            target = self.root / document.relpath
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, outcome.text.encode("utf-8"))
            notes = self.root / ".docrepair" / "notes" / f"{document.relpath}.jsonl"
            notes.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(notes, outcome.notes_jsonl.encode("utf-8"))
        if self.root is not None:
            # Written last: a crash before this line leaves the document to be done again.
            write_atomic(self._marker(document), outcome.sha256.encode("utf-8"))

    def failure(self, document_id: str, source: str, error: str) -> None:
        line = json.dumps({"id": document_id, "source": source, "error": error}, ensure_ascii=False) + "\n"
        if self.root is None:
            sys.stderr.write(f"failed: {document_id}: {error}\n")
            return
        if self._failures is None:
            self._failures = open(self.root / "failures.jsonl", "w", encoding="utf-8")  # this run's failures
        self._failures.write(line)
        self._failures.flush()

    def close(self) -> None:
        for stream in (self._failures, self._jsonl):
            if stream is not None and stream is not sys.stdout:
                stream.close()


class _Progress:
    """One line on stderr, rewritten at most a few times a second; silent when stderr is not a
    terminal or when asked."""

    def __init__(self, quiet: bool) -> None:
        self.enabled = not quiet and sys.stderr.isatty()
        self._last = 0.0

    def update(self, summary: Summary, elapsed: float) -> None:
        if not self.enabled or elapsed - self._last < 0.25:
            return
        self._last = elapsed
        rate = summary.bytes_in / 1e6 / elapsed if elapsed else 0.0
        sys.stderr.write(f"\r{summary.done} done, {summary.failed} failed, {summary.skipped} skipped, {rate:.2f} MB/s, {elapsed:.0f} s")
        sys.stderr.flush()

    def finish(self, summary: Summary) -> None:
        if self.enabled:
            sys.stderr.write("\r" + " " * 70 + "\r")


def outdir_lock(outdir: Path):
    """An exclusive lock on OUTDIR: a second run on the same folder gets a clear error."""
    import fcntl

    from ..errors import InputError

    outdir.mkdir(parents=True, exist_ok=True)
    handle = open(outdir / ".docrepair.lock", "w")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise InputError(f"{outdir} is in use by another docrepair batch run") from None
    return handle


def environment_jobs() -> int:
    return os.cpu_count() or 1
