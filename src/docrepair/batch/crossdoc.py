"""Cross-document near-duplicates: the copies of one document that many mirror sites published.

Each document is *signed* where it is repaired (in the worker): a MinHash signature of the
character shingles of its script-folded key (datasketch's affine32 scheme, fixed seed), the
hashes of its sentences' openings (the smallest `max_heads` of them) and how much distinct text
it has. Only signatures cross process boundaries, and the index keeps them as a few numpy arrays
(~500 bytes a document), not as objects. Clustering (batch/clustering.py) proposes candidates by
LSH banding and verifies each document against the kept document of a cluster itself, so copies
never chain into a cluster whose kept copy they do not match. Clusters, their members and their
kept member are ordered by document id, never by hash or arrival order, so the clusters do not
depend on --jobs or the engine.
"""

from __future__ import annotations

import base64
import json
import re
import unicodedata
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from ..sketch import fmix32, minhash_by_owner, ngram_hashes, shingle_hashes
from .clustering import KeeperRule, assign_keepers, concatenated_ranges, sorted_distinct


@dataclass(frozen=True)
class CrossDocConfig:
    #: 5-character shingles: long enough that two different notices rarely share many, short
    #: enough that a copy with a few changed characters keeps most of them.
    shingle_chars: int = 5
    #: Permutations and seed as in the in-document stage (DedupConfig); 64 permutations are
    #: enough at document level, where verification follows (LSH only proposes candidates).
    num_perm: int = 64
    seed: int = 1
    #: A shingle is signed when the top `sample_bits` bits of its mixed hash are zero: the
    #: same shingles in every document, so Jaccard is preserved in expectation while the
    #: MinHash work drops 2**sample_bits times (it was most of the signing time).
    sample_bits: int = 3
    #: Documents with fewer sampled shingles than this are signed on all of them (too few
    #: for a sample to estimate anything).
    min_sampled_shingles: int = 32
    #: Key characters signed at most: bounds the cost of one huge page.
    max_key_chars: int = 50_000
    #: Estimated Jaccard at which LSH proposes a candidate (21 bands of 3 rows), and the least
    #: share of MinHash values a document and the kept copy it joins must agree on. On the
    #: benchmark's archive a copy agrees with its kept copy on 27 of 64 values and more (0.1th
    #: percentile), different documents in one bucket on at most 13; at 0.5 (14 bands of 4
    #: rows) LSH missed one copy in four that agreed on half the values.
    jaccard_threshold: float = 0.3
    #: The least share of a document's sentences (their openings) that the kept copy it joins
    #: must hold. On the benchmark's archive a copy holds 0.73 and more of its sentences in its
    #: kept copy (0.1th percentile), a different document in one bucket at most 0.28.
    min_containment: float = 0.6
    #: Key characters of a sentence that stand for it (its opening), and how many sentence
    #: hashes a signature keeps at most (the smallest: a bottom-k sample, so two signatures
    #: compare on the same sentences).
    head_chars: int = 8
    max_heads: int = 128
    #: Kept copies a document is verified against at most (the most complete first): a bucket
    #: of thousands of members costs each of them this many checks, never one per member.
    max_candidates: int = 8


@dataclass(frozen=True)
class Signature:
    """One document's signature."""

    minhash: np.ndarray  # (num_perm,) uint32
    heads: np.ndarray  # sorted distinct uint32 hashes of its sentences' openings (the smallest max_heads)
    length: int  # key characters of the distinct sentences: how complete a copy is

    def to_dict(self) -> dict:
        return {"minhash": _base64(self.minhash), "heads": _base64(self.heads), "length": self.length}

    @classmethod
    def from_dict(cls, data: dict, config: "CrossDocConfig" = CrossDocConfig()) -> "Signature":
        minhash = np.frombuffer(base64.b64decode(data["minhash"]), dtype="<u4").astype(np.uint32)
        if "heads" in data:
            heads = np.frombuffer(base64.b64decode(data["heads"]), dtype="<u4").astype(np.uint32)
        else:  # a marker written before heads: its digest is the openings, space-separated
            openings = [head[: config.head_chars] for head in data["digest"].split()]
            owners = np.zeros(len(openings), dtype=np.int64)
            heads = _bottom_heads(_head_hashes(openings, config.head_chars), owners, 1, config.max_heads)[0]
        return cls(minhash, heads, int(data["length"]))


@dataclass(frozen=True)
class SignatureBlock:
    """The signatures of `count` documents as arrays: what workers send and the index keeps."""

    minhash: np.ndarray  # (count, num_perm) uint32
    head_counts: np.ndarray  # (count,) int64: each document's run in `heads`
    heads: np.ndarray  # uint32, the documents' sorted head hashes one after another
    lengths: np.ndarray  # (count,) int64

    @property
    def count(self) -> int:
        return int(self.lengths.size)

    def head_offsets(self) -> np.ndarray:
        return np.concatenate(([0], np.cumsum(self.head_counts)))

    def signature(self, index: int) -> Signature:
        offsets = self.head_offsets()
        return Signature(self.minhash[index], self.heads[offsets[index] : offsets[index + 1]], int(self.lengths[index]))

    @classmethod
    def of(cls, signatures: Sequence[Signature], num_perm: int) -> "SignatureBlock":
        minhash = np.stack([s.minhash for s in signatures]) if signatures else np.zeros((0, num_perm), dtype=np.uint32)
        heads = np.concatenate([s.heads for s in signatures]) if signatures else np.zeros(0, dtype=np.uint32)
        counts = np.array([s.heads.size for s in signatures], dtype=np.int64)
        return cls(minhash, counts, heads.astype(np.uint32), np.array([s.length for s in signatures], dtype=np.int64))

    @classmethod
    def joined(cls, blocks: Sequence["SignatureBlock"], num_perm: int) -> "SignatureBlock":
        if not blocks:
            return cls.of([], num_perm)
        return cls(*(np.concatenate([getattr(b, name) for b in blocks]) for name in ("minhash", "head_counts", "heads", "lengths")))

    def take(self, rows: np.ndarray) -> "SignatureBlock":
        """The signatures of `rows`, in that order."""
        counts = self.head_counts[rows]
        heads = self.heads[concatenated_ranges(self.head_offsets()[rows], counts)]
        return SignatureBlock(self.minhash[rows], counts, heads, self.lengths[rows])


@dataclass(frozen=True)
class Cluster:
    id: str
    members: list[str]  # sorted ids
    kept: str  # most complete member, ties to the smallest id
    scores: dict[str, float]  # "kept|member" -> per cent of the member's sentences the kept copy holds


def _base64(values: np.ndarray) -> str:
    return base64.b64encode(values.astype("<u4").tobytes()).decode("ascii")


# -- signing (runs in the workers) ---------------------------------------------------------------

#: Sentence ends and line breaks: a signature is made of sentences, which survive lines glued or
#: broken by a scrape.
_SENTENCE_BREAKS = "。！？；!?;\n\r"
_WORD = re.compile(r"\w")
#: In the fold table: the character is dropped (punctuation, space, symbol), or ends a sentence.
_DROP, _BREAK = 0, 1


@lru_cache(maxsize=1)
def _fold_table() -> np.ndarray:
    """For every BMP code point, its folded form: NFKC, then OpenCC traditional→simplified,
    punctuation and symbols dropped, sentence ends marked. Built once per process (~0.1 s).

    Per character, not per text: converting each document with OpenCC and NFKC and a regex
    cost ~0.6 ms, most of the signing budget; a table lookup in numpy costs ~10 µs. Phrase-level
    choices (乾/干) and NFKC expansions to several characters (㎏ → kg keeps k) do not matter
    to a similarity estimate."""
    from ..keys import to_simplified

    table = np.zeros(0x10000, dtype=np.uint32)
    folded: dict[int, str] = {}
    for code in range(0x10000):
        if 0xD800 <= code < 0xE000:
            continue  # surrogates are not characters
        char = chr(code)
        if char in _SENTENCE_BREAKS:
            table[code] = _BREAK
            continue
        words = _WORD.findall(unicodedata.normalize("NFKC", char))
        if words:
            folded[code] = words[0]
    simplified = to_simplified("\n".join(folded.values())).split("\n")
    for (code, char), converted in zip(folded.items(), simplified):
        table[code] = ord(converted if len(converted) == 1 else char)
    return table


@lru_cache(maxsize=1)
def _fold_table_all() -> np.ndarray:
    """_fold_table for every code point: beyond the BMP (rare Han extensions) characters stay as
    they are. One lookup for any text (4.4 MB, of which a text touches a few pages): checking for
    such characters and treating them apart cost twice the lookup, and pages with one are many."""
    return np.concatenate((_fold_table(), np.arange(0x10000, 0x110000, dtype=np.uint32)))


def _folded(text: str) -> np.ndarray:
    """The fold table applied to each code point; beyond the BMP (rare Han extensions)
    characters stay as they are."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    # Indices as intp first: numpy casts uint32 indices while gathering, which took 2.5 times
    # as long as the cast and the gather apart.
    return _fold_table_all()[codes.astype(np.intp)]


def sentence_keys(text: str) -> list[str]:
    """The script-, width- and punctuation-folded key of each sentence, in order."""
    folded = _folded(text)
    joined = folded[folded != _DROP].tobytes().decode("utf-32-le", "surrogatepass")
    return [key for key in joined.split(chr(_BREAK)) if key]


def sign_text(text: str, config: CrossDocConfig = CrossDocConfig()) -> Signature:
    return sign_texts([text], config).signature(0)


def sign_texts(texts: Sequence[str], config: CrossDocConfig = CrossDocConfig()) -> SignatureBlock:
    """The signatures of many texts in one pass of numpy: no Python work per sentence, and the
    per-call cost of numpy is paid once per block instead of once per document."""
    count = len(texts)
    folded = _folded("".join(texts))
    text_ends = np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=count))
    # The key: the texts' folded characters without the dropped ones and the sentence breaks,
    # which are few, so they are placed in the key by their positions alone.
    in_key = folded > _BREAK
    others = np.flatnonzero(~in_key)
    codes = folded[in_key]
    breaks = (others - np.arange(others.size))[folded[others] == _BREAK]  # key characters before each
    ends = text_ends - np.searchsorted(others, text_ends)
    sizes = np.diff(ends, prepend=0)
    # Sentences: runs of key characters between breaks, never across two texts (from the breaks
    # and the texts' ends, not by passes over every character).
    starts = np.sort(np.concatenate((breaks, ends - sizes)))
    stops = np.sort(np.concatenate((breaks, ends)))
    sentence = stops > starts
    starts, stops = starts[sentence], stops[sentence]
    owner = _owners(starts, ends)
    sums = _weighted_sums(codes)
    sentences = _span_hashes(sums, starts, stops)
    # Each distinct sentence once: mirrors repeat runs of clauses.
    order = _by_owner_then_value(owner, sentences, count)
    distinct = order[np.r_[True, (np.diff(owner[order]) != 0) | (np.diff(sentences[order]) != 0)]] if order.size else order
    lengths = np.bincount(owner[distinct], weights=(stops - starts)[distinct], minlength=count).astype(np.int64)
    # Openings, sorted and distinct: mirrors scramble clauses, and a copy must still match its
    # source in any order.
    openings = _span_hashes(sums, starts[distinct], np.minimum(stops[distinct], starts[distinct] + config.head_chars))
    head_hashes, head_counts = _bottom_heads(_fold64(openings), owner[distinct], count, config.max_heads)
    return SignatureBlock(_minhash_texts(codes, sizes, config), head_counts, head_hashes, lengths)


def _by_owner_then_value(owner: np.ndarray, values: np.ndarray, owners: int) -> np.ndarray:
    """np.lexsort((values, owner)): the same order, from a stable sort of the values and then a
    stable sort of their owners, which numpy does by radix when they fit 16 bits (two thirds of
    lexsort's time on a block's sentences)."""
    by_value = np.argsort(values, kind="stable")
    narrow = owner[by_value].astype(np.uint16 if owners <= 1 << 16 else np.int64)
    return by_value[np.argsort(narrow, kind="stable")]


def _owners(positions: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """For each of the sorted `positions`, the run it lies in (runs ending at `ends`): the runs'
    ends are looked up among the positions, not each position among the ends (a few hundred
    searches, not one per position)."""
    return np.repeat(np.arange(ends.size), np.diff(np.searchsorted(positions, ends), prepend=0))


#: The base of the polynomial hash of a span of code points, and its inverse modulo 2**64
#: (it is odd, so it has one): the FNV-1a 64-bit prime.
_SPAN_BASE = 0x100000001B3
_SPAN_BASE_INVERSE = pow(_SPAN_BASE, -1, 2**64)


@lru_cache(maxsize=4)
def _powers(size: int) -> tuple[np.ndarray, np.ndarray]:
    """_SPAN_BASE**j and its inverse for j < size (uint64, wrapping)."""
    with np.errstate(over="ignore"):
        up = np.cumprod(np.full(size, _SPAN_BASE, dtype=np.uint64)) * np.uint64(_SPAN_BASE_INVERSE)
        down = np.cumprod(np.full(size, _SPAN_BASE_INVERSE, dtype=np.uint64)) * np.uint64(_SPAN_BASE)
    return up, down


def _weighted_sums(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Prefix sums of code * base**position, and the inverse powers: any span's hash is then
    two lookups (_span_hashes), however many spans there are."""
    size = 1 << max(16, int(codes.size).bit_length())  # powers of two: few tables over a run
    up, down = _powers(size)
    prefix = np.zeros(codes.size + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):  # in place: the products and the sums in one array
        np.multiply(codes, up[: codes.size], out=prefix[1:])
        np.cumsum(prefix[1:], out=prefix[1:])
    return prefix, down


def _span_hashes(sums: tuple[np.ndarray, np.ndarray], starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """The polynomial hash (sum of code * base**offset, modulo 2**64) of each span [start, stop):
    the same for the same characters wherever they stand."""
    prefix, down = sums
    with np.errstate(over="ignore"):
        return (prefix[stops] - prefix[starts]) * down[starts]


def _fold64(hashes: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return fmix32((hashes ^ (hashes >> np.uint64(32))).astype(np.uint32))


def _head_hashes(heads: Sequence[str], chars: int = 8) -> np.ndarray:
    """The 32-bit hash sign_texts gives each sentence opening (at most `chars` characters)."""
    sizes = np.fromiter((min(len(head), chars) for head in heads), dtype=np.int64, count=len(heads))
    codes = np.frombuffer("".join(head[:chars] for head in heads).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    stops = np.cumsum(sizes)
    return _fold64(_span_hashes(_weighted_sums(codes), stops - sizes, stops))


def _bottom_heads(hashes: np.ndarray, owners: np.ndarray, count: int, max_heads: int) -> tuple[np.ndarray, np.ndarray]:
    """Per owner, its distinct hashes sorted and only the `max_heads` smallest: the hashes one
    owner after another, and how many each owner has."""
    pairs = np.sort((owners.astype(np.uint64) << np.uint64(32)) | hashes.astype(np.uint64))
    pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]] if pairs.size else pairs  # np.unique hashes: slower
    owner = (pairs >> np.uint64(32)).astype(np.int64)
    first = np.searchsorted(owner, owner, side="left")
    keep = np.arange(pairs.size) - first < max_heads
    return (pairs[keep] & np.uint64(0xFFFFFFFF)).astype(np.uint32), np.bincount(owner[keep], minlength=count).astype(np.int64)


def _minhash_texts(codes: np.ndarray, sizes: np.ndarray, config: CrossDocConfig) -> np.ndarray:
    """datasketch's MinHash(num_perm, seed, scheme="affine32") of each text's sampled shingle
    set: the shingles of its key (`codes`: its sentences joined, repeats included: a repeat adds
    no new shingle to the set) up to `max_key_chars`; `sizes` are the keys' lengths."""
    count = sizes.size
    ends = np.cumsum(sizes)
    starts = ends - sizes
    capped = np.minimum(sizes, config.max_key_chars)
    size = config.shingle_chars
    hashes = ngram_hashes(codes, size) if codes.size >= size else np.zeros(0, dtype=np.uint32)
    # A shingle counts when it lies wholly inside its own text's capped key: those starting in
    # the last size - 1 characters of a key, or past its cap, do not.
    inside = np.ones(hashes.size, dtype=bool)
    tails = (starts + capped)[:, None] - np.arange(1, size)[None, :]
    tails = tails[(tails >= starts[:, None]) & (tails < hashes.size)]
    inside[tails] = False
    for text in np.flatnonzero(capped < sizes).tolist():
        inside[starts[text] + capped[text] : ends[text]] = False
    mixed = fmix32(hashes)
    chosen = inside
    if config.sample_bits:
        # Sampled first, so only the sampled shingles are assigned to their texts. The top
        # sample_bits bits are zero exactly when the value is below 2**(32 - sample_bits).
        chosen = inside & (mixed < np.uint32(1 << (32 - config.sample_bits)))
    positions = np.flatnonzero(chosen)
    owner = _owners(positions, ends)
    if config.sample_bits:
        too_few = np.flatnonzero(np.bincount(owner, minlength=count) < config.min_sampled_shingles).tolist()
        for text in too_few:
            chosen[starts[text] : ends[text]] = inside[starts[text] : ends[text]]  # too few sampled: all
        if too_few:
            positions = np.flatnonzero(chosen)
            owner = _owners(positions, ends)
    mixed = mixed[positions]
    short = np.flatnonzero((capped > 0) & (capped < size))
    if short.size:  # a key shorter than a shingle is one shingle (sketch.shingle_hashes)
        extra = np.concatenate([fmix32(shingle_hashes(codes[starts[i] : starts[i] + capped[i]].tobytes().decode("utf-32-le", "surrogatepass"), size)) for i in short.tolist()])
        order = np.argsort(np.concatenate((owner, short)), kind="stable")
        mixed, owner = np.concatenate((mixed, extra))[order], np.concatenate((owner, short))[order]
    return minhash_by_owner(mixed, owner, count, config.num_perm, config.seed)


# -- clustering (runs where the results are gathered) -------------------------------------------


class CrossDocIndex:
    """One signature per document, gathered as a batch runs (into blocks of arrays); clustered
    at the end. A document added twice keeps its last signature."""

    _BLOCK = 4096  # single signatures gathered before they become one block of arrays

    def __init__(self, config: CrossDocConfig = CrossDocConfig()) -> None:
        self.config = config
        self._ids: list[str] = []
        self._blocks: list[SignatureBlock] = []
        self._pending: list[Signature] = []

    def __len__(self) -> int:
        return len(set(self._ids))

    def add(self, document_id: str, signature: Signature) -> None:
        self._ids.append(document_id)
        self._pending.append(signature)
        if len(self._pending) >= self._BLOCK:
            self._flush()

    def add_block(self, document_ids: Sequence[str], block: SignatureBlock) -> None:
        self._flush()
        self._ids += document_ids
        self._blocks.append(block)

    def add_text(self, document_id: str, text: str) -> None:
        self.add(document_id, sign_text(text, self.config))

    def _flush(self) -> None:
        if self._pending:
            self._blocks.append(SignatureBlock.of(self._pending, self.config.num_perm))
            self._pending = []

    def _gathered(self) -> tuple[list[str], SignatureBlock]:
        """The ids sorted (stable order: by id, never by arrival) with the last signature of each."""
        self._flush()
        block = SignatureBlock.joined(self._blocks, self.config.num_perm)
        self._blocks = [block]  # the blocks' arrays are freed: one copy of the signatures, not two
        ids = self._ids
        if all(a < b for a, b in zip(ids, ids[1:])):  # added in order once each (the common case): no copy
            return list(ids), block
        last = {document_id: row for row, document_id in enumerate(ids)}
        ids = sorted(last)
        return ids, block.take(np.array([last[i] for i in ids], dtype=np.int64))

    def clusters(self) -> list[Cluster]:
        ids, block = self._gathered()
        if len(ids) < 2:
            return []
        config = self.config
        rule = KeeperRule(config.jaccard_threshold, config.min_containment, config.max_candidates, config.max_heads)
        keepers, containment = assign_keepers(block.minhash, block.heads, block.head_offsets(), block.lengths, rule)
        return _clusters(ids, keepers, containment)


def _clusters(ids: list[str], keepers: np.ndarray, containment: np.ndarray) -> list[Cluster]:
    """Each kept document with the members that joined it, ordered by their smallest id."""
    members = np.flatnonzero(keepers != np.arange(keepers.size))
    if not members.size:
        return []
    groups = np.concatenate((members, sorted_distinct(keepers[members])))
    kept_of = keepers[groups]
    order = np.lexsort((groups, kept_of))  # by kept document, then member
    groups, kept_of = groups[order], kept_of[order]
    starts = np.flatnonzero(np.r_[True, kept_of[1:] != kept_of[:-1]])
    ends = np.r_[starts[1:], groups.size]
    # Clusters by their smallest member (each group's first): a document is in one cluster only.
    by_smallest = np.argsort(groups[starts], kind="stable").tolist()
    flat, kept_list, starts_list, ends_list = groups.tolist(), kept_of[starts].tolist(), starts.tolist(), ends.tolist()
    clusters = []
    held = containment.tolist()  # Python floats: the same values, without a numpy scalar each
    per_cent = {share: round(share * 100, 2) for share in set(held)}  # shares of small counts: few distinct
    for number, cluster in enumerate(by_smallest):
        group = flat[starts_list[cluster] : ends_list[cluster]]
        kept = kept_list[cluster]
        kept_id = ids[kept]
        scores = {f"{kept_id}|{ids[m]}": per_cent[held[m]] for m in group if m != kept}
        clusters.append(Cluster(f"c{number + 1:05d}", [ids[m] for m in group], kept_id, scores))
    return clusters


# -- what each mode writes ------------------------------------------------------------------------


def cluster_record(cluster: Cluster) -> dict:
    return {"cluster": cluster.id, "members": cluster.members, "kept": cluster.kept, "scores": cluster.scores}


def clusters_jsonl(clusters: Sequence[Cluster]) -> str:
    return "".join(json.dumps(cluster_record(c), ensure_ascii=False) + "\n" for c in clusters)


def write_clusters(path: Path, clusters: Sequence[Cluster], config: CrossDocConfig = CrossDocConfig()) -> None:
    """clusters.jsonl, and beside it in .docrepair/crossdoc.json the configuration (seed,
    permutations, thresholds) the clusters were made with."""
    from ..files import write_atomic

    write_atomic(path, clusters_jsonl(clusters).encode("utf-8"))
    settings = path.parent / ".docrepair" / "crossdoc.json"
    settings.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(settings, (json.dumps({"config": asdict(config)}, sort_keys=True) + "\n").encode("utf-8"))


def set_aside_duplicates(root: Path, clusters: Sequence[Cluster], relpaths: dict[str, str]) -> int:
    """Keep one member per cluster in OUTDIR: the others' outputs move under
    .docrepair/duplicates/ (nothing is deleted) and duplicates.jsonl says which kept copy each
    one gave way to. Running it again (a resumed run) moves nothing twice."""
    from ..files import write_atomic

    moved, lines = 0, []
    for cluster in clusters:
        _restore(root, relpaths.get(cluster.kept))  # set aside by an earlier run, kept now
        for member in cluster.members:
            if member == cluster.kept or member not in relpaths:
                continue
            source = root / relpaths[member]
            target = root / ".docrepair" / "duplicates" / relpaths[member]
            if source.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                source.replace(target)
                moved += 1
            record = {"id": member, "cluster": cluster.id, "kept": cluster.kept, "moved_to": target.relative_to(root).as_posix()}
            lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    write_atomic(root / "duplicates.jsonl", "".join(lines).encode("utf-8"))
    return moved


def _restore(root: Path, relpath: str | None) -> None:
    if relpath is None:
        return
    aside = root / ".docrepair" / "duplicates" / relpath
    if aside.exists() and not (root / relpath).exists():
        (root / relpath).parent.mkdir(parents=True, exist_ok=True)
        aside.replace(root / relpath)


