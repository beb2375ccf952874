"""`docrepair learn-chrome`: the template lines of an archive, learned once and kept in a file that
`fix`, `explain`, `report` and `batch` take with `--chrome FILE` (docrepair.chrome)."""

from __future__ import annotations

import sys

import click

from ..chrome import MIN_DOCUMENTS, LearnedChrome, learn_chrome
from ..cli_options import debug_option
from ..errors import DocrepairError
from ..stages.decode import decode_bytes
from .sources import Document, SourceOptions, iter_documents


@click.command("learn-chrome")
@click.argument("sources", metavar="SOURCE...", nargs=-1, required=True)
@click.option("-o", "--output", metavar="FILE", required=True, help="Write the learned lines here (JSON), for --chrome FILE.")
@click.option("--min-documents", type=click.IntRange(min=2), default=MIN_DOCUMENTS, show_default=True, help="Learn a line seen in the head or tail of at least this many different documents.")
@click.option("--include", multiple=True, metavar="GLOB", help="Only paths matching this glob (repeatable).")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip paths matching this glob (repeatable).")
@click.option("--text-field", default="text", show_default=True, help="JSONL field holding the document.")
@click.option("--id-field", default="id", show_default=True, help="JSONL field holding its id.")
@click.option("--glob", "globs", multiple=True, default=("*.txt",), show_default=True, metavar="GLOB", help="Which files of a folder or archive are documents (repeatable).")
@debug_option
def learn_chrome_command(sources, output, min_documents, include, exclude, text_field, id_field, globs) -> None:
    """Learn the site chrome of an archive: lines (digits masked) that stand in the head or tail of
    many different documents of SOURCE... (files, folders, .zip, .tar(.gz), .jsonl) and never in a
    body. A document's own recurring lines (addressees, signature, date, 特此通知。) are never taken.
    Apply them with `docrepair fix --chrome FILE` (or batch, explain, report)."""
    options = SourceOptions(include=tuple(include), exclude=tuple(exclude), text_field=text_field, id_field=id_field, globs=tuple(globs))
    learned, skipped = learn_from_sources(sources, options, min_documents)
    learned.save(output)
    print(f"learned {len(learned.lines)} chrome lines from {learned.documents} documents ({skipped} unreadable, skipped) → {output}", file=sys.stderr)


def learn_from_sources(sources, options: SourceOptions, min_documents: int = MIN_DOCUMENTS) -> tuple[LearnedChrome, int]:
    """The chrome of the documents in `sources` (as batch reads them), and how many could not be
    read. One streaming pass: a document's text is dropped once its lines are counted."""
    skipped = 0

    def texts():
        nonlocal skipped
        for item in iter_documents(sources, options):
            if not isinstance(item, Document):
                skipped += 1
                continue
            if item.text is not None:
                yield item.text
                continue
            try:
                yield decode_bytes(item.data or b"").text
            except DocrepairError:
                skipped += 1

    learned = learn_chrome(texts(), min_documents=min_documents)
    return learned, skipped
