"""Cross-document near-duplicates: the copies of one document that many mirror sites published.

Each document is *signed* where it is repaired (in the worker): a MinHash signature of the
character shingles of its script-folded key (datasketch's affine32 scheme, fixed seed) and a
short *digest* (the first characters of each distinct sentence). Only signatures cross process
boundaries and stay in memory; LSH banding proposes pairs, the signatures' agreement and then
rapidfuzz on the digests confirm them, union-find joins them. Clusters, their members and their
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
from rapidfuzz import fuzz

from ..sketch import BandParams, _fmix32, band_params, permutations, shingle_hashes


@dataclass(frozen=True)
class CrossDocConfig:
    #: 5-character shingles: long enough that two different notices rarely share many, short
    #: enough that a copy with a few changed characters keeps most of them.
    shingle_chars: int = 5
    #: Permutations and seed as in the in-document stage (DedupConfig); 64 permutations are
    #: enough at document level, where verification follows (LSH only proposes pairs).
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
    #: Estimated Jaccard at which LSH proposes a pair and the signatures must agree.
    jaccard_threshold: float = 0.5
    #: rapidfuzz token_set_ratio (0..100) of the digests that confirms a pair. On the benchmark's
    #: archive copies of one document score 80 and more (0.5th percentile), different documents
    #: under 58 (the highest of all LSH candidates).
    min_ratio: float = 70.0
    #: Key characters of each distinct sentence in the digest, and the digest's cap
    #: (memory: about 2 bytes per character per document).
    digest_chars_per_sentence: int = 8
    max_digest_chars: int = 900


@dataclass(frozen=True)
class Signature:
    minhash: np.ndarray  # (num_perm,) uint32
    digest: str  # the first characters of each distinct sentence key, sorted, space-separated
    length: int  # key characters of the distinct sentences: how complete a copy is

    def to_dict(self) -> dict:
        raw = self.minhash.astype("<u4").tobytes()
        return {"minhash": base64.b64encode(raw).decode("ascii"), "digest": self.digest, "length": self.length}

    @classmethod
    def from_dict(cls, data: dict) -> "Signature":
        values = np.frombuffer(base64.b64decode(data["minhash"]), dtype="<u4").astype(np.uint32)
        return cls(values, data["digest"], int(data["length"]))


@dataclass(frozen=True)
class Cluster:
    id: str
    members: list[str]  # sorted ids
    kept: str  # most complete member, ties to the smallest id
    scores: dict[str, float]  # "a|b" -> rapidfuzz score of each confirmed pair that joined the cluster


# -- signing (runs in the workers) ---------------------------------------------------------------

#: Sentence ends and line breaks: a digest is made of sentences, which survive lines glued or
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


def sentence_keys(text: str) -> list[str]:
    """The script-, width- and punctuation-folded key of each sentence, in order."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    # Beyond the BMP (rare Han extensions) characters stay as they are.
    folded = np.where(codes < 0x10000, _fold_table()[np.minimum(codes, 0xFFFF)], codes)
    joined = folded[folded != _DROP].tobytes().decode("utf-32-le", "surrogatepass")
    return [key for key in joined.split(chr(_BREAK)) if key]


def sign_text(text: str, config: CrossDocConfig = CrossDocConfig()) -> Signature:
    keys = sentence_keys(text)
    distinct = list(dict.fromkeys(keys))  # first occurrences, in order
    # Sorted: mirrors scramble clauses, and a copy must still match its source in any order.
    heads = sorted({key[: config.digest_chars_per_sentence] for key in distinct})
    digest = " ".join(heads)[: config.max_digest_chars]
    # Shingles over the whole key, repeats included: a repeat adds no new shingle to the set.
    key = "".join(keys)[: config.max_key_chars]
    return Signature(_minhash(key, config), digest, sum(map(len, distinct)))


def _minhash(key: str, config: CrossDocConfig) -> np.ndarray:
    """datasketch's MinHash(num_perm, seed, scheme="affine32") of the sampled shingle set."""
    a, b = permutations(config.num_perm, config.seed)
    # Repeated shingles are left in: they cannot change a minimum, and removing them cost more.
    mixed = _fmix32(shingle_hashes(key, config.shingle_chars))
    if not mixed.size:
        return np.full(config.num_perm, 0xFFFFFFFF, dtype=np.uint32)
    sampled = mixed[(mixed >> np.uint32(32 - config.sample_bits)) == 0] if config.sample_bits else mixed
    if sampled.size >= config.min_sampled_shingles:
        mixed = sampled
    with np.errstate(over="ignore"):
        return (a[:, None] * mixed[None, :] + b[:, None]).min(axis=1)


# -- clustering (runs where the results are gathered) -------------------------------------------


class CrossDocIndex:
    """One signature per document, gathered as a batch runs; clustered at the end."""

    def __init__(self, config: CrossDocConfig = CrossDocConfig()) -> None:
        self.config = config
        self._signatures: dict[str, Signature] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def add(self, document_id: str, signature: Signature) -> None:
        self._signatures[document_id] = signature

    def add_text(self, document_id: str, text: str) -> None:
        self.add(document_id, sign_text(text, self.config))

    def clusters(self) -> list[Cluster]:
        ids = sorted(self._signatures)  # stable order: by id, never by arrival
        if len(ids) < 2:
            return []
        signatures = [self._signatures[i] for i in ids]
        groups, scores = self._link(np.stack([s.minhash for s in signatures]), [s.digest for s in signatures])
        group_of = {member: number for number, members in enumerate(groups) for member in members}
        by_group: dict[int, dict[str, float]] = {}
        for (a, b), score in sorted(scores.items()):
            by_group.setdefault(group_of[a], {})[f"{ids[a]}|{ids[b]}"] = score
        return [_cluster(number, members, ids, signatures, by_group.get(number, {})) for number, members in enumerate(groups)]

    def _link(self, matrix: np.ndarray, digests: list[str]) -> tuple[list[list[int]], dict[tuple[int, int], float]]:
        """Groups of documents joined by confirmed pairs, and the score of each pair that joined
        two groups. Candidates come sorted, so which pairs are scored (and recorded) does not
        depend on arrival order; a pair already joined through others is not scored again."""
        config = self.config
        first, second = band_pairs(matrix, band_params(config.jaccard_threshold, config.num_perm))
        links = UnionFind(matrix.shape[0])
        scores: dict[tuple[int, int], float] = {}
        if first.size:
            # The signatures' agreement estimates Jaccard for free: only pairs that pass it
            # reach rapidfuzz.
            agree = np.count_nonzero(matrix[first] == matrix[second], axis=1) >= config.jaccard_threshold * config.num_perm
            for i, j in zip(first[agree].tolist(), second[agree].tolist()):
                if links.find(i) == links.find(j):
                    continue
                # token_set_ratio: order-free, and a copy that lost its second half (a subset
                # of the sentences) still scores 100 against the whole.
                score = fuzz.token_set_ratio(digests[i], digests[j], score_cutoff=config.min_ratio)
                if score:
                    scores[(i, j)] = round(score, 2)
                    links.union(i, j)
        return links.groups(), scores


def band_pairs(signatures: np.ndarray, params: BandParams, max_bucket: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """The pairs sketch.candidate_pairs gives (i < j, sorted, a bucket over `max_bucket` pairs
    only neighbours), as two index arrays built with numpy: at archive scale its Python set of
    tuples was half the clustering time. A test checks that the two agree."""
    count = signatures.shape[0]
    codes: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    for band in range(params.bands):
        block = np.ascontiguousarray(signatures[:, band * params.rows : (band + 1) * params.rows])
        keys = block.view(np.dtype((np.void, block.dtype.itemsize * params.rows))).ravel()
        order = np.argsort(keys, kind="stable")  # stable: a bucket's members stay in index order
        sorted_keys = keys[order]
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        sizes = np.diff(np.r_[starts, count])
        for size in np.unique(sizes[sizes > 1]).tolist():
            bucket_starts = starts[sizes == size]
            if size > max_bucket:  # neighbours only: one text repeated 100k times stays linear
                left = (bucket_starts[:, None] + np.arange(size - 1)[None, :]).ravel()
                right = left + 1
            else:
                upper, lower = np.triu_indices(size, 1)
                left = (bucket_starts[:, None] + upper[None, :]).ravel()
                right = (bucket_starts[:, None] + lower[None, :]).ravel()
            codes.append(order[left].astype(np.int64) * count + order[right])
    unique = np.unique(np.concatenate(codes))
    return unique // count, unique % count


def _cluster(number: int, members: list[int], ids: list[str], signatures: list[Signature], scores: dict[str, float]) -> Cluster:
    kept = min(members, key=lambda m: (-signatures[m].length, ids[m]))
    return Cluster(f"c{number + 1:05d}", [ids[m] for m in members], ids[kept], scores)


class UnionFind:
    """The root of a group is always its smallest index, so groups do not depend on the order
    of the unions."""

    def __init__(self, count: int) -> None:
        self.parent = list(range(count))

    def find(self, index: int) -> int:
        parent = self.parent
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    def union(self, i: int, j: int) -> None:
        root_i, root_j = self.find(i), self.find(j)
        if root_i != root_j:
            self.parent[max(root_i, root_j)] = min(root_i, root_j)

    def groups(self) -> list[list[int]]:
        """Groups of two or more, each sorted, ordered by their smallest index."""
        groups: dict[int, list[int]] = {}
        for index in range(len(self.parent)):
            groups.setdefault(self.find(index), []).append(index)
        return sorted((members for members in groups.values() if len(members) > 1), key=lambda m: m[0])


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


# -- merge: one best document per cluster, clause by clause ------------------------------------


@dataclass(frozen=True)
class MergedClause:
    """Where one line of a merged document came from."""

    unit: int
    role: str
    marker: str
    number: int | None
    text: str  # the line's first characters
    source: str | None  # the copy whose text the line is (None: text the repair inserted)
    source_span: list[int] | None  # [start, end) in that copy's clean text
    also_in: list[str]  # other copies that held this clause (their copies were dropped)
    sentences_from: list[str]  # copies that added sentences to it (merge notes)

    def to_dict(self) -> dict:
        record = asdict(self)
        record["from"] = record.pop("source")
        record["from_span"] = record.pop("source_span")
        return record


def _restore(root: Path, relpath: str | None) -> None:
    if relpath is None:
        return
    aside = root / ".docrepair" / "duplicates" / relpath
    if aside.exists() and not (root / relpath).exists():
        (root / relpath).parent.mkdir(parents=True, exist_ok=True)
        aside.replace(root / relpath)


def merge_clusters(root: Path, clusters: Sequence[Cluster], relpaths: dict[str, str], config) -> int:
    """Rebuild each cluster's best document from all its copies' clean texts in OUTDIR.

    The copies, the kept (most complete) one first and the rest by id, go through the repair
    once more as one text. Its stages then do the clause-by-clause work: dedup keeps each
    clause's most complete copy (the longest key, so a garbled copy, whose □ are not part of
    its key, gives way to a whole one; ties to the kept copy), merge adds sentences only some
    copies hold, and order puts a clause that one copy lost back in its numbered place.
    merged/<cluster>.txt is the document, merged/<cluster>.jsonl names for every line the copy
    it came from, and merged/<cluster>.notes.jsonl holds the repair's notes."""
    written = 0
    for cluster in clusters:
        members = [cluster.kept] + [m for m in cluster.members if m != cluster.kept]
        copies = [(m, (root / relpaths[m]).read_text(encoding="utf-8")) for m in members if m in relpaths and (root / relpaths[m]).exists()]
        if len(copies) >= 2:
            _write_merged(root / "merged", cluster.id, copies, config)
            written += 1
    return written


def merge_copies(copies: Sequence[tuple[str, str]], config):
    """The repair of the copies joined, and the clause-by-clause provenance of its output."""
    from .. import repair_text

    texts = [text.rstrip("\n") for _, text in copies]
    starts = [sum(len(t) + 1 for t in texts[:index]) for index in range(len(texts))]
    result = repair_text("\n".join(texts) + "\n", config)
    return result, _provenance(result, [member for member, _ in copies], starts)


def _provenance(result, members: list[str], starts: list[int]) -> list[MergedClause]:
    import bisect

    def copy_at(offset: int) -> int:
        return bisect.bisect_right(starts, offset) - 1

    units = result.units
    unit_starts = [u.input_span.start if u.input_span is not None else -1 for u in units]
    also: dict[int, set[str]] = {}
    added: dict[int, set[str]] = {}
    for note in result.notes:
        evidence = note.evidence or {}
        if note.action.value == "drop_duplicate" and evidence.get("kept_input_span") and note.input_span is not None:
            owner = _unit_holding(units, evidence["kept_input_span"][0])
            if owner is not None:
                also.setdefault(owner, set()).add(members[copy_at(note.input_span.start)])
        elif note.action.value == "merge" and evidence.get("from_input_span") and note.output_span is not None:
            owner = next((i for i, u in enumerate(units) if u.span.start <= note.output_span.start <= u.span.end), None)
            if owner is not None:
                added.setdefault(owner, set()).add(members[copy_at(evidence["from_input_span"][0])])
    clauses = []
    for index, unit in enumerate(units):
        source, span = None, None
        if unit_starts[index] >= 0:
            copy = copy_at(unit_starts[index])
            source = members[copy]
            span = [unit.input_span.start - starts[copy], unit.input_span.end - starts[copy]]
        others = sorted(also.get(index, set()) - {source})
        clauses.append(MergedClause(index, unit.role.value, unit.marker, unit.number, unit.text[:40], source, span, others, sorted(added.get(index, set()))))
    return clauses


def _unit_holding(units, input_offset: int) -> int | None:
    for index, unit in enumerate(units):
        if unit.input_span is not None and unit.input_span.start <= input_offset < max(unit.input_span.end, unit.input_span.start + 1):
            return index
    return None


def _write_merged(folder: Path, cluster_id: str, copies: Sequence[tuple[str, str]], config) -> None:
    from ..files import write_atomic
    from ..render.notes import notes_to_jsonl

    result, clauses = merge_copies(copies, config)
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / f"{cluster_id}.txt", result.text.encode("utf-8"))
    manifest = "".join(json.dumps(c.to_dict(), ensure_ascii=False) + "\n" for c in clauses)
    write_atomic(folder / f"{cluster_id}.jsonl", manifest.encode("utf-8"))
    write_atomic(folder / f"{cluster_id}.notes.jsonl", notes_to_jsonl(result.notes).encode("utf-8"))
