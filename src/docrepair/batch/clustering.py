"""Clusters of near-duplicate documents that never chain: every member matches its cluster's kept
document itself.

Candidates come from MinHash LSH banding, as in datasketch's MinHashLSH, text-dedup and datatrove:
two documents whose signatures agree on a whole band share a bucket. What is done with a bucket
differs. Union-find over verified pairs (those projects' way) joins A and C when A~B and B~C, so a
cluster of copies can drift, through one copy at a time, to documents its kept copy shares half a
page with. Here documents are decided one by one from the most complete down (length, then index),
and each joins a kept document it matches itself, or becomes a kept document. It first tries its
leader (of the most complete members of its buckets, the one it shares most buckets with: for a copy
that is nearly always its kept copy), then the kept documents of the members of its buckets decided
before it, those sharing most buckets first. A bucket offers the kept documents of its members, not
its members, so a popular notice's 500 copies cost 500 verifications against one kept copy, not
125,000 pairs; a copy whose bands miss its kept copy still finds it through another copy's bucket
(found through the chain, verified directly); and a bucket of formulaic text, whose earlier members
have more than max_candidates kept documents, is retired: it proposes nothing.

The decisions are defined one after another, but they are computed with numpy for all documents
at once (decide_all): a decision depends only on the decisions of documents ranked above it, so
deciding every document from a guess of the others' decisions, then again only those whose inputs
changed, reaches the one-by-one result (a fixed point of it is that result) with no Python loop
over documents.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Band keys: the rows of a band folded into 64 bits (a 64-bit collision only adds a candidate,
#: which verification then rejects). The multiplier is the 64-bit golden ratio (Fibonacci hashing).
_GOLDEN64 = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class KeeperRule:
    """When a document joins a kept document."""

    jaccard_threshold: float  # LSH bands for it, and the least share of MinHash values that must agree
    min_containment: float  # the least share of the document's sentence hashes the kept one holds
    max_candidates: int  # kept documents verified per document (and offered per bucket) at most
    max_heads: int  # the signatures' bottom-k size: a full one is a sample


@dataclass(frozen=True)
class Buckets:
    """The LSH buckets that hold two or more documents, documents numbered by rank (0 the most
    complete). `of_document[d, band]` is d's bucket in that band (-1 alone) and `position[d, band]`
    where d stands in `members`, which lists each bucket's members, most complete first, one bucket
    after another (bucket k's from `starts[k]` to `starts[k + 1]`)."""

    of_document: np.ndarray  # (documents, bands) int64
    position: np.ndarray  # (documents, bands) int64, -1 where alone
    members: np.ndarray  # int64
    starts: np.ndarray  # (buckets + 1,) int64


def band_buckets(minhash: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(documents, bands) bucket numbers, unique over all bands; -1 where a document is alone in
    its bucket (most are, and they cost nothing more)."""
    return ranked_buckets(minhash, np.arange(minhash.shape[0]), bands, rows).of_document


def ranked_buckets(minhash: np.ndarray, order: np.ndarray, bands: int, rows: int) -> Buckets:
    """The buckets of the documents `order` lists (row `order[d]` of `minhash` is document d):
    one stable sort of the band keys per band gives each bucket's members already in rank order."""
    count = order.size
    # Filled band by band, one contiguous row per band, then turned to a row per document.
    of_document = np.full((bands, count), -1, dtype=np.int64)
    position = np.full((bands, count), -1, dtype=np.int64)
    members, starts = [], []
    numbered = placed = 0
    for band in range(bands):
        key = np.zeros(count, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for column in minhash[:, band * rows : (band + 1) * rows].T.astype(np.uint64):
                key = (key ^ column) * _GOLDEN64
                key ^= key >> np.uint64(29)
        key = key[order]
        by_key = np.argsort(key, kind="stable")  # equal keys in rank order
        sorted_keys = key[by_key]
        group = np.cumsum(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]) - 1
        shared = np.bincount(group)[group] > 1
        band_members, group = by_key[shared], group[shared]
        first = np.r_[True, group[1:] != group[:-1]] if group.size else np.zeros(0, dtype=bool)
        of_document[band, band_members] = numbered + np.cumsum(first) - 1
        position[band, band_members] = placed + np.arange(band_members.size)
        members.append(band_members)
        starts.append(placed + np.flatnonzero(first))
        numbered += int(first.sum())
        placed += band_members.size
    starts.append(np.array([placed]))
    members_all = np.concatenate(members).astype(np.int64)
    return Buckets(np.ascontiguousarray(of_document.T), np.ascontiguousarray(position.T), members_all, np.concatenate(starts).astype(np.int64))


def best_leaders(buckets: Buckets) -> np.ndarray:
    """Per document, of the leaders of its buckets (each bucket's first member, ranked above it),
    the one it shares most buckets with (ties to the higher ranked); -1 for none. Documents are
    numbered by rank."""
    count, bands = buckets.of_document.shape
    leader_of_bucket = buckets.members[buckets.starts[:-1]]
    leads = np.where(buckets.of_document >= 0, leader_of_bucket[np.maximum(buckets.of_document, 0)], -1)
    leads[leads == np.arange(count)[:, None]] = -1
    # The most frequent value of each row: rows sorted, runs of equal values counted, and per row
    # the longest run (the first of equal ones: the smallest value, the higher ranked leader).
    leads = np.sort(leads, axis=1).ravel()
    run_starts = np.flatnonzero(np.r_[True, leads[1:] != leads[:-1]] | (np.arange(leads.size) % bands == 0))
    run_lengths = np.diff(np.r_[run_starts, leads.size])
    values = leads[run_starts]
    score = np.where(values >= 0, run_lengths * (count + 1) + (count - values), 0)
    row_runs = np.searchsorted(run_starts, np.arange(count) * bands)
    best = np.maximum.reduceat(score, row_runs)
    return np.where(best > 0, count - best % (count + 1), -1)


def assign_keepers(minhash: np.ndarray, heads: np.ndarray, head_offsets: np.ndarray, lengths: np.ndarray, rule: KeeperRule) -> tuple[np.ndarray, np.ndarray]:
    """For each document, the index of the kept document it joined (its own index when it is kept
    or alone), and the share of its sentence hashes that kept document holds (0 for kept ones).

    A document first tries its *leader*: of the most complete members of its buckets, the one
    it shares most buckets with. Most documents are copies whose leader is their kept copy, and
    those pairs are verified all at once. When the leader is not kept (it joined another) or does
    not match, the document tries the kept documents of the members of its buckets decided before
    it (a bucket whose members have more than max_candidates of them offers none), those sharing
    most buckets first.

    Deterministic: the order of decisions is fixed by (length descending, index), candidates
    are tried in a fixed order with ties to that order, and nothing depends on hashing Python
    objects or on timing."""
    from ..sketch import band_params

    count, num_perm = minhash.shape
    params = band_params(rule.jaccard_threshold, num_perm)
    order = np.lexsort((np.arange(count), -lengths))  # rank -> document
    buckets = ranked_buckets(minhash, order, params.bands, params.rows)
    verify = _Verifier(minhash, heads, head_offsets, rule)
    leaders = best_leaders(buckets)
    with_leader = np.flatnonzero(leaders >= 0)
    leader_share = np.full(count, -1.0)
    leader_share[with_leader] = verify.shares(order[with_leader], order[leaders[with_leader]])
    keepers, containment = _Decisions(buckets, leaders, leader_share, verify, order, rule).decide_all()
    by_document = np.empty(count, dtype=np.int64)
    by_document[order] = order[keepers]
    held = np.empty(count)
    held[order] = containment
    return by_document, held


def sorted_distinct(values: np.ndarray) -> np.ndarray:
    """np.unique(values) by sorting: np.unique's hash table (numpy 2.3 and later) took several
    times as long on millions of integers."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if values.size else values


def concatenated_ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The indices start, start + 1, ... start + length - 1 of each range, one range after another."""
    ends = np.cumsum(lengths)
    return np.repeat(starts - (ends - lengths), lengths) + np.arange(int(ends[-1]) if ends.size else 0)


class _Decisions:
    """Every document's decision (the kept document it joins, or itself), documents numbered by
    rank. decide(documents, keepers) is one step of the one-by-one definition, for many documents
    at once, from `keepers` as the decisions of the documents ranked above them."""

    def __init__(self, buckets: Buckets, leaders: np.ndarray, leader_share: np.ndarray, verify: "_Verifier", order: np.ndarray, rule: KeeperRule) -> None:
        self.buckets = buckets
        self.leaders = leaders
        self.leader_share = leader_share
        self.verify = verify
        self.order = order
        self.rule = rule
        self.count = leaders.size

    def decide_all(self) -> tuple[np.ndarray, np.ndarray]:
        """The one-by-one decisions. A first guess takes every leader as kept; then the documents
        are decided from the guess, and again only those that depend on a changed decision (they
        share a bucket with it, ranked below it), until none changes. Each round fixes at least
        the highest ranked document that changed in the round before (its inputs no longer
        change), so this ends, and a set of decisions none of which changes is the one-by-one
        result: the first document's decision depends on nothing, and each next one only on
        those above it."""
        count, leaders = self.count, self.leaders
        joins_leader = self.leader_share >= self.rule.min_containment
        keepers = np.arange(count)
        keepers[joins_leader] = leaders[joins_leader]
        containment = np.where(joins_leader, self.leader_share, 0.0)
        pending = np.flatnonzero(leaders >= 0)  # those without a leader have no one above them in a bucket: kept
        while pending.size:
            decided, held = self.decide(pending, keepers)
            changed = pending[decided != keepers[pending]]
            keepers[pending], containment[pending] = decided, held
            pending = self.dependents(changed)
        return keepers, containment

    def dependents(self, documents: np.ndarray) -> np.ndarray:
        """The documents with a leader that share a bucket with one of `documents`, ranked below it."""
        position = self.buckets.position[documents]
        bucket = self.buckets.of_document[documents]
        inside = bucket >= 0
        after = position[inside] + 1
        found = self.buckets.members[concatenated_ranges(after, self.buckets.starts[bucket[inside] + 1] - after)]
        found = sorted_distinct(found)
        return found[self.leaders[found] >= 0]

    def decide(self, documents: np.ndarray, keepers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each of `documents` (sorted), the kept document it joins or itself, and the share of its
        sentences that kept document holds (0 when kept)."""
        leaders = self.leaders[documents]
        to_leader = (self.leader_share[documents] >= self.rule.min_containment) & (keepers[leaders] == leaders)
        decided = np.where(to_leader, leaders, documents)
        held = np.where(to_leader, self.leader_share[documents], 0.0)
        others = np.flatnonzero(~to_leader)
        asking, candidates = self.candidates(documents[others], keepers)
        if asking.size:
            shares = self.verify.shares(self.order[documents[others][asking]], self.order[candidates])
            passed = np.flatnonzero(shares >= self.rule.min_containment)
            passed_asking = asking[passed]  # grouped by the one asking, each group in its order
            chosen = passed[np.r_[True, passed_asking[1:] != passed_asking[:-1]]] if passed.size else passed
            decided[others[asking[chosen]]] = candidates[chosen]
            held[others[asking[chosen]]] = shares[chosen]
        return decided, held

    def candidates(self, documents: np.ndarray, keepers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The kept documents each of `documents` is verified against, in the order they are tried:
        (the index in `documents` of the one asking, the candidate), grouped by the one asking.
        A bucket offers the distinct decisions of its members ranked above the document, none when
        they are more than max_candidates (formulaic text); candidates offered by most buckets come
        first, then the most complete, and max_candidates of them at most."""
        buckets, count = self.buckets, self.count
        asking, band = np.nonzero(buckets.of_document[documents] >= 0)
        bucket = buckets.of_document[documents[asking], band]
        position = buckets.position[documents[asking], band]
        if not asking.size:
            return asking, asking
        # The decisions of all members of these buckets, bucket after bucket: a member's decision
        # is offered where it first appears in its bucket, and it can only first appear where the
        # decision differs from the member's before it (so only those few places are compared).
        used = sorted_distinct(bucket)
        # Only the members above the lowest ranked one asking in each bucket can be offered (at 1M
        # documents that is a third of the members of these buckets).
        above_asking = np.zeros(buckets.starts.size - 1, dtype=np.int64)
        np.maximum.at(above_asking, bucket, position - buckets.starts[bucket])
        sizes = above_asking[used]
        where = concatenated_ranges(buckets.starts[used], sizes)
        if not where.size:  # none has a member above it (a document with a leader always has)
            return where, where
        range_start = np.cumsum(sizes) - sizes  # where each used bucket's members begin in `where`
        local = np.repeat(np.arange(used.size), sizes)
        decision = keepers[buckets.members[where]]
        changes = np.flatnonzero(np.r_[True, (local[1:] != local[:-1]) | (decision[1:] != decision[:-1])])
        _, first = np.unique(local[changes] * count + decision[changes], return_index=True)
        offered = changes[np.sort(first)]
        # Counts of offers before each place in `where` (prefix sums, not searches: the searches
        # over millions of places cost seconds at 1M documents).
        offered_before = np.zeros(where.size + 1, dtype=np.int64)
        offered_before[offered + 1] = 1
        np.cumsum(offered_before, out=offered_before)
        local_of = np.zeros(buckets.starts.size - 1, dtype=np.int64)
        local_of[used] = np.arange(used.size)
        first_at = range_start[local_of[bucket]]
        bucket_first = offered_before[first_at]  # the bucket's first offer among all offers
        above = offered_before[first_at + position - buckets.starts[bucket]] - bucket_first  # distinct decisions above it
        offers = (above > 0) & (above <= self.rule.max_candidates)
        picked = concatenated_ranges(bucket_first[offers], above[offers])
        pairs = np.repeat(asking[offers], above[offers]) * count + decision[offered][picked]
        pairs = np.sort(pairs)
        starts = np.flatnonzero(np.r_[True, pairs[1:] != pairs[:-1]])
        pairs, shared = pairs[starts], np.diff(np.r_[starts, pairs.size])
        asker, candidate = pairs // count, pairs % count
        tried = np.lexsort((candidate, -shared, asker))
        asker, candidate = asker[tried], candidate[tried]
        runs = np.flatnonzero(np.r_[True, asker[1:] != asker[:-1]]) if asker.size else asker
        nth = np.arange(asker.size) - np.repeat(runs, np.diff(np.r_[runs, asker.size]))
        within = nth < self.rule.max_candidates
        return asker[within], candidate[within]


class _Verifier:
    """Does a document match a kept document: MinHash agreement (estimated Jaccard) and the share
    of its sentence hashes the kept document holds."""

    #: Pairs verified per numpy pass: a pass's sorted sentence hashes (~70 a document, 8 bytes
    #: each) then stay in the CPU cache, where the sorted search over them is fast (on 96k pairs:
    #: 0.85 s in passes of 65,536 pairs, 0.39 s in passes of 1,024).
    _CHUNK = 2048

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
        # Pairs with one kept document are verified in one pass (most of a kept copy's copies are):
        # its hashes are then laid out once for all of them.
        by_kept = np.argsort(kept, kind="stable")
        for start in range(0, documents.size, self._CHUNK):
            rows = by_kept[start : start + self._CHUNK]
            own, other = documents[rows], kept[rows]
            agree = np.count_nonzero(self.minhash[own] == self.minhash[other], axis=1) >= self.min_agreement
            shares[rows[agree]] = self._held_shares(own[agree], other[agree])
        return shares

    def _held_shares(self, documents: np.ndarray, kept: np.ndarray) -> np.ndarray:
        """The share of each document's sentence hashes its kept one holds (0 when either has
        none): each kept document's hashes tagged with its number, each document's with the
        number of its kept one, so one sorted search answers all pairs."""
        pairs = documents.size
        own_counts, kept_counts = self.counts[documents], self.counts[kept]
        # Bottom-k samples compare below the smaller of their cut-offs, where both are whole.
        limit = np.full(pairs, 0xFFFFFFFF, dtype=np.uint32)
        for side, side_counts in ((documents, own_counts), (kept, kept_counts)):
            full = side_counts >= self.rule.max_heads
            limit[full] = np.minimum(limit[full], self.heads[self.offsets[side[full] + 1] - 1])
        distinct, kept_number = np.unique(kept, return_inverse=True)
        distinct_counts = self.counts[distinct]
        other = np.repeat(np.arange(distinct.size, dtype=np.uint64) << np.uint64(32), distinct_counts)
        other |= self.heads[concatenated_ranges(self.offsets[distinct], distinct_counts)]
        # A document's hashes above the limit are not compared (a kept one's above it then never
        # match one of them, so they need no filtering).
        own_pair = np.repeat(np.arange(pairs), own_counts)
        values = self.heads[concatenated_ranges(self.offsets[documents], own_counts)]
        below = values <= limit[own_pair]
        own_pair = own_pair[below]
        own = (kept_number[own_pair].astype(np.uint64) << np.uint64(32)) | values[below]
        held = np.zeros(pairs)
        if other.size:
            found = np.searchsorted(other, own)
            hit = other[np.minimum(found, other.size - 1)] == own
            held = np.bincount(own_pair[hit], minlength=pairs)
        total = np.bincount(own_pair, minlength=pairs)
        smallest = self.heads[np.minimum(self.offsets[kept], max(self.heads.size - 1, 0))] if self.heads.size else np.zeros(pairs, dtype=np.uint32)
        has_both = (total > 0) & (kept_counts > 0) & (smallest <= limit)
        return np.where(has_both, held / np.maximum(total, 1), 0.0)
