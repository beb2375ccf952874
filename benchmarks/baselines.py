"""What users would otherwise reach for, each as a text -> text function."""

from __future__ import annotations

from functools import lru_cache


def unchanged(text: str) -> str:
    return text


def exact_line_dedup(text: str) -> str:
    """Keep the first occurrence of each non-blank line (sort -u without sorting)."""
    seen: set[str] = set()
    kept = []
    for line in text.splitlines():
        key = line.strip()
        if key and key in seen:
            continue
        seen.add(key)
        kept.append(line)
    return "\n".join(kept) + "\n"


def ftfy_fix_text(text: str) -> str:
    import ftfy

    return ftfy.fix_text(text)


@lru_cache(maxsize=1)
def _permutations():
    from datasketch import MinHash

    return MinHash(num_perm=128, seed=1, scheme="affine32")


def minhash_paragraph_dedup(text: str, threshold: float = 0.8, shingle: int = 5) -> str:
    """What MinHash dedup tools do at paragraph level: drop a paragraph whose 5-character
    shingles are near (estimated Jaccard >= 0.8) to an earlier kept one."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    kept = []
    for index, line in enumerate(text.splitlines()):
        body = line.strip()
        if len(body) < shingle:
            kept.append(line)
            continue
        sketch = MinHash(num_perm=128, seed=1, scheme="affine32", permutations=_permutations().permutations)
        sketch.update_batch([body[i : i + shingle].encode("utf-8") for i in range(len(body) - shingle + 1)])
        if lsh.query(sketch):
            continue
        lsh.insert(str(index), sketch)
        kept.append(line)
    return "\n".join(kept) + "\n"


def docrepair_fix(text: str) -> str:
    from docrepair import repair_text

    return repair_text(text).text


TOOLS = {
    "input unchanged": unchanged,
    "exact line dedup": exact_line_dedup,
    "ftfy fix_text": ftfy_fix_text,
    "MinHash paragraph dedup": minhash_paragraph_dedup,
    "docrepair": docrepair_fix,
}
