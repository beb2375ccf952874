"""Comparison keys: the folded form in which two copies of a text are compared.

A key folds script (OpenCC t2s), width (NFKC) and drops punctuation and white space, so a
traditional and a simplified copy, or a copy with other commas, compare equal. Keys are only
for comparing; they never reach the output.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Sequence

#: Everything that is not a letter, digit or Han character: punctuation, symbols, spaces.
_NOT_WORD = re.compile(r"[\W_]+")
#: What a key keeps: letters, digits and Han (\w without its _), and the line breaks that separate
#: texts. Keeping its runs (findall + join) is about 1.7x faster than deleting everything else
#: with sub, on Chinese text whose every few characters are a punctuation mark.
_WORD_OR_BREAK = re.compile(r"[^\W_]+|\n")
#: Sentence ends in Chinese official text, full and half width.
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")


@lru_cache(maxsize=1)
def _t2s_converter():
    # Built once per process: constructing an OpenCC converter parses its dictionaries.
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s_converter().convert(text)


#: Characters of text folded at a time by `comparison_keys`, at least. Each step copies the
#: batch (findall's list holds a string per run between two marks, ~80 bytes each; OpenCC takes
#: and gives UTF-8): a whole document at once peaked at 8x its size in the folding alone.
_KEYS_BATCH_CHARS = 4096


def comparison_keys(texts: Sequence[str]) -> list[str]:
    """Keys for many texts, folded in batches of a few thousand characters (one OpenCC call
    each: its per-call cost dominates short strings). A text's key does not depend on its batch:
    line breaks separate the texts, and neither NFKC nor OpenCC changes anything across one."""
    keys: list[str] = []
    batch_start = 0
    size = 0
    for index, text in enumerate(texts):
        size += len(text) + 1
        if size >= _KEYS_BATCH_CHARS:
            keys += _fold_batch(texts[batch_start : index + 1])
            batch_start = index + 1
            size = 0
    if batch_start < len(texts):
        keys += _fold_batch(texts[batch_start:])
    return keys


def _fold_batch(texts: Sequence[str]) -> list[str]:
    joined = "\n".join(t.replace("\n", " ") for t in texts)
    # Punctuation goes before NFKC as well as after: full-width marks are most of what NFKC
    # would change, and text without them passes NFKC's quick check at once (5x faster).
    joined = "".join(_WORD_OR_BREAK.findall(joined))
    folded = to_simplified(unicodedata.normalize("NFKC", joined))
    # NFKC can still make marks (㈠ → (一)); one more pass over the whole string removes them.
    keys = "".join(_WORD_OR_BREAK.findall(folded)).split("\n")
    if len(keys) != len(texts):  # defensive: a converter that merged lines would misalign keys
        keys = [_NOT_WORD.sub("", to_simplified(unicodedata.normalize("NFKC", _NOT_WORD.sub("", t)))) for t in texts]
    return keys


def comparison_key(text: str) -> str:
    return comparison_keys([text])[0]


def split_sentences(text: str) -> list[str]:
    """Sentences ending in 。！？； (the mark stays with its sentence); a trailing part without
    an end mark is a sentence too."""
    return [part for part in _SENTENCE_END.split(text) if part.strip()]


def chrome_key(line: str) -> str:
    """A line as the chrome learner (docrepair.chrome) and the boilerplate stage compare it: width
    folded (NFKC), white space removed, every run of digits masked (view counts, dates and page
    numbers change from page to page)."""
    return re.sub(r"\d+", "0", re.sub(r"\s+", "", unicodedata.normalize("NFKC", line)))
