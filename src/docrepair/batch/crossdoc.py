"""Cross-document near-duplicates: the copies of one document that many mirror sites published.

Each repaired document keeps only its MinHash signature (character shingles of its
script-folded comparison key, the datasketch-compatible affine32 scheme, fixed seed) and a short
key prefix; LSH banding proposes pairs, rapidfuzz confirms them on the keys, union-find joins
them. Clusters and their kept member are ordered by document id, never by hash or arrival.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz

from ..keys import comparison_keys
from ..sketch import band_params, candidate_pairs, minhash_signatures

#: Shingles of 5 characters: long enough that two different notices rarely share many.
SHINGLE_CHARS = 5
NUM_PERM = 128
SEED = 1
#: LSH threshold on estimated Jaccard, and the rapidfuzz ratio that confirms a pair.
JACCARD_THRESHOLD = 0.5
MIN_RATIO = 80.0
#: Characters of each key kept for signatures (bounds memory and time per document).
KEY_PREFIX_CHARS = 4000
#: Characters of the keys rapidfuzz compares to confirm a pair.
VERIFY_CHARS = 1000


@dataclass(frozen=True)
class Cluster:
    id: str
    members: list[str]
    kept: str
    scores: dict[str, float]


class CrossDocIndex:
    """Collects one signature per document as a batch runs, then clusters them."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.keys: list[str] = []
        self.lengths: list[int] = []
        self.signatures: list[np.ndarray] = []

    def add(self, document_id: str, text: str) -> None:
        """Sign one document as it passes: only its signature and a short key stay in memory."""
        key = comparison_keys([text])[0]
        self.ids.append(document_id)
        self.keys.append(key[:VERIFY_CHARS])
        self.lengths.append(len(key))
        self.signatures.append(minhash_signatures([key[:KEY_PREFIX_CHARS]], SHINGLE_CHARS, NUM_PERM, SEED)[0])

    def clusters(self) -> list[Cluster]:
        if len(self.ids) < 2:
            return []
        order = sorted(range(len(self.ids)), key=lambda i: self.ids[i])
        keys = [self.keys[i] for i in order]
        signatures = np.stack([self.signatures[i] for i in order])
        parent = list(range(len(order)))

        def find(index: int) -> int:
            while parent[index] != index:
                parent[index] = parent[parent[index]]
                index = parent[index]
            return index

        scores: dict[tuple[int, int], float] = {}
        for i, j in candidate_pairs(signatures, band_params(JACCARD_THRESHOLD, NUM_PERM)):
            # The signatures' agreement estimates Jaccard for free; only pairs that pass it are
            # scored with rapidfuzz, on the first VERIFY_CHARS characters (cost grows with the
            # square of the length, and copies of one document agree from their first lines).
            if np.count_nonzero(signatures[i] == signatures[j]) < JACCARD_THRESHOLD * NUM_PERM:
                continue
            score = fuzz.ratio(keys[i], keys[j], score_cutoff=MIN_RATIO)
            if score:
                scores[(i, j)] = score
                root_i, root_j = find(i), find(j)
                if root_i != root_j:
                    parent[max(root_i, root_j)] = min(root_i, root_j)
        groups: dict[int, list[int]] = {}
        for index in range(len(order)):
            groups.setdefault(find(index), []).append(index)
        result = []
        for members in sorted((m for m in groups.values() if len(m) > 1), key=lambda m: m[0]):
            ids = [self.ids[order[m]] for m in members]
            kept = min(members, key=lambda m: (-self.lengths[order[m]], self.ids[order[m]]))
            pair_scores = {f"{self.ids[order[a]]}|{self.ids[order[b]]}": round(s, 2) for (a, b), s in sorted(scores.items()) if a in members}
            result.append(Cluster(f"c{len(result) + 1:05d}", ids, self.ids[order[kept]], pair_scores))
        return result


def write_clusters(path: Path, clusters: list[Cluster]) -> None:
    from ..files import write_atomic

    lines = "".join(
        json.dumps({"cluster": c.id, "members": c.members, "kept": c.kept, "scores": c.scores}, ensure_ascii=False) + "\n" for c in clusters
    )
    write_atomic(path, lines.encode("utf-8"))



def set_aside_duplicates(root: Path, clusters: list[Cluster], relpaths: dict[str, str]) -> int:
    """Keep one member per cluster in OUTDIR: the others' outputs move under
    .docrepair/duplicates/ (nothing is deleted) and duplicates.jsonl says which kept copy each
    one gave way to."""
    from ..files import write_atomic

    moved, lines = 0, []
    for cluster in clusters:
        for member in cluster.members:
            if member == cluster.kept or member not in relpaths:
                continue
            source = root / relpaths[member]
            target = root / ".docrepair" / "duplicates" / relpaths[member]
            if source.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                source.replace(target)
                moved += 1
            lines.append(json.dumps({"id": member, "cluster": cluster.id, "kept": cluster.kept, "moved_to": str(target.relative_to(root))}, ensure_ascii=False) + "\n")
    write_atomic(root / "duplicates.jsonl", "".join(lines).encode("utf-8"))
    return moved


def merge_clusters(root: Path, clusters: list[Cluster], relpaths: dict[str, str], config) -> int:
    """Rebuild each cluster's best document from all its copies: the copies' clean texts, the
    kept one first, go through the repair once more as one text, so dedup keeps each clause's
    most complete copy, merge joins sentences only some copies hold, and order puts the clauses
    in their numbered places. merged/<cluster>.txt is the document; merged/<cluster>.jsonl names,
    for every line of it, the copy it came from."""
    import bisect

    from .. import repair_text
    from ..files import write_atomic

    written = 0
    for cluster in clusters:
        members = [cluster.kept] + [m for m in cluster.members if m != cluster.kept and m in relpaths]
        texts = [(root / relpaths[m]).read_text(encoding="utf-8") for m in members if (root / relpaths[m]).exists()]
        if len(texts) < 2:
            continue
        joined = "\n".join(text.rstrip("\n") for text in texts) + "\n"
        starts, offset = [], 0
        for text in texts:
            starts.append(offset)
            offset += len(text.rstrip("\n")) + 1
        result = repair_text(joined, config)
        provenance = []
        for unit in result.units:
            source = members[bisect.bisect_right(starts, unit.input_span.start) - 1] if unit.input_span is not None else None
            provenance.append({"line": unit.text[:40], "role": unit.role.value, "number": unit.number, "from": source})
        target = root / "merged"
        target.mkdir(exist_ok=True)
        write_atomic(target / f"{cluster.id}.txt", result.text.encode("utf-8"))
        write_atomic(target / f"{cluster.id}.jsonl", "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in provenance).encode("utf-8"))
        written += 1
    return written
