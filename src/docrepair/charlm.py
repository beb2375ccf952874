"""A character language model: how plausible a character, or a pair of adjacent characters, is
in Chinese text, in either script.

The data (src/docrepair/data/charlm.tsv.gz, built by tools/build_charlm.py from jieba's word list
and its OpenCC traditional forms) holds character counts and in-word pair counts; the same counts
as arrays (data/charlm.npy.gz, built beside it) are what is read, once, on first use, and kept
by the `CharModel` returned from `load_charlm()`; nothing is fetched at run time. Scores are
natural-log probabilities, deterministic for a given data file.

A document is its own best model of itself: `CharModel.with_document(text)` adds the document's
pairs on top of the shipped counts, so a name the document uses (海關, 瀘州) scores as it should.
"""

from __future__ import annotations

import gzip
import io
import math
import operator
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np

#: Weight of the unigram in the pair estimate (Witten-Bell-like interpolation constant, in
#: counts of the first character): small enough that an attested pair dominates.
_BACKOFF_WEIGHT = 200.0
#: A document pair counts as this many model counts: the document's own usage is strong
#: evidence (measured on the seeds: below ~1e4 the names of the document lose to common pairs).
_DOCUMENT_PAIR_WEIGHT = 20000.0
#: Add-half smoothing of the unigrams over a vocabulary of this many characters (CharModel._smoothed_logp).
_UNIGRAM_ADDED = 0.5
_UNIGRAM_VOCABULARY = 30000
#: A use of a character in the document counts as this many model counts in its unigram.
_DOCUMENT_CHAR_WEIGHT = 50.0
#: Characters whose followers or predecessors are kept with the model before they are dropped
#: and gathered again: a bound on memory over a long batch.
_MAX_NEIGHBOUR_ENTRIES = 20_000
#: Bits of a code point in the pair codes (Unicode needs 21).
_CODE_BITS = 21


@dataclass(frozen=True)
class CharModel:
    unigrams: dict[str, int]
    bigrams: dict[str, int]
    total: int
    #: Pair counts from the document (only set on a `with_document` copy).
    document_pairs: dict[str, int] = field(default_factory=dict)
    document_chars: dict[str, int] = field(default_factory=dict)
    #: Derived tables of the shipped counts a stage keeps with the model (never part of its
    #: scores): the same for every document, so a `with_document` copy shares them.
    cache: dict = field(default_factory=dict, compare=False, repr=False)
    #: Tables derived from this copy's document: its own, so they are freed with the copy when
    #: the stage that made it ends (held in `cache`, they stayed until the next document).
    document_cache: dict = field(default_factory=dict, compare=False, repr=False)
    #: unigram_logp by character, for this model and document only (a `with_document` copy
    #: starts its own): the repairs score the same characters many times.
    unigram_logps: dict = field(default_factory=dict, compare=False, repr=False)

    def count(self, ch: str) -> int:
        return self.unigrams.get(ch, 0)

    def pair_count(self, pair: str) -> int:
        return self.bigrams.get(pair, 0)

    def is_known(self, ch: str) -> bool:
        """The character occurs in some word of the model, or in the document."""
        return ch in self.unigrams or ch in self.document_chars

    def unigram_logp(self, ch: str) -> float:
        found = self.unigram_logps.get(ch)
        if found is None:
            found = self.unigram_logps[ch] = self._smoothed_logp(self.unigrams.get(ch, 0) + _DOCUMENT_CHAR_WEIGHT * self.document_chars.get(ch, 0))
        return found

    def _smoothed_logp(self, count: float) -> float:
        """The add-half unigram estimate of a character counted `count` times: the one formula
        of unigram_logp, its ceiling and its table over the BMP (they must give the same floats)."""
        return math.log((count + _UNIGRAM_ADDED) / (self.total + _UNIGRAM_ADDED * _UNIGRAM_VOCABULARY))

    def unigram_logp_ceiling(self, ch: str, uses: int) -> float:
        """The most `unigram_logp(ch)` can be in a `with_document` copy of this (shipped) model
        whose document uses `ch` at most `uses` times: the same expression with every use
        counted (floats rise with the count, so the computed value is a bound as well)."""
        return self._smoothed_logp(self.unigrams.get(ch, 0) + _DOCUMENT_CHAR_WEIGHT * uses)

    def pair_logp(self, first: str, second: str) -> float:
        """log P(second | first), interpolated with the unigram."""
        pair = first + second
        joint = self.bigrams.get(pair, 0) + _DOCUMENT_PAIR_WEIGHT * self.document_pairs.get(pair, 0)
        context = self.unigrams.get(first, 0) + _DOCUMENT_PAIR_WEIGHT * self.document_chars.get(first, 0)
        unigram = math.exp(self.unigram_logp(second))
        return math.log((joint + _BACKOFF_WEIGHT * unigram) / (context + _BACKOFF_WEIGHT))

    def unseen_pair_bound(self, first: str) -> float:
        """At least `pair_logp(first, second) - unigram_logp(second)` for every `second` whose
        pair with `first` neither the model nor the document has: such a pair is the unigram's
        share of the interpolation, log(_BACKOFF_WEIGHT / (context + _BACKOFF_WEIGHT)); the bound
        adds a margin far above the rounding of the floats."""
        context = self.unigrams.get(first, 0) + _DOCUMENT_PAIR_WEIGHT * self.document_chars.get(first, 0)
        return math.log(_BACKOFF_WEIGHT / (context + _BACKOFF_WEIGHT)) + 1e-9

    def pair_logp_rows(self, firsts, seconds) -> list[list[float]]:
        """`pair_logp(first, second)` for every first (rows) and second (columns), the same
        floats computed once per row and column where they can be: the naming of lost
        characters scores every candidate after every candidate."""
        bigrams, document_pairs = self.bigrams, self.document_pairs
        # As pair_logp: the unigram's share and the context are the same for a whole column / row.
        shares = [_BACKOFF_WEIGHT * math.exp(self.unigram_logp(second)) for second in seconds]
        rows = []
        for first in firsts:
            context = self.unigrams.get(first, 0) + _DOCUMENT_PAIR_WEIGHT * self.document_chars.get(first, 0) + _BACKOFF_WEIGHT
            row = []
            for second, share in zip(seconds, shares):
                pair = first + second
                joint = bigrams.get(pair, 0) + _DOCUMENT_PAIR_WEIGHT * document_pairs.get(pair, 0)
                row.append(math.log((joint + share) / context))
            rows.append(row)
        return rows

    def is_attested(self, first: str, second: str) -> bool:
        """The pair occurs inside a word of the model or in the document."""
        pair = first + second
        return pair in self.bigrams or pair in self.document_pairs

    def followers(self, first: str) -> frozenset:
        """The characters after `first` in a pair of the shipped model (the document's pairs
        not included), read from one slice of the pairs as sorted integer codes instead of
        testing candidates one by one. Kept with the model's derived tables."""
        return self._neighbours(first, "followers")

    def predecessors(self, second: str) -> frozenset:
        """The characters before `second` in a pair of the shipped model, likewise."""
        return self._neighbours(second, "predecessors")

    def _neighbours(self, ch: str, side: str) -> frozenset:
        table = self.cache.setdefault(side, {})
        found = table.get(ch)
        if found is None:
            if len(table) >= _MAX_NEIGHBOUR_ENTRIES:
                table.clear()
            found = table[ch] = frozenset(neighbours_in(self._pair_codes(side), ch))
        return found

    def _pair_codes(self, side: str) -> np.ndarray:
        """The shipped pairs as sorted integers, the first character's code point in the high
        bits (`followers`) or the second's (`predecessors`). Built once per model (~30 ms)."""
        name = f"{side}_codes"
        codes = self.cache.get(name)
        if codes is None:
            codes = self.cache[name] = pair_codes(self.bigrams, side)
        return codes

    def shipped_unigram_logps(self) -> np.ndarray:
        """`unigram_logp` of every code point of the Basic Multilingual Plane as the shipped
        counts alone give it, the same floats: what a `with_document` copy gives a character
        its document does not hold. Built once per model (~30 ms)."""
        table = self.cache.get("shipped_unigram_logps")
        if table is None:
            unigrams = self.unigrams
            table = self.cache["shipped_unigram_logps"] = np.array([self._smoothed_logp(unigrams.get(chr(code), 0)) for code in range(0x10000)])
        return table

    def score(self, text: str) -> float:
        """Sum of log P(c_i | c_{i-1}) over the text (the first character by its unigram)."""
        if not text:
            return 0.0
        total = self.unigram_logp(text[0])
        for first, second in zip(text, text[1:]):
            total += self.pair_logp(first, second)
        return total

    def with_document(self, text: str) -> "CharModel":
        """A copy that also knows the document's own characters and adjacent pairs."""
        # The Counters are kept as they are (a dict each; only .get, `in` and iteration read
        # them): a dict() copy held both tables at once, the stage's peak on a clean document.
        chars = Counter(text)
        # Counted over every pair, then the pairs with white space dropped: far fewer distinct
        # pairs than positions.
        pairs = Counter(map(operator.add, text, text[1:]))
        for pair in [pair for pair in pairs if pair[0].isspace() or pair[1].isspace()]:
            del pairs[pair]
        return CharModel(self.unigrams, self.bigrams, self.total, pairs, chars, self.cache)  # derived tables shared


def pair_codes(pairs, side: str) -> np.ndarray:
    """Pairs of characters (two-character strings) as sorted integers, 8 bytes a pair: the
    first character's code point in the high bits ("followers") or the second's
    ("predecessors"), so that `neighbours_in` reads one character's neighbours from a slice."""
    points = np.frombuffer("".join(pairs).encode("utf-32-le"), dtype=np.uint32).reshape(-1, 2).astype(np.uint64)
    high, low = (points[:, 0], points[:, 1]) if side == "followers" else (points[:, 1], points[:, 0])
    return np.sort(high << np.uint64(_CODE_BITS) | low)


def neighbours_in(codes: np.ndarray, ch: str) -> str:
    """The characters paired with `ch` in `pair_codes`' array, as one string in code order."""
    key = ord(ch) << _CODE_BITS
    low, high = np.searchsorted(codes, np.array([key, key + (1 << _CODE_BITS)], dtype=np.uint64)).tolist()
    return (codes[low:high] & ((1 << _CODE_BITS) - 1)).astype(np.uint32).tobytes().decode("utf-32-le")


@lru_cache(maxsize=1)
def load_charlm() -> CharModel:
    """The shipped model, read once per process from its arrays (MODEL_ARRAYS)."""
    unigrams, bigrams = read_model_arrays(resources.files("docrepair").joinpath(MODEL_ARRAYS).read_bytes())
    return CharModel(unigrams, bigrams, sum(unigrams.values()))


#: The model as the build writes it (tools/build_charlm.py): one line per count, the source of
#: truth; and the same counts as arrays, what is read at run time: parsing 445k lines took ~0.8 s
#: of every process's start (most of `docrepair fix` on one clean file), the arrays ~0.4 s.
MODEL_TSV = "data/charlm.tsv.gz"
MODEL_ARRAYS = "data/charlm.npy.gz"


def read_model_tsv(data: bytes) -> tuple[dict[str, int], dict[str, int]]:
    """Unigram and bigram counts from the gzipped TSV, in the file's order."""
    unigrams: dict[str, int] = {}
    bigrams: dict[str, int] = {}
    for line in gzip.decompress(data).decode("utf-8").splitlines():
        if line.startswith("#"):
            continue
        kind, key, count = line.split("\t")
        (unigrams if kind == "1" else bigrams)[key] = int(count)
    return unigrams, bigrams


def write_model_arrays(unigrams: dict[str, int], bigrams: dict[str, int]) -> bytes:
    """The counts as four .npy arrays in one gzip stream (no time stamp: the same bytes for the
    same counts): the unigrams' code points and counts, the bigrams' code points (two a pair)
    and counts, each in the dicts' order."""
    if any(len(key) != 1 for key in unigrams) or any(len(key) != 2 for key in bigrams):
        raise ValueError("a unigram is one character and a bigram two")
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9, mtime=0, filename="") as stream:
        for keys, counts in ((unigrams, unigrams.values()), (bigrams, bigrams.values())):
            np.save(stream, np.frombuffer("".join(keys).encode("utf-32-le"), dtype="<u4"), allow_pickle=False)
            np.save(stream, np.fromiter(counts, dtype="<i8", count=len(keys)), allow_pickle=False)
    return buffer.getvalue()


def read_model_arrays(data: bytes) -> tuple[dict[str, int], dict[str, int]]:
    """The counts write_model_arrays wrote: the same dicts, in the same order."""
    stream = io.BytesIO(gzip.decompress(data))
    unigram_codes, unigram_counts, bigram_codes, bigram_counts = (np.load(stream, allow_pickle=False) for _ in range(4))
    unigrams = dict(zip(unigram_codes.astype("<u4").tobytes().decode("utf-32-le"), unigram_counts.tolist()))
    pairs = bigram_codes.astype("<u4").tobytes().decode("utf-32-le")
    bigrams = dict(zip([pairs[at : at + 2] for at in range(0, len(pairs), 2)], bigram_counts.tolist()))
    return unigrams, bigrams
