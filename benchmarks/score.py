"""Scoring a repair against the truth, after folding script (OpenCC t2s), width (NFKC) and white
space, so a tool is judged on content, not on the script it writes in.

- similarity: rapidfuzz ratio of the folded output and the folded truth (0-100);
- recall: share of truth sentences present in the output (nothing lost);
- precision: share of output sentences found in the truth (no junk); a sentence with □ (a
  character whose bytes were lost) counts as the truth sentence it matches with □ as a wildcard,
  and is not junk when every stretch between its □ occurs in the truth;
- duplicated: share of truth sentences that occur more often in the output than in the truth;
- order: share of concordant pairs among truth sentences found once in the output
  (Kendall's tau rescaled to 0-1, counted by merge sort in O(n log n)).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|\n")
_SPACE = re.compile(r"\s+")
#: Sentences shorter than this (folded) are not scored: 特此通知, a date, a lone marker.
_MIN_SENTENCE = 6


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def fold(text: str) -> str:
    return _SPACE.sub("", _t2s().convert(unicodedata.normalize("NFKC", text)))


def sentences(text: str) -> list[str]:
    """Folded sentences, markers stripped so a clause cut from its marker still counts."""
    found = []
    for part in _SENTENCE_END.split(unicodedata.normalize("NFKC", text)):
        part = re.sub(r"^\s*(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d+[.．、]|\(\d+\))", "", part)
        folded = fold(part)
        if len(folded) >= _MIN_SENTENCE:
            found.append(folded)
    return found


@dataclass(frozen=True)
class Score:
    similarity: float
    recall: float
    precision: float
    duplicated: float
    order: float

    FIELDS = ("similarity", "recall", "precision", "duplicated", "order")


def score(output: str, truth: str) -> Score:
    truth_sentences = sentences(truth)
    output_sentences = sentences(output)
    truth_set = set(truth_sentences)
    # A sentence with □ where bytes were lost is the truth's sentence, not junk: it stands for
    # the truth sentence it matches with □ as a wildcard (the lost character is in a note).
    output_sentences = [_resolve_missing(s, truth_set, truth_sentences) for s in output_sentences]
    output_counts = Counter(output_sentences)
    recall = sum(1 for s in truth_sentences if s in output_counts) / max(1, len(truth_sentences))
    folded_truth = fold(truth)
    precision = sum(1 for s in output_sentences if s in truth_set or _is_truth_with_losses(s, folded_truth)) / max(1, len(output_sentences))
    truth_counts = Counter(truth_sentences)
    # More copies than the truth has: a sentence the document itself repeats is no duplicate.
    duplicated = sum(1 for s in truth_set if output_counts.get(s, 0) > truth_counts[s]) / max(1, len(truth_set))
    return Score(fuzz.ratio(fold(output), fold(truth)), recall, precision, duplicated, order_concordance(truth_sentences, output_sentences))


def _is_truth_with_losses(sentence: str, folded_truth: str) -> bool:
    """A sentence with □ whose every stretch between □ occurs in the truth is the truth with
    characters lost (a sentence end among them, so it may span two truth sentences): damaged,
    not junk. Junk is text the truth does not have."""
    if "\u25a1" not in sentence:
        return False
    pieces = [piece for piece in sentence.split("\u25a1") if piece]
    return bool(pieces) and all(piece in folded_truth for piece in pieces)


def _resolve_missing(sentence: str, truth_set: set[str], truth: list[str]) -> str:
    if "\u25a1" not in sentence or sentence in truth_set:
        return sentence
    pattern = re.compile(re.escape(sentence).replace("\u25a1", "."))
    return next((candidate for candidate in truth if len(candidate) == len(sentence) and pattern.fullmatch(candidate)), sentence)


def order_concordance(truth: list[str], output: list[str]) -> float:
    """Concordance of the output's order of the truth sentences it holds once."""
    truth_counts, output_counts = Counter(truth), Counter(output)
    rank = {s: i for i, s in enumerate(truth) if truth_counts[s] == 1}
    sequence = [rank[s] for s in output if s in rank and output_counts[s] == 1]
    pairs = len(sequence) * (len(sequence) - 1) // 2
    if pairs == 0:
        return 1.0
    return 1.0 - _inversions(sequence) / pairs


def _inversions(values: list[int]) -> int:
    if len(values) < 2:
        return 0
    middle = len(values) // 2
    left, right = values[:middle], values[middle:]
    count = _inversions(left) + _inversions(right)
    left.sort()
    right.sort()
    j = 0
    for value in left:
        while j < len(right) and right[j] < value:
            j += 1
        count += j
    return count
