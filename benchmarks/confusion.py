"""Byte-level confusions, one row each: how many damaged sentences docrepair gives back.

    python -m benchmarks.confusion [--kinds gbk_shift utf8_as_gbk ...] [--corpus DIR]

Every clean reference (seed cuts and corpus documents) is damaged by one confusion with a fixed
seed. A sentence is *damaged* when the damaged text no longer holds it. Per confusion kind:
- restored: damaged sentences the output holds exactly;
- restored with □: held with □ only where the bytes of a character were lost (the scorer's
  wildcard: honest, but not the text);
- wrong: output sentences found neither in the truth nor explained by □ (a wrong character is
  worse than a □);
- worse: documents whose output is further from the truth than the damaged input;
- clean changes: byte-level notes on the clean references themselves (must be 0).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import Counter

from rapidfuzz import fuzz

from .corpus import load_references
from .damage import KINDS
from .score import fold, sentences

CONFUSIONS = ("gbk_shift", "utf8_as_gbk")
_BYTE_ACTIONS = {"repair_mojibake", "mark_missing"}


def _matches_with_losses(truth_sentence: str, with_losses: list[str]) -> bool:
    return any(
        len(candidate) == len(truth_sentence) and re.fullmatch(re.escape(candidate).replace("\u25a1", "."), truth_sentence)
        for candidate in with_losses
    )


def measure(kind: str, references, seed: int = 1000) -> dict[str, int]:
    from docrepair import repair_text

    row = Counter()
    for index, reference in enumerate(references):
        damaged = KINDS[kind](reference.text, random.Random(seed + index))
        output = repair_text(damaged).text
        truth = sentences(reference.text)
        truth_set = set(truth)
        in_damaged, in_output = set(sentences(damaged)), Counter(sentences(output))
        lost = [sentence for sentence in truth if sentence not in in_damaged]
        with_losses = [sentence for sentence in in_output if "\u25a1" in sentence]
        row["documents"] += 1
        row["damaged"] += len(lost)
        row["restored"] += sum(1 for sentence in lost if sentence in in_output)
        row["restored with □"] += sum(1 for sentence in lost if sentence not in in_output and _matches_with_losses(sentence, with_losses))
        # Folded text has no line breaks: a title joined from two lines (a repair) is no junk.
        folded_truth = fold(reference.text)
        row["wrong"] += sum(1 for sentence in in_output if sentence not in truth_set and "\u25a1" not in sentence and sentence not in folded_truth)
        row["worse"] += fuzz.ratio(fold(output), folded_truth) < fuzz.ratio(fold(damaged), folded_truth) - 0.01
    return dict(row)


def clean_changes(references) -> int:
    from docrepair import repair_text

    return sum(1 for reference in references for note in repair_text(reference.text).notes if note.action.value in _BYTE_ACTIONS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.confusion", description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", nargs="+", default=list(CONFUSIONS), choices=sorted(KINDS))
    parser.add_argument("--corpus", metavar="DIR", help="clean documents beside the seed cuts (default ../shared/corpus)")
    args = parser.parse_args(argv)
    references = [reference for reference in load_references(args.corpus) if reference.group in ("seed", "corpus")]
    print(f"{len(references)} clean documents; byte-level notes on them as they are: {clean_changes(references)}")
    print(f"{'confusion':14s} {'docs':>5s} {'damaged':>8s} {'restored':>9s} {'with □':>7s} {'share':>6s} {'wrong':>6s} {'worse':>6s}")
    for kind in args.kinds:
        row = measure(kind, references)
        share = (row.get("restored", 0) + row.get("restored with □", 0)) / max(1, row.get("damaged", 0))
        print(
            f"{kind:14s} {row['documents']:5d} {row.get('damaged', 0):8d} {row.get('restored', 0):9d} {row.get('restored with □', 0):7d} "
            f"{share:6.3f} {row.get('wrong', 0):6d} {row.get('worse', 0):6d}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
