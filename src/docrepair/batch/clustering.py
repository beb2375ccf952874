"""Clusters of near-duplicate documents that never chain: every member matches its cluster's kept
document itself.

Candidates come from MinHash LSH banding, as in datasketch's MinHashLSH, text-dedup and datatrove:
two documents whose signatures agree on a whole band share a bucket. What is done with a bucket
differs. Union-find over verified pairs (those projects' way) joins A and C when A~B and B~C, so a
cluster of copies can drift, through one copy at a time, to documents its kept copy shares half a
page with. Here documents are decided one by one from the most complete down (length, then index),
and each joins a kept document it matches itself, or becomes a kept document. It first tries its
leader (of the most complete members of its buckets, the one it shares most buckets with: for a copy
that is nearly always its kept copy, and all those pairs are verified in one numpy pass), then the
kept documents already seen in its buckets, those sharing most buckets first. A bucket remembers the kept documents of its members, not its members, so a
popular notice's 500 copies cost 500 verifications against one kept copy, not 125,000 pairs; a
copy whose bands miss its kept copy still finds it through another copy's bucket (found through
the chain, verified directly); and a bucket of formulaic text, whose members have many different
kept documents, is retired instead of proposing all of them to every member.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Band keys: the rows of a band folded into 64 bits (a 64-bit collision only adds a candidate,
#: which verification then rejects). The multiplier is the 64-bit golden ratio (Fibonacci hashing).
_GOLDEN64 = np.uint64(0x9E3779B97F4A7C15)
#: A bucket whose members have had more than max_candidates kept documents: what they share is
#: formulaic text (an addressee line, a site's header), which says nothing about which document
#: a member is a copy of. Such a bucket proposes nothing more; copies share many other bands.
_RETIRED = -2
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

    A document first tries its *leader*: of the most complete members of its buckets, the one
    it shares most buckets with. Most documents are copies whose leader is their kept copy, and
    those pairs are verified all at once with numpy before the documents are decided. When the
    leader is not kept (it joined another) or does not match, the document tries the kept
    documents in its buckets, those sharing most buckets first.

    Deterministic: the order of decisions is fixed by (length descending, index), candidates
    are tried in a fixed order with ties to that order, and nothing depends on hashing Python
    objects or on timing."""
    from ..sketch import band_params

    count, num_perm = minhash.shape
    params = band_params(rule.jaccard_threshold, num_perm)
    buckets = band_buckets(minhash, params.bands, params.rows)
    order = np.lexsort((np.arange(count), -lengths))
    rank = np.empty(count, dtype=np.int64)
    rank[order] = np.arange(count)
    verify = _Verifier(minhash, heads, head_offsets, rule)
    leaders = best_leaders(buckets, order, rank)
    with_leader = np.flatnonzero(leaders >= 0)
    leader_share = np.full(count, -1.0)
    leader_share[with_leader] = verify.shares(with_leader, leaders[with_leader])
    keepers = list(range(count))
    containment = [0.0] * count
    rank_of, leader_of, share_of = rank.tolist(), leaders.tolist(), leader_share.tolist()
    # Per bucket, the kept documents of its members so far: the first in a list indexed by
    # bucket (most buckets hold copies of one document), any others in a list beside it.
    buckets_count = int(buckets.max()) + 1 if buckets.size else 0
    first_keeper = [-1] * buckets_count
    more_keepers: list[list[int] | None] = [None] * buckets_count
    undecided = order[(buckets >= 0).any(axis=1)[order]]
    for batch in range(0, undecided.size, _BATCH):
        documents = undecided[batch : batch + _BATCH]
        for document, row in zip(documents.tolist(), buckets[documents].tolist()):
            row = [bucket for bucket in row if bucket >= 0 and first_keeper[bucket] != _RETIRED]
            leader = leader_of[document]
            if leader >= 0 and keepers[leader] == leader and share_of[document] >= rule.min_containment:
                chosen, containment[document] = leader, share_of[document]
            else:
                chosen = document
                found = [first_keeper[bucket] for bucket in row]
                for bucket in row:
                    if more_keepers[bucket] is not None:
                        found += more_keepers[bucket]
                found = [kept for kept in found if kept >= 0]  # one entry per bucket it shares
                if found:
                    candidates = [found[0]] if min(found) == max(found) else _by_buckets_shared(found, rank_of)
                    match = verify.first_match(document, candidates[: rule.max_candidates])
                    if match is not None:
                        chosen, containment[document] = match
            keepers[document] = chosen
            for bucket in row:
                kept = first_keeper[bucket]
                if kept < 0:
                    first_keeper[bucket] = chosen
                elif kept != chosen:
                    others = more_keepers[bucket]
                    if others is None:
                        more_keepers[bucket] = [chosen]
                    elif chosen not in others:
                        others.append(chosen)
                        if len(others) >= rule.max_candidates:  # formulaic text: retired
                            first_keeper[bucket], more_keepers[bucket] = _RETIRED, None
    return np.array(keepers, dtype=np.int64), np.array(containment)


def best_leaders(buckets: np.ndarray, order: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Per document, of the leaders of its buckets (each bucket's first member in `order`) ranked
    above it, the one it shares most buckets with (ties to the higher ranked); -1 for none."""
    count = buckets.shape[0]
    documents, bands = np.nonzero(buckets >= 0)
    bucket = buckets[documents, bands]
    by_bucket = np.lexsort((rank[documents], bucket))
    starts = np.r_[True, bucket[by_bucket][1:] != bucket[by_bucket][:-1]]
    leader_of_bucket = np.zeros(int(bucket.max()) + 1 if bucket.size else 0, dtype=np.int64)
    leader_of_bucket[bucket[by_bucket][starts]] = documents[by_bucket][starts]
    leader = leader_of_bucket[bucket]
    below = leader != documents
    pairs, shared = np.unique(documents[below] * count + leader[below], return_counts=True)
    document, leader = pairs // count, pairs % count
    best = np.lexsort((rank[leader], -shared, document))
    first = best[np.r_[True, document[best][1:] != document[best][:-1]]] if best.size else best
    leaders = np.full(count, -1, dtype=np.int64)
    leaders[document[first]] = leader[first]
    return leaders


def concatenated_ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The indices start, start + 1, ... start + length - 1 of each range, one range after another."""
    ends = np.cumsum(lengths)
    return np.repeat(starts - (ends - lengths), lengths) + np.arange(int(ends[-1]) if ends.size else 0)


def _by_buckets_shared(found: list[int], rank_of: list[int]) -> list[int]:
    """The kept documents in `found` (one entry per bucket shared), those sharing most buckets
    first, then the most complete: the kept copy of a document's own copies shares most of its
    bands, one that shares a single band shares some formulaic text."""
    shared: dict[int, int] = {}
    for kept in found:
        shared[kept] = shared.get(kept, 0) + 1
    return sorted(shared, key=lambda kept: (-shared[kept], rank_of[kept]))


class _Verifier:
    """Does a document match a kept document: MinHash agreement (estimated Jaccard) and the share
    of its sentence hashes the kept document holds."""

    #: Pairs verified per numpy pass: bounds the expanded sentence hashes to ~100 MB.
    _CHUNK = 65536

    def __init__(self, minhash: np.ndarray, heads: np.ndarray, head_offsets: np.ndarray, rule: KeeperRule) -> None:
        self.minhash = minhash
        self.heads = heads
        self.offsets = head_offsets
        self.counts = np.diff(head_offsets)
        self.min_agreement = rule.jaccard_threshold * minhash.shape[1]
        self.rule = rule

    def first_match(self, document: int, candidates: list[int]) -> tuple[int, float] | None:
        """The first candidate `document` matches and the share of its sentence hashes that
        candidate holds, or None."""
        # The agreement of all candidates in one call; the sentence hashes only for those that
        # pass it (in a bucket of formulaic text most candidates do not).
        agreements = (self.minhash[candidates] == self.minhash[document]).sum(axis=1).tolist()
        for kept, agreement in zip(candidates, agreements):
            if agreement >= self.min_agreement:
                share = float(self.shares(np.array([document]), np.array([kept]))[0])
                if share >= self.rule.min_containment:
                    return kept, share
        return None

    def containment(self, document: int, kept: int) -> float | None:
        """The share of `document`'s sentence hashes that `kept` holds, or None when the two do
        not match."""
        match = self.first_match(document, [kept])
        return None if match is None else match[1]

    def shares(self, documents: np.ndarray, kept: np.ndarray) -> np.ndarray:
        """For each pair, the share of the document's sentence hashes the kept one holds, or -1
        when their MinHash values agree too little."""
        shares = np.full(documents.size, -1.0)
        for start in range(0, documents.size, self._CHUNK):
            chunk = slice(start, start + self._CHUNK)
            agree = np.count_nonzero(self.minhash[documents[chunk]] == self.minhash[kept[chunk]], axis=1) >= self.min_agreement
            shares[start + np.flatnonzero(agree)] = self._held_shares(documents[chunk][agree], kept[chunk][agree])
        return shares

    def _held_shares(self, documents: np.ndarray, kept: np.ndarray) -> np.ndarray:
        """The share of each document's sentence hashes its kept one holds (0 when either has
        none): each pair's hashes tagged with the pair's number, so one sorted search answers
        all pairs."""
        pairs = documents.size
        own_counts, kept_counts = self.counts[documents], self.counts[kept]
        # Bottom-k samples compare below the smaller of their cut-offs, where both are whole.
        limit = np.full(pairs, 0xFFFFFFFF, dtype=np.uint64)
        for side, side_counts in ((documents, own_counts), (kept, kept_counts)):
            full = side_counts >= self.rule.max_heads
            limit[full] = np.minimum(limit[full], self.heads[self.offsets[side[full] + 1] - 1])

        def tagged(side: np.ndarray, side_counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            pair = np.repeat(np.arange(pairs, dtype=np.uint64), side_counts)
            values = self.heads[concatenated_ranges(self.offsets[side], side_counts)].astype(np.uint64)
            below = values <= limit[pair.astype(np.int64)]
            return (pair[below] << np.uint64(32)) | values[below], pair[below].astype(np.int64)

        own, own_pair = tagged(documents, own_counts)
        other, other_pair = tagged(kept, kept_counts)
        held = np.zeros(pairs)
        if other.size:
            found = np.searchsorted(other, own)
            hit = other[np.minimum(found, other.size - 1)] == own
            held = np.bincount(own_pair[hit], minlength=pairs)
        total = np.bincount(own_pair, minlength=pairs)
        has_both = (total > 0) & (np.bincount(other_pair, minlength=pairs) > 0)
        return np.where(has_both, held / np.maximum(total, 1), 0.0)
