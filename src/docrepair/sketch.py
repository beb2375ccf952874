"""Character-shingle MinHash signatures and LSH banding, vectorised with numpy.

The signatures are exactly what datasketch's `MinHash(num_perm, seed, scheme="affine32",
hashfunc=identity)` gives when fed the same 32-bit shingle hashes (a test checks this), but
computed for many texts at once: one numpy pass instead of one Python object per text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import numpy as np

#: FNV-1a's 32-bit prime: an odd multiplier that mixes code points well for a polynomial hash.
_SHINGLE_PRIME = np.uint32(0x01000193)
#: Shingles processed per chunk when applying permutations: the chunk's permuted values,
#: chunk * num_perm * 4 bytes (2 MiB at 64 permutations), stay in the CPU cache; at 65536 they
#: did not, and the same work took seven times as long.
_CHUNK_SHINGLES = 8192
_EMPTY = np.uint32(0xFFFFFFFF)


def shingle_hashes(key: str, size: int) -> np.ndarray:
    """32-bit hashes of the character n-grams of `key` (a polynomial hash of code points).
    A key shorter than `size` is one shingle."""
    codes = np.frombuffer(key.encode("utf-32-le"), dtype=np.uint32)
    if codes.size == 0:
        return np.zeros(0, dtype=np.uint32)
    return ngram_hashes(codes, min(size, codes.size))


def ngram_hashes(codes: np.ndarray, size: int) -> np.ndarray:
    """The polynomial hash of every run of `size` consecutive values of `codes` (uint32)."""
    count = codes.size - size + 1
    hashes = np.zeros(max(count, 0), dtype=np.uint32)
    with np.errstate(over="ignore"):
        for offset in range(size):  # in place: no temporary array per step
            np.multiply(hashes, _SHINGLE_PRIME, out=hashes)
            np.add(hashes, codes[offset : offset + count], out=hashes)
    return hashes


def fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, the pre-mix datasketch applies in its affine schemes."""
    mixed = values.astype(np.uint32)  # a copy, then every step in place (no temporaries)
    shifted = np.empty_like(mixed)
    with np.errstate(over="ignore"):
        for shift, multiplier in ((16, 0x85EBCA6B), (13, 0xC2B2AE35), (16, None)):
            np.right_shift(mixed, np.uint32(shift), out=shifted)
            np.bitwise_xor(mixed, shifted, out=mixed)
            if multiplier is not None:
                np.multiply(mixed, np.uint32(multiplier), out=mixed)
    return mixed


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's own affine32 permutation parameters for this seed, taken from a MinHash so
    the two can never drift apart."""
    from datasketch import MinHash

    a, b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32", hashfunc=int).permutations
    return np.asarray(a, dtype=np.uint32), np.asarray(b, dtype=np.uint32)


def minhash_signatures(keys: Sequence[str], shingle_chars: int, num_perm: int, seed: int) -> np.ndarray:
    """A (len(keys), num_perm) uint32 matrix of MinHash values; an empty key gets all-max."""
    per_key = [shingle_hashes(key, shingle_chars) for key in keys]
    lengths = np.array([h.size for h in per_key], dtype=np.int64)
    if not lengths.sum():
        return np.full((len(keys), num_perm), _EMPTY, dtype=np.uint32)
    owner = np.repeat(np.arange(len(keys)), lengths)
    return minhash_by_owner(fmix32(np.concatenate(per_key)), owner, len(keys), num_perm, seed)


def minhash_by_owner(mixed: np.ndarray, owner: np.ndarray, count: int, num_perm: int, seed: int) -> np.ndarray:
    """The (count, num_perm) MinHash matrix of `count` sets given as one array of mixed shingle
    hashes and, for each, the set it belongs to (`owner`, non-decreasing). A set with no
    shingle gets all-max."""
    a, b = permutations(num_perm, seed)
    signatures = np.full((count, num_perm), _EMPTY, dtype=np.uint32)
    for start in range(0, mixed.size, _CHUNK_SHINGLES):
        chunk = mixed[start : start + _CHUNK_SHINGLES]
        chunk_owner = owner[start : start + _CHUNK_SHINGLES]
        # Permutations along rows, shingles along columns: the shingles of one key are a
        # contiguous run of each row, and reducing runs along the contiguous axis is about
        # five times faster than along the strided one.
        with np.errstate(over="ignore"):
            permuted = np.multiply(a[:, None], chunk[None, :])
            permuted += b[:, None]  # in place: one pass over the chunk less
        run_starts = np.flatnonzero(np.r_[True, chunk_owner[1:] != chunk_owner[:-1]])
        mins = np.minimum.reduceat(permuted, run_starts, axis=1).T
        rows = chunk_owner[run_starts]
        signatures[rows] = np.minimum(signatures[rows], mins)
    return signatures


@dataclass(frozen=True)
class BandParams:
    bands: int
    rows: int


@lru_cache(maxsize=16)
def band_params(threshold: float, num_perm: int) -> BandParams:
    """The (bands, rows) that LSH should use for a Jaccard threshold: equal weight on false
    positives and negatives, the choice datasketch's MinHashLSH makes (a test checks they agree)."""
    bands, rows = optimal_bands(threshold, num_perm)
    return BandParams(bands, rows)


def optimal_bands(threshold: float, num_perm: int, false_positive_weight: float = 0.5, false_negative_weight: float = 0.5) -> tuple[int, int]:
    """The (bands, rows), bands * rows <= num_perm, that minimise the weighted error of LSH at a
    Jaccard threshold t.

    Two texts of similarity s share at least one of b bands of r rows with probability
    P(s) = 1 - (1 - s^r)^b. The false positive area is the integral of P over [0, t] (pairs
    below the threshold that become candidates), the false negative area that of 1 - P over
    [t, 1]. P is a polynomial in s of degree b * r <= num_perm, so Gauss-Legendre quadrature
    with num_perm // 2 + 1 nodes integrates it exactly (it is exact to degree 2n - 1). The
    first minimum wins, bands then rows ascending."""
    nodes, weights = np.polynomial.legendre.leggauss(num_perm // 2 + 1)
    pairs = np.array([(b, r) for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)], dtype=np.float64)
    bands, rows = pairs[:, :1], pairs[:, 1:]

    def area(low: float, high: float, missed: bool) -> np.ndarray:
        s = (high - low) / 2 * nodes + (high + low) / 2  # the nodes moved from [-1, 1] to [low, high]
        collide = 1.0 - (1.0 - s[None, :] ** rows) ** bands
        return (high - low) / 2 * ((1.0 - collide if missed else collide) @ weights)

    error = false_positive_weight * area(0.0, threshold, False) + false_negative_weight * area(threshold, 1.0, True)
    best = int(np.argmin(error))  # the first of equal minima, as the loop order above
    return int(pairs[best, 0]), int(pairs[best, 1])


def candidate_pairs(signatures: np.ndarray, params: BandParams, max_bucket: int = 64) -> list[tuple[int, int]]:
    """Pairs (i < j) that share at least one LSH band, sorted. A bucket with more than
    `max_bucket` members pairs only neighbours in index order, so one text repeated 100k times
    cannot make the candidate list quadratic (its exact copies are caught by key equality)."""
    count = signatures.shape[0]
    pairs: set[tuple[int, int]] = set()
    if count < 2:
        return []
    for band in range(params.bands):
        block = np.ascontiguousarray(signatures[:, band * params.rows : (band + 1) * params.rows])
        band_keys = block.view(np.dtype((np.void, block.dtype.itemsize * params.rows))).ravel()
        order = np.argsort(band_keys, kind="stable")
        sorted_keys = band_keys[order]
        boundaries = np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1
        starts = np.concatenate(([0], boundaries))
        ends = np.concatenate((boundaries, [count]))
        # Only buckets that hold two or more texts make pairs; most hold one.
        for start, end in zip(starts[ends - starts > 1].tolist(), ends[ends - starts > 1].tolist()):
            members = np.sort(order[start:end]).tolist()
            if len(members) > max_bucket:
                pairs.update(zip(members[:-1], members[1:]))
                continue
            for i in range(len(members)):
                for j in range(i + 1, len(members)):
                    pairs.add((members[i], members[j]))
    return sorted(pairs)
