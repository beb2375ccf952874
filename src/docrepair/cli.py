"""The command line: a thin layer over the library. Library errors become one `Error: …` line
on stderr, with the error's exit code, at a single boundary, the group's `invoke`; usage errors
exit 2 (click's own). The batch commands live in docrepair.batch.cli and are registered here;
they never import this module."""

from __future__ import annotations

import os
import sys
import traceback

import click

from .batch.chrome_cli import learn_chrome_command
from .batch.cli import batch, dedup
from .cli_options import DEBUG, debug_option, encoding_option, repair_options
from .config import RepairConfig
from .errors import DocrepairError
from .files import emit_text
from .model import ReplayRule
from .version import __version__


class DocrepairGroup(click.Group):
    """A click group whose `invoke` is the one error boundary of every command: a DocrepairError
    is one `Error: …` line and its exit code; any other exception one line and exit 1; the
    traceback only with --debug (on the group or the command)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise  # usage errors: click prints them with the usage line and exits 2
        except DocrepairError as error:
            _fail(ctx, f"Error: {error}", error.exit_code)
        except KeyboardInterrupt:
            _fail(ctx, "Error: interrupted", 130, show_traceback=False)
        except BrokenPipeError:
            sys.exit(0)  # the reader went away (| head): nothing left to say
        except Exception as error:  # noqa: BLE001 - the last line of defence before a user
            _fail(ctx, f"Error: internal error ({type(error).__name__}: {error}); rerun with --debug and report it", 1)


def _fail(ctx: click.Context, line: str, exit_code: int, show_traceback: bool = True) -> None:
    if show_traceback and ctx.meta.get(DEBUG):
        traceback.print_exc()
    click.echo(line, err=True)
    sys.exit(exit_code)


@click.group(cls=DocrepairGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="docrepair")
@debug_option
def main() -> None:
    """Repair and deduplicate scraped Chinese official documents, with an exact account of
    every change."""


def _repair(input_path: str, config: RepairConfig):
    from . import repair_bytes
    from .files import read_input, refuse_blank

    result = repair_bytes(read_input(input_path), config, source=None if input_path == "-" else input_path)
    refuse_blank(result.input_text)
    return result


@main.command()
@click.argument("input_path", metavar="INPUT", default="-")
@click.option("-o", "--output", metavar="FILE", help="Write the clean text here (atomically) instead of stdout.")
@click.option("--notes", "notes_path", metavar="FILE", help="Write the notes as JSONL here ('-' for stdout, needs -o).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: the clean document only; json: text, units, notes and header in one object.",
)
@repair_options
@click.option("--report", "report_path", metavar="FILE", help="Also write a self-contained HTML report of the changes here.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 (and say so on stderr) when the repair would change the text, 0 when it would not. For CI.")
@click.option("--diff", "show_diff", is_flag=True, help="Print a unified diff of the input against the repair on stdout instead of the text (-o still writes the text).")
@debug_option
def fix(input_path: str, output: str | None, notes_path: str | None, output_format: str, config: RepairConfig, report_path: str | None, check: bool, show_diff: bool) -> None:
    """Repair one document. INPUT is a file or '-' for stdin (the default)."""
    from .render.notes import notes_to_jsonl, result_to_json

    if check and not show_diff and (output or notes_path or report_path or output_format != "text"):
        raise click.UsageError("--check writes nothing: leave out -o, --notes, --report and --format")
    if show_diff and (output_format != "text" or notes_path == "-"):
        raise click.UsageError("--diff prints the diff on stdout: leave out --format json and --notes -")
    if notes_path == "-" and (output is None or output == "-"):
        raise click.UsageError("--notes - writes notes to stdout, so the text needs -o FILE")
    if output is not None and output != "-" and input_path != "-" and _same_file(input_path, output):
        raise click.UsageError("-o names the input file; write the repair somewhere else")
    _refuse_folders(("-o", output), ("--notes", notes_path), ("--report", report_path))
    result = _repair(input_path, config)
    if show_diff:
        from .render.diff import unified_diff

        emit_text(unified_diff(result.input_text, result.text, input_path), None)
        if output is not None and output != "-":
            emit_text(result.text, output)
    elif not check:
        emit_text(result_to_json(result) if output_format == "json" else result.text, output)
    if notes_path:
        emit_text(notes_to_jsonl(result.notes), notes_path)
    if report_path:
        _write_report(result, report_path)
    if check and result.text != result.input_text:
        changes = sum(1 for note in result.notes if note.action.rule is not ReplayRule.NONE)
        click.echo(f"would change {input_path}: {changes} changes (docrepair explain {input_path} lists them)", err=True)
        sys.exit(1)


@main.command()
@click.argument("input_path", metavar="INPUT")
@click.option("-o", "--output", "report_path", metavar="FILE", required=True, help="Where to write the HTML report.")
@repair_options
@debug_option
def report(input_path: str, report_path: str, config: RepairConfig) -> None:
    """Write a self-contained HTML report: input and output side by side, every note
    highlighted on both, a click shows why."""
    _refuse_folders(("-o", report_path))
    _write_report(_repair(input_path, config), report_path)


def _refuse_folders(*options: tuple[str, str | None]) -> None:
    """A file option given a folder is a usage error, before any work (fix writes one file;
    batch writes folders)."""
    for name, path in options:
        if path is not None and path != "-" and os.path.isdir(path):
            raise click.UsageError(f"{name} {path} is a folder; give a file name (docrepair batch writes into folders)")


def _write_report(result, report_path: str) -> None:
    from .files import write_atomic
    from .render.report import render_report

    write_atomic(report_path, render_report(result).encode("utf-8"))


@main.command()
@click.argument("input_path", metavar="INPUT", default="-")
@repair_options
@debug_option
def explain(input_path: str, config: RepairConfig) -> None:
    """Say what `fix` (with the same options) would change in INPUT: a summary, then one line per note."""
    from .render.explain import explain as render_explain

    emit_text(render_explain(_repair(input_path, config)), None)


@main.command()
@click.argument("input_path", metavar="INPUT", default="-")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True, help="An indented tree, or JSON (one object per clause).")
@repair_options
@debug_option
def outline(input_path: str, output_format: str, config: RepairConfig) -> None:
    """Print the clause tree of the repaired INPUT: every numbered clause with its path
    (二、/（三）/5．) and the output span of its block (the clause and everything under it)."""
    import json

    from .render.outline import outline as outline_entries
    from .render.outline import render_outline

    result = _repair(input_path, config)
    if output_format == "json":
        emit_text(json.dumps(outline_entries(result), ensure_ascii=False, indent=1) + "\n", None)
    else:
        emit_text(render_outline(result), None)


@main.command()
@click.argument("input_path", metavar="INPUT")
@click.argument("notes_path", metavar="NOTES")
@encoding_option
@debug_option
def replay(input_path: str, notes_path: str, encoding: str | None) -> None:
    """Rebuild the output from INPUT and its JSONL NOTES alone, and print it."""
    from .cli_options import build_config
    from .files import read_input
    from .ledger import replay as replay_notes
    from .render.notes import notes_from_jsonl
    from .stages.decode import decode_bytes

    text = decode_bytes(read_input(input_path), build_config(encoding).decode).text
    notes = notes_from_jsonl(read_input(notes_path), source=notes_path)
    emit_text(replay_notes(text, notes), None)


def _same_file(first: str, second: str) -> bool:
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False


main.add_command(batch)
main.add_command(dedup)
main.add_command(learn_chrome_command)

if __name__ == "__main__":  # pragma: no cover
    main()
