"""Chrome recall: of the chrome the generator inserted (benchmarks/damage.py's chrome kinds, which
report the span of every piece they insert), the share docrepair removed; and the lines it removed
as chrome that were no chrome (a body line, a title copy), over every case.

    python -m benchmarks.chrome_recall [--cases N] [--misses K]

A piece of chrome counts as removed when every non-space character of its span in the damaged
input lies in a span some note deleted (drop_chrome, or any other note whose output is empty: a
title copy of the chrome may go as a duplicate). A drop_chrome note is a wrong removal when it
deleted a non-space character outside the inserted chrome. Judged on docrepair's notes, not on
its output text, so a chrome line cut in half counts as kept and a stamp glued inside a line is
judged on its own span.
"""

from __future__ import annotations

import argparse
import bisect
import sys
from collections import Counter
from dataclasses import dataclass, field

from docrepair.model import merge_ranges

from .cases import Case, build_cases
from .corpus import load_references
from .damage import CHROME_KINDS, damage_with_chrome


@dataclass
class ChromeRecall:
    """Counts over a set of cases, with the pieces missed and the lines wrongly removed."""

    inserted: int = 0
    removed: int = 0
    chrome_cases: int = 0
    cases: int = 0
    wrong_removals: list[tuple[str, str]] = field(default_factory=list)  # (case, removed text)
    missed: list[tuple[str, str]] = field(default_factory=list)  # (case, chrome text kept)

    @property
    def recall(self) -> float:
        return self.removed / self.inserted if self.inserted else 1.0

    def to_dict(self) -> dict:
        return {
            "chrome_cases": self.chrome_cases,
            "cases": self.cases,
            "inserted": self.inserted,
            "removed": self.removed,
            "recall": self.recall,
            "body_lines_removed": len(self.wrong_removals),
            "wrong_removals": [{"case": case, "text": text} for case, text in self.wrong_removals],
            "missed": [{"case": case, "text": text} for case, text in self.missed],
        }


def _covered(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Every non-space character of text[start:end] lies inside one of the merged spans."""
    starts = [span[0] for span in spans]
    for offset in range(start, end):
        if text[offset].isspace():
            continue
        index = bisect.bisect_right(starts, offset) - 1
        if index < 0 or not spans[index][0] <= offset < spans[index][1]:
            return False
    return True


def measure_case(case: Case, recall: ChromeRecall) -> None:
    from docrepair import repair_text

    inserted = damage_with_chrome(case.reference.text, case.kinds, case.seed)
    result = repair_text(inserted.text)
    if result.input_text != inserted.text:
        raise ValueError(f"{case.name}: the decoded input differs from the damaged text; spans would not hold")
    deleted = merge_ranges((note.input_span.start, note.input_span.end) for note in result.notes if note.action.rule.value == "edit" and not note.after.strip())
    chrome = merge_ranges(inserted.spans)
    recall.cases += 1
    if any(kind in CHROME_KINDS for kind in case.kinds):
        recall.chrome_cases += 1
        for start, end in inserted.spans:
            recall.inserted += 1
            if _covered(inserted.text, start, end, deleted):
                recall.removed += 1
            else:
                recall.missed.append((case.name, inserted.text[start:end]))
    for note in result.notes:
        if note.action.value == "drop_chrome" and not _covered(inserted.text, note.input_span.start, note.input_span.end, chrome):
            recall.wrong_removals.append((case.name, note.before.strip()))


def measure(cases: list[Case]) -> ChromeRecall:
    recall = ChromeRecall()
    for case in cases:
        measure_case(case, recall)
    return recall


def print_recall(recall: ChromeRecall, limit: int = 10) -> None:
    print(
        f"\n== chrome recall: {recall.removed} of {recall.inserted} inserted chrome pieces removed ({recall.recall:.3f}) "
        f"on {recall.chrome_cases} chrome cases; non-chrome lines removed as chrome: {len(recall.wrong_removals)} "
        f"(over all {recall.cases} cases)"
    )
    for case, text in recall.wrong_removals[:limit]:
        print(f"  wrongly removed  {case}: {text[:60]!r}")
    kept = Counter(text[:40] for _, text in recall.missed)
    for text, count in sorted(kept.items(), key=lambda item: (-item[1], item[0]))[:limit]:
        print(f"  kept ×{count}  {text!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.chrome_recall", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=400, help="number of generated cases (default 400, as python -m benchmarks)")
    parser.add_argument("--misses", type=int, default=20, help="how many kept pieces and wrong removals to list")
    args = parser.parse_args(argv)
    print_recall(measure(build_cases(args.cases, load_references())), args.misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
