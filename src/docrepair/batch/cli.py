"""The batch commands, `docrepair batch` and `docrepair dedup`: a thin click layer over the
runner, the engines and the cross-document clusters. docrepair.cli registers them
(`main.add_command(batch)`, `main.add_command(dedup)`) and its group's boundary turns their
errors into one line; this module never imports docrepair.cli. The repair options are the ones
`fix` takes (docrepair.cli_options)."""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path

import click

from ..cli_options import debug_option, repair_options
from ..config import RepairConfig
from ..files import emit_text


def _source_options(command):
    """Options shared by batch and dedup: what to read and how to run."""
    options = [
        click.argument("sources", metavar="SOURCE...", nargs=-1, required=True),
        click.option("--glob", "globs", multiple=True, default=("*.txt",), show_default=True, metavar="GLOB", help="Which files of a folder or archive are documents, by file name, case ignored (repeatable; '*' for all). Files named as SOURCE are always taken."),
        click.option("--include", multiple=True, metavar="GLOB", help="Only paths matching this glob (repeatable)."),
        click.option("--exclude", multiple=True, metavar="GLOB", help="Skip paths matching this glob (repeatable)."),
        click.option("--text-field", default="text", show_default=True, help="JSONL field (or Parquet column) holding the document."),
        click.option("--id-field", default="id", show_default=True, help="JSONL field (or Parquet column) holding its id."),
        click.option("--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: all cores)."),
        click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True, help="local: a process pool here; ray: Ray tasks (pip install 'docrepair[ray]')."),
        click.option("--address", metavar="ADDR", help="With --engine ray: an existing cluster (e.g. ray://head:10001 or auto); default: a local Ray."),
        click.option("--quiet", is_flag=True, help="No progress line or summary on stderr."),
        click.option("--max-member-bytes", type=click.IntRange(min=1), default=64 * 1024 * 1024, show_default=True, help="Refuse archive members larger than this."),
        click.option("--max-compression-ratio", type=click.IntRange(min=1), default=200, show_default=True, help="Refuse members (over 1 MiB) that expand more than this many times."),
        click.option("--max-members", type=click.IntRange(min=1), default=1_000_000, show_default=True, help="Refuse the members of one archive past this count."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


_CROSS_DOC_HELP = (
    "mark: write clusters of near-duplicate documents to OUTDIR/clusters.jsonl; dedup: also keep one "
    "file per cluster (the others move to OUTDIR/.docrepair/duplicates/, listed in duplicates.jsonl); "
    "merge: also rebuild each cluster's best document from all its copies in OUTDIR/merged/."
)


@click.command()
@_source_options
@click.option("-o", "--output", "outdir", metavar="OUTDIR", help="Folder for the results; without it, SOURCE must be '-' and JSONL goes to stdout.")
@click.option("--format", "output_format", type=click.Choice(["files", "jsonl"]), default="files", show_default=True, help="files: one clean file per input file, and one JSONL (Parquet) file per JSONL (Parquet) source (OUTDIR/NAME.jsonl, its records repaired in place); jsonl: one record per document, all in OUTDIR/documents.jsonl.")
@click.option(
    "--notes",
    "notes",
    type=click.Choice(["none", "count", "full"]),
    default="count",
    show_default=True,
    help="How much of its notes each JSONL output record carries (under the key 'docrepair'): none; "
    "count, the number of notes per action; full, the header and every note. count is the default "
    "because the full notes of a scraped page are several times its text (508 KB for 130 KB in). "
    "Plain files written with --format files keep their full notes in OUTDIR/.docrepair/notes/ whatever this says.",
)
@click.option("--resume/--no-resume", default=True, show_default=True, help="Skip documents already done in OUTDIR (completion markers).")
@click.option("--redo", is_flag=True, help="OUTDIR was made with other repair settings: redo its documents with these (without it, such a run is refused).")
@click.option("--cross-doc", type=click.Choice(["off", "mark", "dedup", "merge"]), default="off", show_default=True, help=_CROSS_DOC_HELP)
@click.option(
    "--report",
    "report",
    is_flag=True,
    help="Also write each document's HTML report to OUTDIR/reports/ and an index of them, OUTDIR/report.html, "
    "the documents with the most notes to review first.",
)
@click.option(
    "--learn-chrome",
    is_flag=True,
    help="First read SOURCE... once to learn its site chrome (lines in the head or tail of many different documents, "
    "never in a body; see learn-chrome), then repair with it; the learned lines go to OUTDIR/.docrepair/chrome.json.",
)
@repair_options
@debug_option
def batch(sources, outdir, output_format, notes, resume, redo, cross_doc, report, learn_chrome, config: RepairConfig, **options) -> None:
    """Repair many documents: files, folders, .zip, .tar(.gz), .jsonl(.gz), .parquet, or '-' for
    JSONL on stdin (JSONL on stdout, in input order). Bad inputs go to OUTDIR/failures.jsonl and the run
    goes on; the exit code is 1 if any failed."""
    if outdir is None:
        output_format = "jsonl"  # the pipe stage
    if outdir is None and list(sources) != ["-"]:
        raise click.UsageError("-o OUTDIR is needed unless SOURCE is '-' (JSONL in, JSONL out)")
    if outdir is None and cross_doc != "off":
        raise click.UsageError("--cross-doc needs -o OUTDIR (the clusters are written there)")
    if outdir is None and report:
        raise click.UsageError("--report needs -o OUTDIR (the reports and their index are written there)")
    if cross_doc in ("dedup", "merge") and output_format != "files":
        raise click.UsageError(f"--cross-doc {cross_doc} needs --format files (it works on the output files)")
    if cross_doc in ("dedup", "merge") and any(_is_jsonl(source) for source in sources):
        raise click.UsageError(f"--cross-doc {cross_doc} works on output files, and JSONL records stay in their JSONL: use --cross-doc mark")
    if learn_chrome:
        if list(sources) == ["-"]:
            raise click.UsageError("--learn-chrome reads SOURCE twice; it cannot be '-' (use learn-chrome on a file, then --chrome)")
        from .chrome_cli import learn_from_sources

        learned, _ = learn_from_sources(sources, _limits(options))
        config = dataclasses.replace(config, boilerplate=learned.config(config.boilerplate))
        if outdir is not None:
            Path(outdir, ".docrepair").mkdir(parents=True, exist_ok=True)
            learned.save(Path(outdir, ".docrepair", "chrome.json"))
        if not options["quiet"]:
            click.echo(f"learned {len(learned.lines)} chrome lines from {learned.documents} documents", err=True)
    _run(sources, outdir, output_format, notes, resume, cross_doc, config, dict(options, redo=redo, report=report))


@click.command()
@_source_options
@click.option("-o", "--output", "output", metavar="FILE", help="Write the clusters (JSONL) here instead of stdout.")
@click.option("--no-repair", is_flag=True, help="Cluster the decoded inputs as they are (fast) instead of their repairs (the clusters batch --cross-doc would find).")
@repair_options
@debug_option
def dedup(sources, output, no_repair, config: RepairConfig, **options) -> None:
    """Report clusters of near-duplicate documents in SOURCE... without writing or moving
    anything: one JSONL line per cluster (members, the copy dedup would keep, scores)."""
    from .crossdoc import CrossDocIndex, clusters_jsonl
    from .runner import BatchOptions, Task

    task = Task(config, _crossdoc_config(), repair=not no_repair)
    index = CrossDocIndex(task.sign)
    run_options = BatchOptions(None, "none", resume=False, quiet=options["quiet"], task=task, total=_total(sources, options))
    summary = _execute(sources, run_options, options, lambda doc_id, _relpath, signature: index.add(doc_id, signature))
    clusters = index.clusters()
    emit_text(clusters_jsonl(clusters), output)
    if not options["quiet"]:
        click.echo(f"{len(clusters)} clusters of near-duplicate documents among {len(index)}; {summary.failed} failed", err=True)
    if summary.failed:
        sys.exit(1)


def _run(sources, outdir, output_format, notes, resume, cross_doc, config: RepairConfig, options) -> None:
    from .runner import Interrupted

    try:
        _run_to_the_end(sources, outdir, output_format, notes, resume, cross_doc, config, options)
    except (Interrupted, KeyboardInterrupt) as interrupt:
        # Ctrl-C: what was finished is written and marked; one line, and the shell's code for SIGINT.
        done = f"{interrupt.summary.done + interrupt.summary.skipped} done" if isinstance(interrupt, Interrupted) else "stopped"
        click.echo(f"interrupted: {done}; rerun the same command to resume" if outdir is not None else f"interrupted: {done}", err=True)
        sys.exit(130)


def _run_to_the_end(sources, outdir, output_format, notes, resume, cross_doc, config: RepairConfig, options) -> None:
    from .runner import BatchOptions, Task, outdir_lock

    root = Path(outdir) if outdir is not None else None
    lock = outdir_lock(root) if root is not None else None
    try:
        task = Task(config, _crossdoc_config() if cross_doc != "off" else None, report=options["report"], notes=output_format == "files" or notes == "full")
        run_options = BatchOptions(root, output_format, resume, options["quiet"], task, _total(sources, options), notes=notes, redo=options["redo"])
        index, relpaths = _cross_doc_index(task)
        summary = _execute(sources, run_options, options, _remember(index, relpaths) if index is not None else None)
        if index is not None:
            _finish_cross_doc(root, cross_doc, index, relpaths, task, options["quiet"])
    finally:
        if lock is not None:
            lock.close()
    if not options["quiet"]:
        click.echo(summary.line(), err=True)
    if summary.failed:
        sys.exit(1)


def _execute(sources, run_options, options, on_done):
    from .engines import create_engine
    from .runner import run_batch
    from .sources import iter_documents

    engine = create_engine(options["engine"], options["jobs"] or os.cpu_count() or 1, options["address"])
    try:
        return run_batch(iter_documents(sources, _limits(options)), run_options, engine, on_done)
    finally:
        engine.close()


def _cross_doc_index(task):
    if task.sign is None:
        return None, {}
    from .crossdoc import CrossDocIndex

    return CrossDocIndex(task.sign), {}


def _remember(index, relpaths: dict[str, str]):
    def remember(document_id: str, relpath: str, signature) -> None:
        index.add(document_id, signature)
        relpaths[document_id] = relpath

    return remember


def _finish_cross_doc(root: Path, mode: str, index, relpaths: dict[str, str], task, quiet: bool) -> None:
    from .crossdoc import set_aside_duplicates, write_clusters
    from .merge import merge_clusters

    clusters = index.clusters()
    write_clusters(root / "clusters.jsonl", clusters, task.sign)
    messages = [f"{len(clusters)} clusters of near-duplicate documents in {root / 'clusters.jsonl'}"]
    if mode == "dedup":
        moved = set_aside_duplicates(root, clusters, relpaths)
        messages.append(f"{moved} near-duplicate documents set aside in {root / '.docrepair' / 'duplicates'}")
    if mode == "merge":
        merged = merge_clusters(root, clusters, relpaths, task.config)
        messages.append(f"{merged} documents rebuilt from their copies in {root / 'merged'}")
    if not quiet:
        for message in messages:
            click.echo(message, err=True)


def _is_jsonl(source: str) -> bool:
    return source == "-" or source.lower().endswith((".jsonl", ".jsonl.gz"))


def _crossdoc_config():
    from .crossdoc import CrossDocConfig

    return CrossDocConfig()


def _limits(options):
    from .sources import SourceOptions

    return SourceOptions(tuple(options["include"]), tuple(options["exclude"]), options["text_field"], options["id_field"], options["max_member_bytes"], options["max_compression_ratio"], options["max_members"], tuple(options["globs"]))


def _total(sources, options) -> int | None:
    """Documents to expect, counted only when a progress line will show them."""
    if options["quiet"] or not sys.stderr.isatty():
        return None
    from .sources import count_documents

    return count_documents(sources, _limits(options))
