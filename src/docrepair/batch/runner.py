"""The batch runner: items stream from the sources through an engine (local processes or Ray)
and come back in input order; results are written atomically and made durable in groups (one
sync of the disks per commit, not one flush per file), completion markers make a re-run skip
finished work, bad documents go to failures.jsonl and the run goes on.

The one stage every engine runs is `process_chunk`: a pure function of the documents and the
task, which never raises (a failure is an outcome with its reason), so the same input gives the
same bytes out whatever the engine and the number of workers.

Layout of OUTDIR:
    <relpath>                          the clean text of each document (--format files)
    <name>.jsonl, <name>.parquet       each JSONL or Parquet source's records, repaired (--format files)
    documents.jsonl                    one record per document (--format jsonl)
    failures.jsonl                     this run's inputs that could not be repaired (id, source, error)
    clusters.jsonl                     cross-document near-duplicate clusters (--cross-doc)
    .docrepair/notes/<relpath>.jsonl   the notes of each document (--format files)
    reports/[<sink>/]<relpath>.html    each document's HTML report (--report; a JSONL or Parquet
                                       record's under its source's output name)
    report.html                        the index of the reports, most review notes first (--report)
    .docrepair/done/<xx>/<key>.json    completion markers: id, input SHA-256, relpath, signature, config key
    .docrepair/settings.json           the RepairConfig the outputs were made with, and its key
    .docrepair/committed.json          the JSONL outputs' lengths at the last commit (see Writer.commit)
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import time
from collections import deque
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, TextIO

from ..config import RepairConfig
from ..files import write_atomic
from .sources import Document, Failure

if TYPE_CHECKING:
    from .crossdoc import CrossDocConfig, Signature
    from .engines import Engine


@dataclass(frozen=True)
class Task:
    """What every worker needs besides its documents."""

    config: RepairConfig = field(default_factory=RepairConfig)
    #: Sign each document for cross-document clustering (None: do not).
    sign: "CrossDocConfig | None" = None
    #: False: only decode (and sign) the input, for a quick cluster report without repairs.
    repair: bool = True
    #: Render each document's HTML report in the worker, where its RepairResult is (--report).
    report: bool = False
    #: Render its notes as JSONL (what --format files writes beside a file's output, and --notes
    #: full puts in a record). Otherwise they are not rendered, nor sent back from the worker:
    #: a scraped page's notes are several times its text.
    notes: bool = True


@dataclass(frozen=True)
class Outcome:
    """One document's result, small enough to cross a process boundary (no input bytes)."""

    id: str
    relpath: str
    sha256: str
    size: int
    text: str | None = None
    notes_jsonl: str = ""
    header: dict | None = None
    signature: "Signature | None" = None
    error: str | None = None
    #: Notes a person should check (Note.risk == "review"), for the reports' index.
    review_notes: int = 0
    #: The document's HTML report (Task.report), else None.
    report_html: str | None = None


def process_chunk(items: list[Document | Failure], task: Task) -> list[Outcome | Failure]:
    """The stage every engine runs. Failures of the sources pass through in place, so results
    keep the input order without the engine knowing about them."""
    return [item if isinstance(item, Failure) else process_document(item, task) for item in items]


def process_document(document: Document, task: Task) -> Outcome:
    """Repair (and sign) one document. Never raises: a failure is an outcome with its reason."""
    from ..errors import DocrepairError

    data = document_bytes(document)
    base = Outcome(document.id, document.relpath, hashlib.sha256(data).hexdigest(), len(data))
    try:
        return _repaired(document, task, base)
    except DocrepairError as error:
        return _replace(base, error=str(error))
    except Exception as error:  # noqa: BLE001 - one document must never stop the batch
        return _replace(base, error=f"internal error ({type(error).__name__}: {error})")


def _repaired(document: Document, task: Task, base: Outcome) -> Outcome:
    from .. import repair_bytes, repair_text
    from ..render.notes import notes_to_jsonl

    from ..files import refuse_blank

    if not task.repair:
        text = document.text if document.data is None else _decoded(document.data, task.config)
        refuse_blank(text)
        return _replace(base, text=text, signature=_sign(text, task))
    if document.data is None:
        result = repair_text(document.text or "", task.config, source=document.id)
    else:
        result = repair_bytes(document.data, task.config, source=document.id)
    refuse_blank(result.input_text)  # as `fix` does: a page whose scrape failed, listed
    review_notes = sum(1 for note in result.notes if note.risk == "review")
    report_html = _report(result, document) if task.report else None
    notes_jsonl = notes_to_jsonl(result.notes) if task.notes else ""
    return _replace(base, text=result.text, notes_jsonl=notes_jsonl, header=dict(result.header), signature=_sign(result.text, task), review_notes=review_notes, report_html=report_html)


def _report(result, document: Document) -> str:
    from ..render.report import render_report

    return render_report(result, title=document.id)


def _decoded(data: bytes, config: RepairConfig) -> str:
    from ..stages.decode import decode_bytes

    return decode_bytes(data, config.decode).text


def _sign(text: str, task: Task) -> "Signature | None":
    if task.sign is None:
        return None
    from .crossdoc import sign_text

    return sign_text(text, task.sign)


def _replace(outcome: Outcome, **changes) -> Outcome:
    from dataclasses import replace

    return replace(outcome, **changes)


def document_bytes(document: Document) -> bytes:
    return document.data if document.data is not None else (document.text or "").encode("utf-8")


# -- the run ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchOptions:
    outdir: Path | None  # None: JSONL to stdout (the pipe stage)
    output_format: str = "files"  # files | jsonl | none (a cluster report writes no documents)
    resume: bool = True
    quiet: bool = False
    task: Task = field(default_factory=Task)
    #: Documents expected, for the progress line's ETA (None when a source cannot say cheaply).
    total: int | None = None
    #: How much of its notes each output record carries: none | count | full (see output_record).
    notes: str = "count"
    #: OUTDIR was made with other settings: redo its documents instead of refusing.
    redo: bool = False


@dataclass
class Summary:
    done: int = 0
    skipped: int = 0
    failed: int = 0
    bytes_in: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        rate = self.bytes_in / 1e6 / self.seconds if self.seconds else 0.0
        return (
            f"{self.done} repaired, {self.skipped} already done, {self.failed} failed; "
            f"{self.bytes_in / 1e6:.1f} MB in {self.seconds:.1f} s ({rate:.2f} MB/s)"
        )


class Interrupted(Exception):
    """The run was interrupted (Ctrl-C): what it had finished is written and marked."""

    def __init__(self, summary: "Summary") -> None:
        super().__init__("interrupted")
        self.summary = summary


#: Called with (id, relpath, signature) for every finished document, resumed ones included.
OnDone = Callable[[str, str, "Signature | None"], None]


def run_batch(items: Iterable[Document | Failure], options: BatchOptions, engine: "Engine", on_done: OnDone | None = None) -> Summary:
    summary = Summary()
    started = time.perf_counter()
    writer = Writer(options)
    progress = Progress(options.quiet, options.total)
    # Outcomes come back in input order, so each is paired with the item it came from here: a
    # JSONL record's other fields stay in this process instead of travelling to a worker and back.
    sent: deque[Document | Failure] = deque()
    complete = False
    try:
        pending = (_sent(item, sent) for item in items if not _resumed(item, writer, summary, on_done))
        for outcome in engine.map_ordered(process_chunk, pending, options.task):
            _record(outcome, sent.popleft(), writer, summary, on_done)
            progress.update(summary, time.perf_counter() - started)
        complete = True
    except KeyboardInterrupt:
        raise Interrupted(summary) from None
    finally:
        summary.seconds = time.perf_counter() - started
        writer.close(complete)
        progress.finish()
    return summary


def _sent(item: Document | Failure, sent: deque) -> Document | Failure:
    sent.append(item)
    if isinstance(item, Document) and item.record is not None:
        return replace(item, record=None, schema=None)  # the worker needs the text alone
    return item


def _resumed(item: Document | Failure, writer: "Writer", summary: Summary, on_done: OnDone | None) -> bool:
    if not isinstance(item, Document):
        return False
    marker = writer.finished_marker(item)
    if marker is None:
        return False
    summary.skipped += 1
    writer.resumed(marker)
    if on_done is not None:
        from .crossdoc import Signature

        signature = marker.get("signature")
        on_done(item.id, item.relpath, Signature.from_dict(signature) if signature else None)
    return True


def _record(outcome: Outcome | Failure, item: Document | Failure, writer: "Writer", summary: Summary, on_done: OnDone | None) -> None:
    if isinstance(outcome, Failure):
        writer.failure(outcome.id, outcome.source, outcome.error)
        summary.failed += 1
    elif outcome.error is not None:
        writer.failure(outcome.id, outcome.id, outcome.error)
        summary.failed += 1
    else:
        writer.result(outcome, item)
        summary.done += 1
        summary.bytes_in += outcome.size
        writer.commit_when_due()
        if on_done is not None:
            on_done(outcome.id, outcome.relpath, outcome.signature)


# -- writing ----------------------------------------------------------------------------------------

#: Temporary files write_atomic leaves behind only when the process is killed mid-write
#: (mkstemp's 8 random characters between the target's name and .tmp).
_STALE_TEMPORARY = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")


class Writer:
    def __init__(self, options: BatchOptions) -> None:
        self.options = options
        self.root = options.outdir
        self._jsonl: TextIO | None = None
        self._failures: TextIO | None = None
        self._sinks: dict[str, TextIO] = {}
        self._parquets: dict = {}
        #: Each finished document's line in the reports' index (Task.report), resumed ones too.
        self._report_entries: list = []
        self._failed = 0
        #: Markers of documents whose outputs are written but not yet committed (see commit).
        self._markers: list[tuple[str, bytes]] = []
        self._committed_at = time.monotonic()
        if self.root is None:
            # The pipe stage writes its records to stdout; a cluster report writes none.
            self._jsonl = sys.stdout if options.output_format == "jsonl" else None
            return
        remove_stale_temporaries(self.root)
        done = self.root / ".docrepair" / "done"
        done.mkdir(parents=True, exist_ok=True)
        # An OUTDIR without markers holds no finished document: no look-up per document then.
        self._may_hold_markers = options.resume and any(done.iterdir())
        self._marker_folders: set[Path] = set()  # the done/xx folders made so far
        self.config_key = claim_settings(self.root, options.task.config, redo=options.redo or not options.resume)
        (self.root / "failures.jsonl").unlink(missing_ok=True)  # failures are this run's only
        self._committed_lengths = self._read_committed_lengths() if options.resume else {}
        if options.output_format == "jsonl":
            self._jsonl = _open_jsonl(self.root / "documents.jsonl", options.resume, self._committed_lengths.get("documents.jsonl"))

    def marker_path(self, document_id: str) -> Path:
        digest = hashlib.sha256(document_id.encode("utf-8")).hexdigest()
        return self.root / ".docrepair" / "done" / digest[:2] / f"{digest[2:34]}.json"

    def finished_marker(self, document: Document) -> dict | None:
        """The marker of a document this OUTDIR already holds, unchanged since, or None."""
        if self.root is None or not self._may_hold_markers or _is_parquet(document.sink):
            return None  # (a Parquet output is written whole: its source is done again)
        try:
            marker = json.loads(self.marker_path(document.id).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(marker, dict) or marker.get("sha256") != hashlib.sha256(document_bytes(document)).hexdigest():
            return None
        if marker.get("config") != self.config_key:
            return None  # made with other settings (and --redo given): do it again
        if self.options.task.sign is not None and not marker.get("signature"):
            return None  # done before without cross-doc: its signature is needed now
        if self.options.output_format == "files" and not self._has_output(document.sink or document.relpath):
            return None  # the output was deleted since: do it again
        if self.options.task.report and not (isinstance(marker.get("report"), dict) and (self.root / marker["report"]["path"]).exists()):
            return None  # done before without --report (or its report was deleted): its report is needed now
        return marker

    def resumed(self, marker: dict) -> None:
        """A document an earlier run finished: its report keeps its line in the index."""
        if self.options.task.report:
            self._report_entries.append(_report_entry(marker["id"], marker["report"]))

    def _has_output(self, relpath: str) -> bool:
        return (self.root / relpath).exists() or (self.root / ".docrepair" / "duplicates" / relpath).exists()

    def result(self, outcome: Outcome, document: Document) -> None:
        if self._jsonl is None and _is_parquet(document.sink):
            self._parquet_sink(document).write(output_record(outcome, document, self.options.notes))
        elif self._jsonl is not None or document.sink is not None:
            # default=str: a Parquet row's dates and decimals, written out as JSONL
            line = json.dumps(output_record(outcome, document, self.options.notes), ensure_ascii=False, default=str) + "\n"
            stream = self._jsonl if self._jsonl is not None else self._sink(document.sink)
            stream.write(line)
            stream.flush()
        elif self.options.output_format == "files":
            _write_into(self.root, outcome.relpath, outcome.text.encode("utf-8"))
            _write_into(self.root / ".docrepair" / "notes", f"{outcome.relpath}.jsonl", outcome.notes_jsonl.encode("utf-8"))
        report = None
        if outcome.report_html is not None and self.root is not None:
            report = {"path": report_relpath(document), "review": outcome.review_notes, "notes": sum((outcome.header or {}).get("counts", {}).values()), "title": ((outcome.header or {}).get("document") or {}).get("title") or ""}
            _write_into(self.root, report["path"], outcome.report_html.encode("utf-8"))
            self._report_entries.append(_report_entry(outcome.id, report))
        if self.root is not None:
            # Written last, at the next commit: a crash before it leaves the document to be done again.
            marker = {"id": outcome.id, "sha256": outcome.sha256, "relpath": outcome.relpath, "signature": outcome.signature.to_dict() if outcome.signature else None, "config": self.config_key}
            if report is not None:
                marker["report"] = report
            self._markers.append((self.marker_path(outcome.id).relative_to(self.root).as_posix(), json.dumps(marker, ensure_ascii=False).encode("utf-8")))

    def commit_when_due(self) -> None:
        """A commit after COMMIT_DOCUMENTS documents or COMMIT_SECONDS seconds. Called after the
        run has counted the document (not inside `result`): an interrupt during the commit's sync
        then finds every written document counted, and close() commits them all."""
        if len(self._markers) >= COMMIT_DOCUMENTS or (self._markers and time.monotonic() - self._committed_at >= COMMIT_SECONDS):
            self.commit()

    def commit(self) -> None:
        """Make the outputs written since the last commit durable with one sync of the disks, then
        write their documents' completion markers. A marker therefore never outlives its output
        in a crash, and a document costs no flush to disk of its own (one fsync per file took
        ~4 ms, more than the repair of a short document, and in the one writing process)."""
        if not self._markers:
            return
        lengths = {}
        for name, stream in (("documents.jsonl", self._jsonl), *self._sinks.items()):
            if stream is not None and stream is not sys.stdout:
                stream.flush()
                lengths[name] = os.fstat(stream.fileno()).st_size
        _sync_disks()
        if lengths:
            # Durable before any marker: a resumed run cuts the JSONL outputs back to these
            # lengths, so a record whose marker is lost is not written twice.
            self._committed_lengths.update(lengths)
            write_atomic(self.root / _COMMITTED, json.dumps(self._committed_lengths, sort_keys=True).encode("utf-8"))
        for relpath, data in self._markers:
            self._write_marker(self.root / relpath, data)
        _sync_disks()
        self._markers.clear()
        self._committed_at = time.monotonic()

    def _write_marker(self, path: Path, data: bytes) -> None:
        """A marker is written in place, without a temporary file: a reader takes one cut short by
        a crash (not JSON, or not this document's) for no marker, so the document is done again.
        Its folder is made once per run."""
        if path.parent not in self._marker_folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._marker_folders.add(path.parent)
        with open(path, "wb") as stream:
            stream.write(data)

    def _read_committed_lengths(self) -> dict[str, int]:
        try:
            lengths = json.loads((self.root / _COMMITTED).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {name: length for name, length in lengths.items() if isinstance(length, int)} if isinstance(lengths, dict) else {}

    def _sink(self, name: str) -> TextIO:
        """The JSONL output of one JSONL source (--format files), opened on its first record."""
        if name not in self._sinks:
            target = self.root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            self._sinks[name] = _open_jsonl(target, self.options.resume, self._committed_lengths.get(name))
        return self._sinks[name]

    def _parquet_sink(self, document: Document):
        if document.sink not in self._parquets:
            from .parquet import ParquetSink

            self._parquets[document.sink] = ParquetSink(self.root / document.sink, document.schema, self.options.notes)
        return self._parquets[document.sink]

    def failure(self, document_id: str, source: str, error: str) -> None:
        self._failed += 1
        if self.root is None:
            sys.stderr.write(f"failed: {document_id}: {error}\n")
            return
        if self._failures is None:
            self._failures = open(self.root / "failures.jsonl", "w", encoding="utf-8")
        self._failures.write(json.dumps({"id": document_id, "source": source, "error": error}, ensure_ascii=False) + "\n")
        self._failures.flush()  # readable while the run goes on

    def close(self, complete: bool = True) -> None:
        """`complete`: the run went through every source (Parquet outputs are put in place only then)."""
        self.commit()  # also when interrupted: what is written is whole, so its markers go too
        for sink in self._parquets.values():
            sink.close(complete)
        if self.options.task.report and self.root is not None:
            # Also after an interrupt: the index lists what is finished, and a rerun completes it.
            from ..render.index import render_report_index

            write_atomic(self.root / REPORT_INDEX, render_report_index(self._report_entries, self._failed).encode("utf-8"))
        for stream in (self._failures, self._jsonl, *self._sinks.values()):
            if stream is not None and stream is not sys.stdout:
                stream.close()


#: The repair options of the command line, by the config field they set (the rest have no option).
_OPTION_NAMES = {"output.script": "--script", "output.punct": "--punct", "decode.encoding": "--encoding", "skip": "--skip"}


def claim_settings(root: Path, config: RepairConfig, redo: bool) -> str:
    """Record in OUTDIR the settings its outputs are made with, and return their key. An OUTDIR
    made with other settings is refused with one line naming the first setting that differs,
    unless `redo` (--redo, or --no-resume): then its documents are done again (their markers'
    key differs) and the settings recorded are this run's."""
    from ..errors import ConfigError

    key = config.key()
    path = root / ".docrepair" / "settings.json"
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        recorded = None
    if isinstance(recorded, dict) and recorded.get("key") != key and not redo:
        differing = differing_settings(recorded.get("config") or {}, config.to_dict())
        name = differing[0] if differing else "config"
        then, now = _setting(recorded.get("config") or {}, name), _setting(config.to_dict(), name)
        raise ConfigError(
            f"{root} was made with other settings ({_OPTION_NAMES.get(name, name)} {_shown(then)} then, {_shown(now)} now); "
            "rerun with --redo to redo its documents, or write to another folder"
        )
    if not isinstance(recorded, dict) or recorded.get("key") != key:
        write_atomic(path, (json.dumps({"key": key, "config": config.to_dict()}, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    return key


def differing_settings(old: dict, new: dict, prefix: str = "") -> list[str]:
    """Dotted names of the settings whose values differ, in the config's order."""
    names = []
    for name in [*new, *(name for name in old if name not in new)]:
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        if isinstance(before, dict) and isinstance(after, dict):
            names.extend(differing_settings(before, after, f"{prefix}{name}."))
        else:
            names.append(f"{prefix}{name}")
    return names


def _setting(config: dict, dotted: str):
    value = config
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _shown(value) -> str:
    if isinstance(value, list):
        return ",".join(map(str, value)) or "(none)"
    return "(none)" if value is None else str(value)


#: The reports' index, in OUTDIR; each document's report is under REPORTS.
REPORT_INDEX = "report.html"
REPORTS = "reports"


def report_relpath(document: Document) -> str:
    """Where a document's report goes under OUTDIR: REPORTS/<relpath>.html, a JSONL or Parquet
    record's under its source's output name (two sources may hold the same id)."""
    return f"{REPORTS}/{document.sink + '/' if document.sink else ''}{document.relpath}.html"


def _report_entry(document_id: str, report: dict):
    from ..render.index import ReportEntry

    return ReportEntry(document_id, report["path"], int(report["review"]), int(report["notes"]), str(report.get("title") or ""))


def _is_parquet(sink: str | None) -> bool:
    return sink is not None and sink.endswith(".parquet")


def output_record(outcome: Outcome, document: Document, notes: str) -> dict:
    """One output record. A JSONL record keeps every field as it came, with the repaired text
    under the field it came from; a file becomes {"id", "text"}. The repair's account goes under
    one key, `docrepair`, so it never collides with a field of the record: nothing (notes=none),
    {"notes": n, "counts": {action: n}} (count), or {"header", "notes"} with every note (full)."""
    if document.record is not None:
        record = dict(document.record)
        record[document.text_field] = outcome.text
    else:
        record = {"id": outcome.id, "text": outcome.text}
    record.pop("docrepair", None)  # an earlier repair's account: this one replaces it
    if notes == "full":
        record["docrepair"] = {"header": outcome.header, "notes": [json.loads(line) for line in outcome.notes_jsonl.splitlines()]}
    elif notes == "count":
        counts = dict((outcome.header or {}).get("counts", {}))
        record["docrepair"] = {"notes": sum(counts.values()), "counts": counts}
    return record


#: The JSONL outputs' lengths at the last commit (Writer.commit), under OUTDIR.
_COMMITTED = ".docrepair/committed.json"
#: A commit (one os.sync, then the markers) after this many finished documents, or this many
#: seconds since the last one, whichever comes first: a killed run redoes at most that much.
COMMIT_DOCUMENTS = 256
COMMIT_SECONDS = 1.0


def _sync_disks() -> None:
    """Everything written so far, on disk (POSIX sync; Windows has none, and there a commit only
    orders the writes)."""
    sync = getattr(os, "sync", None)
    if sync is not None:
        sync()


def _write_into(root: Path, relpath: str, data: bytes) -> None:
    """An output (text, notes, report), written atomically but not yet durable: the writer's
    commit makes a group of them durable at once (markers are written by Writer._write_marker)."""
    target = root / relpath
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, data, durable=False)


def _open_jsonl(path: Path, resume: bool, committed: int | None = None) -> TextIO:
    """A JSONL output, appended to when resuming. What was written after the last commit (its
    documents have no marker, so they are done again) is removed first: the file is cut to its
    committed length (`committed`, None for an OUTDIR without that record), then back to its
    last whole line (a line cut by a crash)."""
    if resume and path.exists():
        with open(path, "rb+") as stream:
            data = stream.read()
            keep = len(data) if committed is None else min(committed, len(data))
            if keep and data[keep - 1 : keep] != b"\n":
                keep = data.rfind(b"\n", 0, keep) + 1
            if keep < len(data):
                stream.truncate(keep)
        return open(path, "a", encoding="utf-8")
    return open(path, "w", encoding="utf-8")


def remove_stale_temporaries(root: Path) -> int:
    """Remove the temporary files of writes a killed run never finished (a finished write
    renames its temporary file away). Safe: OUTDIR is locked, nobody else writes there."""
    removed = 0
    if not root.exists():
        return removed
    for directory, _, names in os.walk(root):
        for name in names:
            if _STALE_TEMPORARY.match(name):
                Path(directory, name).unlink(missing_ok=True)
                removed += 1
    return removed


# -- progress ---------------------------------------------------------------------------------------


class Progress:
    """One line on stderr, rewritten at most four times a second; silent when stderr is not a
    terminal or when asked."""

    def __init__(self, quiet: bool, total: int | None) -> None:
        self.enabled = not quiet and sys.stderr.isatty()
        self.total = total
        self._last = 0.0

    def update(self, summary: Summary, elapsed: float) -> None:
        if not self.enabled or elapsed - self._last < 0.25:
            return
        self._last = elapsed
        sys.stderr.write("\r" + progress_line(summary, elapsed, self.total) + "\x1b[K")
        sys.stderr.flush()

    def finish(self) -> None:
        if self.enabled:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def progress_line(summary: Summary, elapsed: float, total: int | None) -> str:
    seen = summary.done + summary.failed + summary.skipped
    rate = summary.bytes_in / 1e6 / elapsed if elapsed else 0.0
    count = f"{seen}/{total}" if total else f"{seen}"
    line = f"{count} documents, {summary.failed} failed, {summary.skipped} already done, {rate:.2f} MB/s"
    worked = summary.done + summary.failed
    if total and worked and elapsed:
        remaining = max(0, total - seen) * elapsed / worked
        line += f", ETA {_duration(remaining)}"
    return line


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def outdir_lock(outdir: Path):
    """An exclusive lock on OUTDIR: a second run on the same folder gets a clear error."""
    import fcntl

    from ..errors import InputError

    try:
        outdir.mkdir(parents=True, exist_ok=True)
        handle = open(outdir / ".docrepair.lock", "w")
    except OSError as error:
        raise InputError(f"cannot use {outdir} as the output folder: {error.strerror}") from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise InputError(f"{outdir} is in use by another docrepair batch run") from None
    return handle
