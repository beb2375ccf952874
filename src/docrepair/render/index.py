"""The index of a batch run's reports (`docrepair batch --report`): one self-contained HTML page
in OUTDIR listing every finished document, those with the most notes to review first, each linked
to its own report. Like the report, it needs nothing from the network and escapes every name."""

from __future__ import annotations

import html
from dataclasses import dataclass
from urllib.parse import quote


@dataclass(frozen=True)
class ReportEntry:
    """One document's line: its id, its report's path relative to the index, and its counts."""

    id: str
    path: str
    review_notes: int
    notes: int
    title: str = ""


_STYLE = """
body{margin:0;padding:1rem 1.5rem;color:#1d1d1f;background:#fff;
 font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans CJK SC","Source Han Sans SC",
 "PingFang SC","Microsoft YaHei","WenQuanYi Zen Hei",sans-serif}
h1{font-size:1.1rem;margin:0 0 .3rem}
p{margin:.2rem 0 .8rem;color:#444}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.25rem .6rem;border-bottom:1px solid #e4e4e4;vertical-align:top}
th{font-weight:600;background:#f7f7f8;position:sticky;top:0}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.review td.n:first-child{font-weight:600;color:#a3260b}
a{color:#1a56db}
"""


def sort_entries(entries: list[ReportEntry]) -> list[ReportEntry]:
    """Most review notes first; then more notes in all; ties by id, so the order never depends
    on the order documents finished in."""
    return sorted(entries, key=lambda entry: (-entry.review_notes, -entry.notes, entry.id))


def render_report_index(entries: list[ReportEntry], failed: int = 0) -> str:
    """The index page as one HTML string. `failed`: documents of the run that could not be
    repaired (they have no report; failures.jsonl names them)."""
    ordered = sort_entries(entries)
    to_review = sum(1 for entry in ordered if entry.review_notes)
    summary = (
        f"{len(ordered)} documents, {to_review} with notes to review "
        f"({sum(entry.review_notes for entry in ordered)} review notes of {sum(entry.notes for entry in ordered)} in all)"
    )
    if failed:
        summary += f"; {failed} could not be repaired (failures.jsonl)"
    rows = "".join(_row(entry) for entry in ordered)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>docrepair reports</title><style>{_STYLE}</style></head><body>"
        f"<h1>docrepair reports</h1><p>{_escape(summary)}. Each document's report opens on its notes to review.</p>"
        "<table><thead><tr><th>to review</th><th>notes</th><th>document</th><th>title</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></body></html>\n"
    )


def _row(entry: ReportEntry) -> str:
    css = ' class="review"' if entry.review_notes else ""
    # Each path segment quoted: ids and file names may hold spaces, # or ?, which a link would misread.
    href = "/".join(quote(part, safe="") for part in entry.path.split("/"))
    return (
        f'<tr{css}><td class="n">{entry.review_notes}</td><td class="n">{entry.notes}</td>'
        f'<td><a href="{_escape(href)}">{_escape(entry.id)}</a></td><td lang="zh">{_escape(entry.title)}</td></tr>'
    )


def _escape(value: object) -> str:
    return html.escape(str(value), quote=True)
