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

Sentences end at a line break too, so a title the truth keeps on two or three typeset lines would
count as lost (and its joined line as junk) in every output that joins it. Before any output is
scored, a line that is exactly such a title joined (2-4 consecutive truth lines of title
characters, without sentence marks or clause markers, the last ending in a document type) is split back at the truth's line
breaks, for every tool alike: joining is no change, and nothing else is (a title line lost, glued
to other text or broken where the truth does not break it still counts).
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
#: What an official title ends with, its document type (folded to simplified script), written
#: here apart from docrepair's segmenter so that the scorer does not share its blind spots.
_TITLE_END = re.compile(
    r"(?:通知|通报|通告|公告|公报|意见|报告|请示|批复|决定|决议|命令|令|函|办法|规定|条例|细则|规则|规程|"
    r"章程|准则|解释|方案|规划|计划|纲要|要点|措施|纪要)(?:\(试行\)|\(暂行\))?$"
)
#: What a title's lines are made of (folded): Han characters, digits and the marks titles use;
#: no sentence mark (、 is part of a title: 山西、安徽省).
_TITLE_LINE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff0-9、《》〈〉“”\"()·—\-]+")
#: Clause markers opening a line (headings joined are two headings glued, not a title).
_CLAUSE_START = re.compile(r"^(?:第[零〇一二两三四五六七八九十百千\d]+[编章节条]|[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d+[.、])")
#: A line that heads an attachment (附件1) above its title, never half of it.
_ATTACHMENT_LABEL = re.compile(r"附[件表录]\d*")
#: A title is typeset on at most this many lines (gov.cn: two or three).
_MAX_TITLE_LINES = 4


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
    output_sentences = sentences(split_joined_titles(output, truth))
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


def split_joined_titles(output: str, truth: str) -> str:
    """The output with every line that is a title of the truth joined from its typeset lines
    broken again where the truth breaks it (see the module docstring)."""
    broken = _broken_titles(truth)
    if not broken:
        return output
    lines = output.splitlines(keepends=True)
    folded = [fold(line) for line in lines]
    # As many joined lines are split as the truth's broken copies the output lacks, and no more
    # than the output has beyond the truth's own whole lines, the last first: a truth may print
    # the title whole on one line too (a law quoted whole above its text, then broken over two
    # lines as the appendix's title), and a copy joined once more is still a copy.
    truth_lines = _folded_lines(truth)
    missing = {
        joined: min(_count_runs(truth_lines, pieces) - _count_runs(folded, pieces), folded.count(joined) - truth_lines.count(joined))
        for joined, pieces in broken.items()
    }
    for index in reversed(range(len(lines))):
        if missing.get(folded[index], 0) > 0:
            missing[folded[index]] -= 1
            lines[index] = "\n".join(broken[folded[index]]) + lines[index][len(lines[index].rstrip("\r\n")) :]
    return "".join(lines)


def _folded_lines(text: str) -> list[str]:
    return [fold(line) for line in unicodedata.normalize("NFKC", text).splitlines() if line.strip()]


def _count_runs(lines: list[str], pieces: list[str]) -> int:
    """How often `pieces` stand as consecutive lines (blank lines skipped)."""
    lines = [line for line in lines if line]
    return sum(1 for start in range(len(lines) - len(pieces) + 1) if lines[start : start + len(pieces)] == pieces)


def _broken_titles(truth: str) -> dict[str, list[str]]:
    """Titles the truth breaks over lines: the folded joined title -> its lines (folded). Runs of
    2-4 consecutive non-blank lines of title characters, none opening with a clause marker or a
    bracket, whose last line ends in a document type and no other in a document type or 文件 (a
    whole title or a red header above the title is no half of it, nor is an attachment label)."""
    lines = _folded_lines(truth)
    plain = [bool(_TITLE_LINE.fullmatch(line)) and not _CLAUSE_START.match(line) and not line.startswith("(") for line in lines]
    half = [
        is_plain and not _TITLE_END.search(line) and not line.endswith("文件") and not _ATTACHMENT_LABEL.fullmatch(line)
        for is_plain, line in zip(plain, lines)
    ]
    broken: dict[str, list[str]] = {}
    for end, line in enumerate(lines):
        if not plain[end] or not _TITLE_END.search(line):
            continue
        start = end
        while start > 0 and end - start + 1 < _MAX_TITLE_LINES and half[start - 1]:
            start -= 1
            broken.setdefault("".join(lines[start : end + 1]), lines[start : end + 1])
    return broken


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
