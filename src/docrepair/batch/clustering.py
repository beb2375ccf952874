"""Clusters of near-duplicate documents that never chain: every member matches its cluster's kept
document itself.

Candidates come from MinHash LSH banding, as in datasketch's MinHashLSH, text-dedup and datatrove:
two documents whose signatures agree on a whole band share a bucket. What is done with a bucket
differs. Union-find over verified pairs (those projects' way) joins A and C when A~B and B~C, so a
cluster of copies can drift, through one copy at a time, to documents its kept copy shares half a
page with. Here documents are decided one by one from the most complete down (length, then index):
each is verified against the kept documents already seen in its buckets, those sharing most buckets
with it first (then the most complete), and joins the first that it matches, or becomes a kept document itself. A bucket remembers the
kept documents of its members, not its members, so a popular notice's 500 copies cost 500
verifications against one kept copy, not 125,000 pairs; and a copy whose bands miss its kept copy
still finds it through another copy's bucket (found through the chain, verified directly).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Band keys: the rows of a band folded into 64 bits (a 64-bit collision only adds a candidate,
#: which verification then rejects). The multiplier is the 64-bit golden ratio (Fibonacci hashing).
_GOLDEN64 = np.uint64(0x9E3779B97F4A7C15)
#: Documents decided per batch of bucket rows turned into Python lists.
_BATCH = 65536


@dataclass(frozen=True)
class KeeperRule:
    """When a document joins a kept document."""

    jaccard_threshold: float  # LSH bands for it, and the least share of MinHash values that must agree
    min_containment: float  # the least share of the document's sentence hashes the kept one holds
    max_candidates: int  # kept documents verified per document (and remembered per bucket) at most
    max_heads: int  # the signatures' bottom-k size: a full one is a sample


def band_buckets(minhash: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(documents, bands) bucket numbers, unique over all bands; -1 where a document is alone in
    its bucket (most are, and they cost nothing more)."""
    count = minhash.shape[0]
    buckets = np.full((count, bands), -1, dtype=np.int64)
    numbered = 0
    for band in range(bands):
        key = np.zeros(count, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for column in minhash[:, band * rows : (band + 1) * rows].T.astype(np.uint64):
                key = (key ^ column) * _GOLDEN64
                key ^= key >> np.uint64(29)
        order = np.argsort(key, kind="stable")
        sorted_keys = key[order]
        group = np.cumsum(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]) - 1
        shared = np.bincount(group)[group] > 1
        _, number = np.unique(group[shared], return_inverse=True)
        buckets[order[shared], band] = numbered + number
        numbered += int(number.max()) + 1 if number.size else 0
    return buckets


def assign_keepers(minhash: np.ndarray, heads: np.ndarray, head_offsets: np.ndarray, lengths: np.ndarray, rule: KeeperRule) -> tuple[np.ndarray, np.ndarray]:
    """For each document, the index of the kept document it joined (its own index when it is kept
    or alone), and the share of its sentence hashes that kept document holds (0 for kept ones).

    Deterministic: the order of decisions is fixed by (length descending, index), candidates
    are tried by (buckets shared descending, that order), and nothing depends on hashing Python objects or on timing."""
    from ..sketch import band_params

    count, num_perm = minhash.shape
    params = band_params(rule.jaccard_threshold, num_perm)
    buckets = band_buckets(minhash, params.bands, params.rows)
    order = np.lexsort((np.arange(count), -lengths))
    rank = np.empty(count, dtype=np.int64)
    rank[order] = np.arange(count)
    keepers = np.arange(count)
    containment = np.zeros(count)
    verify = _Verifier(minhash, heads, head_offsets, rule)
    rank_of = rank.tolist()
    # Per bucket, the kept documents of its members so far: the first in a list indexed by
    # bucket (most buckets hold copies of one document), any others in a dict.
    first_keeper = [-1] * (int(buckets.max()) + 1 if buckets.size else 0)
    more_keepers: dict[int, list[int]] = {}
    undecided = order[(buckets >= 0).any(axis=1)[order]]
    for batch in range(0, undecided.size, _BATCH):
        documents = undecided[batch : batch + _BATCH]
        for document, row in zip(documents.tolist(), buckets[documents].tolist()):
            row = [bucket for bucket in row if bucket >= 0]
            shared: dict[int, int] = {}  # kept document -> buckets it shares with this one
            for bucket in row:
                kept = first_keeper[bucket]
                if kept >= 0:
                    shared[kept] = shared.get(kept, 0) + 1
                for kept in more_keepers.get(bucket, ()):
                    shared[kept] = shared.get(kept, 0) + 1
            chosen = document
            if shared:
                # The kept copy of this document's own copies shares most of its bands; one that
                # shares a single band shares some formulaic text.
                candidates = sorted(shared, key=lambda kept: (-shared[kept], rank_of[kept]))
                for kept in candidates[: rule.max_candidates]:
                    share = verify.containment(document, kept)
                    if share is not None:
                        chosen, containment[document] = kept, share
                        break
            keepers[document] = chosen
            for bucket in row:
                if first_keeper[bucket] < 0:
                    first_keeper[bucket] = chosen
                elif first_keeper[bucket] != chosen:
                    others = more_keepers.setdefault(bucket, [])
                    if chosen not in others and len(others) < rule.max_candidates - 1:
                        others.append(chosen)
    return keepers, containment


class _Verifier:
    """Does a document match a kept document: MinHash agreement (estimated Jaccard) and the share
    of its sentence hashes the kept document holds."""

    def __init__(self, minhash: np.ndarray, heads: np.ndarray, head_offsets: np.ndarray, rule: KeeperRule) -> None:
        self.minhash = minhash
        self.heads = heads
        self.offsets = head_offsets.tolist()
        self.min_agreement = rule.jaccard_threshold * minhash.shape[1]
        self.rule = rule

    def containment(self, document: int, kept: int) -> float | None:
        """The share of `document`'s sentence hashes that `kept` holds, or None when the two do
        not match."""
        if np.count_nonzero(self.minhash[document] == self.minhash[kept]) < self.min_agreement:
            return None
        own = self.heads[self.offsets[document] : self.offsets[document + 1]]
        other = self.heads[self.offsets[kept] : self.offsets[kept + 1]]
        if not own.size or not other.size:
            return None
        # Bottom-k samples compare below the smaller of their cut-offs, where both are whole.
        limit = min(own[-1] if own.size >= self.rule.max_heads else 0xFFFFFFFF, other[-1] if other.size >= self.rule.max_heads else 0xFFFFFFFF)
        if limit < 0xFFFFFFFF:
            own, other = own[own <= limit], other[other <= limit]
            if not own.size or not other.size:
                return None
        found = np.searchsorted(other, own)
        held = np.count_nonzero(other[np.minimum(found, other.size - 1)] == own)
        share = held / own.size
        return share if share >= self.rule.min_containment else None
