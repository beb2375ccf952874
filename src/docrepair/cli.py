"""The command line: a thin layer over the library. Library errors become one `Error: …` line
on stderr and exit code 1 here, at a single boundary; usage errors exit 2 (click's own)."""

from __future__ import annotations

import functools
import sys
import traceback

import click

from . import __version__
from .errors import DocrepairError
from .config import PUNCT_MODES
from .files import emit_text


def _boundary(command):
    """Turn every failure into one line on stderr; the traceback only with --debug."""

    @functools.wraps(command)
    def wrapper(*args, debug: bool = False, **kwargs):
        try:
            return command(*args, **kwargs)
        except click.ClickException:
            raise  # usage errors: click prints them with the usage line and exits 2
        except DocrepairError as error:
            if debug:
                traceback.print_exc()
            click.echo(f"Error: {error}", err=True)
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo("Error: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            sys.exit(0)  # the reader went away (| head): nothing left to say
        except Exception as error:  # noqa: BLE001 - the last line of defence before a user
            if debug:
                traceback.print_exc()
            click.echo(f"Error: internal error ({type(error).__name__}: {error}); rerun with --debug and report it", err=True)
            sys.exit(1)

    return click.option("--debug", is_flag=True, help="Show the traceback of an error.")(wrapper)


def _config(encoding: str | None, script: str = "keep", punct: str = "document"):
    from .config import DecodeConfig, OutputConfig, RepairConfig

    return RepairConfig(decode=DecodeConfig(encoding=encoding), output=OutputConfig(script=script, punct=punct))


def _repair(input_path: str, encoding: str | None, script: str = "keep", punct: str = "document"):
    from . import repair_bytes
    from .files import read_input

    data = read_input(input_path)
    return repair_bytes(data, _config(encoding, script, punct), source=None if input_path == "-" else input_path)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="docrepair")
def main() -> None:
    """Repair and deduplicate scraped Chinese official documents, with an exact account of
    every change."""


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
@click.option("--encoding", metavar="NAME", help="Decode the input with this codec instead of detecting it.")
@click.option(
    "--script",
    type=click.Choice(["keep", "simplified", "traditional"]),
    default="keep",
    show_default=True,
    help="Keep the input's script, or convert the output (OpenCC) after every repair.",
)
@click.option(
    "--punct",
    type=click.Choice(PUNCT_MODES),
    default="document",
    show_default=True,
    help="Width of Chinese punctuation: each mark as the document mostly writes it, unchanged, or all full/half width.",
)
@click.option("--report", "report_path", metavar="FILE", help="Also write a self-contained HTML report of the changes here.")
@_boundary
def fix(input_path: str, output: str | None, notes_path: str | None, output_format: str, encoding: str | None, script: str, punct: str, report_path: str | None) -> None:
    """Repair one document. INPUT is a file or '-' for stdin (the default)."""
    from .render.notes import notes_to_jsonl, result_to_json

    if notes_path == "-" and (output is None or output == "-"):
        raise click.UsageError("--notes - writes notes to stdout, so the text needs -o FILE")
    if output is not None and output != "-" and input_path != "-" and _same_file(input_path, output):
        raise click.UsageError("-o names the input file; write the repair somewhere else")
    result = _repair(input_path, encoding, script, punct)
    emit_text(result_to_json(result) if output_format == "json" else result.text, output)
    if notes_path:
        emit_text(notes_to_jsonl(result.notes), notes_path)
    if report_path:
        _write_report(result, report_path)


@main.command()
@click.argument("input_path", metavar="INPUT")
@click.option("-o", "--output", "report_path", metavar="FILE", required=True, help="Where to write the HTML report.")
@click.option("--encoding", metavar="NAME", help="Decode the input with this codec instead of detecting it.")
@_boundary
def report(input_path: str, report_path: str, encoding: str | None) -> None:
    """Write a self-contained HTML report: input and output side by side, every note
    highlighted on both, a click shows why."""
    _write_report(_repair(input_path, encoding), report_path)


def _write_report(result, report_path: str) -> None:
    from .files import write_atomic
    from .render.report import render_report

    write_atomic(report_path, render_report(result).encode("utf-8"))


@main.command()
@click.argument("input_path", metavar="INPUT", default="-")
@click.option("--encoding", metavar="NAME", help="Decode the input with this codec instead of detecting it.")
@_boundary
def explain(input_path: str, encoding: str | None) -> None:
    """Say what `fix` would change in INPUT: a summary, then one line per note."""
    from .render.explain import explain as render_explain

    result = _repair(input_path, encoding)
    emit_text(render_explain(result), None)


@main.command()
@click.argument("input_path", metavar="INPUT")
@click.argument("notes_path", metavar="NOTES")
@click.option("--encoding", metavar="NAME", help="Decode the input with this codec instead of detecting it.")
@_boundary
def replay(input_path: str, notes_path: str, encoding: str | None) -> None:
    """Rebuild the output from INPUT and its JSONL NOTES alone, and print it."""
    from .files import read_input
    from .ledger import replay as replay_notes
    from .render.notes import notes_from_jsonl
    from .stages.decode import decode_bytes

    text = decode_bytes(read_input(input_path), _config(encoding).decode).text
    try:
        notes = notes_from_jsonl(read_input(notes_path).decode("utf-8"))
    except (ValueError, KeyError, TypeError) as error:
        raise DocrepairError(f"{notes_path} is not a docrepair notes file ({error})") from None
    emit_text(replay_notes(text, notes), None)


def _same_file(first: str, second: str) -> bool:
    import os

    try:
        return os.path.samefile(first, second)
    except OSError:
        return False


from .batch.cli import batch, dedup  # noqa: E402 - batch builds on the commands above

main.add_command(batch)
main.add_command(dedup)

if __name__ == "__main__":  # pragma: no cover
    main()
