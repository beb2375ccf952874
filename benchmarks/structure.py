"""The clause structure of a clean reference document, as the damage generator sees it.

Written apart from docrepair's own segmenter on purpose: a benchmark that parsed documents with the
tool it measures would share the tool's blind spots. It only has to read clean documents (one
paragraph per line), so it can be simple: a line that opens with a clause marker is a clause, and
the markers rank by the usual hierarchy of Chinese official documents, laws first:

    第N编 > 第N章 > 第N节 > 第N条 (第 N 條) > 一、 > （一） > 1. > 1.1 > （1） > ①

A clause's block is its line, the unnumbered lines after it and every clause of a lower rank under
it, up to the next clause of the same or a higher rank. Blocks are what moves, repeats and gets cut
on the damaged pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMERAL = "零〇一二两三四五六七八九十百千"
_SPACE = r"[ \t\u3000]*"

#: (series name, rank, pattern at line start). Lower rank = higher in the hierarchy.
SERIES: tuple[tuple[str, int, re.Pattern[str]], ...] = (
    ("编", 0, re.compile(rf"第\s*[{_NUMERAL}\d]+\s*[编編]")),
    ("章", 1, re.compile(rf"第\s*[{_NUMERAL}\d]+\s*章")),
    ("节", 2, re.compile(rf"第\s*[{_NUMERAL}\d]+\s*[节節]")),
    ("条", 3, re.compile(rf"第\s*[{_NUMERAL}\d]+\s*[条條](?:之[{_NUMERAL}\d]+)?")),
    ("一、", 4, re.compile(rf"[{_NUMERAL}]+、")),
    ("（一）", 5, re.compile(rf"[（(][{_NUMERAL}]+[）)]")),
    ("1.1", 7, re.compile(r"\d{1,2}[.．]\d{1,2}(?![\d.．])")),
    ("1.", 6, re.compile(r"\d{1,3}(?:[.．](?!\d)|、)")),
    ("（1）", 8, re.compile(r"[（(]\d{1,3}[）)]")),
    ("①", 9, re.compile(r"[①-⑳]")),
)


@dataclass(frozen=True)
class Clause:
    line: int  # index of the clause's own line
    end: int  # one past the last line of its block
    series: str
    rank: int
    marker: str


def line_series(line: str) -> tuple[str, int, str] | None:
    """(series, rank, marker text) of the marker a line opens with, or None."""
    body = line.lstrip(" \t\u3000")
    for series, rank, pattern in SERIES:
        found = pattern.match(body)
        if found:
            return series, rank, found.group(0)
    return None


def clauses(lines: list[str]) -> list[Clause]:
    """Every numbered line with its block (see the module docstring)."""
    opened = [(index, line_series(line)) for index, line in enumerate(lines)]
    numbered = [(index, found) for index, found in opened if found is not None]
    found_clauses = []
    for position, (index, (series, rank, marker)) in enumerate(numbered):
        end = next((later for later, (_, later_rank, _) in numbered[position + 1 :] if later_rank <= rank), len(lines))
        found_clauses.append(Clause(index, end, series, rank, marker))
    return found_clauses


def sibling_groups(lines: list[str]) -> list[list[Clause]]:
    """Runs of clauses of one series under one parent, each at least two long: the units a
    scramble shuffles. Clauses are siblings when nothing of a higher rank stands between them."""
    groups: list[list[Clause]] = []
    open_runs: dict[int, list[Clause]] = {}
    for clause in clauses(lines):
        for rank in [rank for rank in open_runs if rank > clause.rank]:
            run = open_runs.pop(rank)
            if len(run) >= 2:
                groups.append(run)
        run = open_runs.get(clause.rank)
        if run and run[-1].series == clause.series and run[-1].end == clause.line:
            run.append(clause)
        else:
            if run and len(run) >= 2:
                groups.append(run)
            open_runs[clause.rank] = [clause]
    groups.extend(run for run in open_runs.values() if len(run) >= 2)
    return sorted(groups, key=lambda group: group[0].line)
