"""Build the character language model shipped in src/docrepair/data/charlm.tsv.gz (and the same
counts as arrays in charlm.npy.gz, what docrepair reads).

Source: the word list of jieba 0.42.1 (jieba/dict.txt, MIT licence): 349,046 simplified words,
each with a corpus frequency. Every word counts `frequency` times, and so does its traditional
form (OpenCC s2t, phrase-level, so 发展 → 發展 and 头发 → 頭髮). From each we count

- unigrams: each Han character, weighted by the word's frequency;
- bigrams: each pair of adjacent characters inside the word, weighted likewise.

Pairs across word boundaries are not in a word list; the model therefore says "this pair occurs
inside some word", which is what a repair needs (思想, 海關), and it is silent on pairs that only
meet across words. Counts are stored as integers; bigrams whose weighted count is below
MIN_BIGRAM_COUNT are dropped to keep the file small (it must stay under 3 MB).

Run from the repository root:

    pip install jieba==0.42.1 opencc
    python tools/build_charlm.py            # writes src/docrepair/data/charlm.tsv.gz and charlm.npy.gz

The output is deterministic: lines are sorted and gzip's header carries no time stamp.
"""

from __future__ import annotations

import argparse
import gzip
import io
import re
from collections import Counter
from pathlib import Path

#: Weighted bigram counts below this are dropped: measured to keep the file near 2 MB while
#: holding every pair of the seeds' vocabulary.
MIN_BIGRAM_COUNT = 3
_HAN = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")
OUT = Path(__file__).resolve().parent.parent / "src" / "docrepair" / "data" / "charlm.tsv.gz"


def iter_words(dict_path: Path):
    with open(dict_path, encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) >= 2 and _HAN.match(parts[0]):
                yield parts[0], int(parts[1])


def build(dict_path: Path) -> tuple[Counter, Counter]:
    import opencc

    s2t = opencc.OpenCC("s2t")
    words = list(iter_words(dict_path))
    # One OpenCC call for all words (its per-call cost dominates short strings).
    traditional = s2t.convert("\n".join(word for word, _ in words)).split("\n")
    assert len(traditional) == len(words)
    unigrams: Counter = Counter()
    bigrams: Counter = Counter()
    for (word, freq), trad in zip(words, traditional):
        forms = (word,) if trad == word else (word, trad)
        for form in forms:
            for ch in form:
                unigrams[ch] += freq
            for i in range(len(form) - 1):
                bigrams[form[i : i + 2]] += freq
    return unigrams, bigrams


def write(unigrams: Counter, bigrams: Counter, out: Path, source: str) -> None:
    lines = [f"# docrepair charlm v1; source: {source}; min_bigram_count={MIN_BIGRAM_COUNT}"]
    lines += [f"1\t{ch}\t{count}" for ch, count in sorted(unigrams.items())]
    lines += [f"2\t{pair}\t{count}" for pair, count in sorted(bigrams.items()) if count >= MIN_BIGRAM_COUNT]
    raw = ("\n".join(lines) + "\n").encode("utf-8")
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9, mtime=0, filename="") as handle:
        handle.write(raw)
    from docrepair.charlm import read_model_tsv, write_model_arrays
    from docrepair.files import write_atomic

    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, buffer.getvalue())
    # The same counts as arrays, what docrepair reads at run time (docrepair.charlm).
    write_atomic(out.with_name(out.name.replace(".tsv.gz", ".npy.gz")), write_model_arrays(*read_model_tsv(buffer.getvalue())))


def main() -> None:
    import jieba

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dict", type=Path, default=Path(jieba.__file__).parent / "dict.txt")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    unigrams, bigrams = build(args.dict)
    write(unigrams, bigrams, args.out, f"jieba {jieba.__version__} dict.txt + OpenCC s2t")
    print(f"{len(unigrams)} characters, {sum(1 for c in bigrams.values() if c >= MIN_BIGRAM_COUNT)} pairs, {args.out.stat().st_size} bytes -> {args.out}")


if __name__ == "__main__":
    main()
