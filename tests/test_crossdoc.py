"""Cross-document near-duplicates: damaged copies of the seeds found as clusters, the same
clusters whatever the number of workers, the most complete copy kept, no cluster built by a chain
of copies, a popular notice verified against its kept copy instead of pair by pair, signatures
kept as arrays, and merge rebuilding a document from copies that each lost something."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import SAMPLES
from docrepair.cli import main
from docrepair.batch import clustering
from docrepair.batch.clustering import band_buckets
from docrepair.batch.crossdoc import CrossDocConfig, CrossDocIndex, Signature, SignatureBlock, sentence_keys, sign_text, sign_texts
from docrepair.sketch import fmix32, shingle_hashes

SEEDS = {path.name[:3]: path for path in SAMPLES}


def lines_of(seed: str) -> list[str]:
    return [line for line in SEEDS[seed].read_text(encoding="utf-8").splitlines() if line.strip()]


def to_other_script(text: str) -> str:
    import opencc

    return opencc.OpenCC("s2t").convert(text)


def damaged_copies(seed: str) -> dict[str, str]:
    """Three mirrors of one seed: one lost two clauses, one repeats a run of lines, one is in
    the other script (and lost its last line)."""
    lines = lines_of(seed)
    rng = random.Random(seed)
    lost = sorted(rng.sample(range(2, len(lines)), 2))
    start = len(lines) // 2
    return {
        f"{seed}-lost.txt": "\n".join(line for i, line in enumerate(lines) if i not in lost) + "\n",
        f"{seed}-repeat.txt": "\n".join(lines[: start + 3] + lines[start : start + 3] + lines[start + 3 :]) + "\n",
        f"{seed}-script.txt": to_other_script("\n".join(lines[:-1])) + "\n",
    }


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    root = tmp_path_factory.mktemp("archive")
    for seed in ("002", "004"):
        (root / f"{seed}.txt").write_bytes(SEEDS[seed].read_bytes())
        for name, text in damaged_copies(seed).items():
            (root / name).write_text(text, encoding="utf-8")
    (root / "003.txt").write_bytes(SEEDS["003"].read_bytes())  # the same subject, another document
    return root


def han_sentences(count: int, seed: int = 5) -> list[str]:
    """Distinct sentences of random Han characters, each ending with 。"""
    rng = random.Random(seed)
    return ["".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(rng.randint(30, 50))) + "。" for _ in range(count)]


def test_documents_share_a_bucket_exactly_when_a_band_agrees():
    signatures = np.arange(6 * 8, dtype=np.uint32).reshape(6, 8)
    signatures[1, :2] = signatures[0, :2]  # rows 0 and 1 agree on band 0
    signatures[2] = signatures[3]  # rows 2 and 3 agree everywhere
    buckets = band_buckets(signatures, 4, 2)
    assert buckets[0, 0] == buckets[1, 0] >= 0 and (buckets[0, 1:] == -1).all()
    assert (buckets[2] == buckets[3]).all() and (buckets[2] >= 0).all()
    assert (buckets[4:] == -1).all() and len(set(buckets[buckets >= 0].tolist())) == 5


def test_the_minhash_is_datasketchs_on_the_sampled_shingles_of_the_key():
    from datasketch import MinHash

    config = CrossDocConfig()
    text = SEEDS["004"].read_text(encoding="utf-8")
    shingles = shingle_hashes("".join(sentence_keys(text)), config.shingle_chars)
    # datasketch's affine32 mixes each value with fmix32 itself; the sample is taken on the mix.
    sampled = shingles[(fmix32(shingles) >> np.uint32(32 - config.sample_bits)) == 0]
    assert sampled.size >= config.min_sampled_shingles
    reference = MinHash(num_perm=config.num_perm, seed=config.seed, scheme="affine32", hashfunc=lambda value: value)
    reference.update_batch([int(value) for value in sampled])
    assert np.array_equal(sign_text(text, config).minhash, reference.hashvalues)


def test_signing_many_texts_at_once_gives_each_texts_own_signature():
    texts = [SEEDS[seed].read_text(encoding="utf-8") for seed in ("001", "002", "004")]
    texts += ["", "甲", "短句。", "。。。", "\U00020000\U00020001\U00020002\U00020003\U00020004\U00020005 ok", "abcd"]
    for config in (CrossDocConfig(), CrossDocConfig(max_key_chars=300)):
        block = sign_texts(texts, config)
        for row, text in enumerate(texts):
            alone = sign_texts([text], config).signature(0)
            together = block.signature(row)
            assert np.array_equal(alone.minhash, together.minhash) and np.array_equal(alone.heads, together.heads)
            assert alone.length == together.length
    assert sign_text("").heads.size == 0 and (sign_text("").minhash == 0xFFFFFFFF).all()


def test_a_copy_in_the_other_script_has_nearly_the_same_keys_and_signature():
    text = SEEDS["004"].read_text(encoding="utf-8")
    simplified, traditional = sentence_keys(text), sentence_keys(to_other_script(text))
    # Folded character by character: only phrase-level choices differ (s2t 家具 → 傢俱 → 家俱).
    assert len(simplified) == len(traditional)
    assert sum(a == b for a, b in zip(simplified, traditional)) >= 0.9 * len(simplified)
    first, second = sign_text(text), sign_text(to_other_script(text))
    assert np.mean(first.minhash == second.minhash) >= 0.9
    assert np.isin(second.heads, first.heads).mean() >= 0.95


def test_a_signature_survives_its_completion_marker():
    signature = sign_text(SEEDS["001"].read_text(encoding="utf-8"))
    again = Signature.from_dict(json.loads(json.dumps(signature.to_dict())))
    assert np.array_equal(again.minhash, signature.minhash) and again.minhash.dtype == np.uint32
    assert np.array_equal(again.heads, signature.heads) and again.heads.dtype == np.uint32
    assert again.length == signature.length


def test_a_marker_written_before_heads_gives_the_same_heads_from_its_digest():
    text = SEEDS["004"].read_text(encoding="utf-8")
    signature = sign_text(text)
    openings = sorted({key[:8] for key in sentence_keys(text)})
    old = {"minhash": signature.to_dict()["minhash"], "digest": " ".join(openings), "length": signature.length}
    assert np.array_equal(Signature.from_dict(old).heads, signature.heads)


def test_clusters_do_not_depend_on_the_order_documents_arrive_in():
    texts = {name: text for seed in ("002", "004") for name, text in damaged_copies(seed).items()}
    orders = [sorted(texts), sorted(texts, reverse=True)]
    results = []
    for order in orders:
        index = CrossDocIndex()
        for name in order:
            index.add_text(name, texts[name])
        results.append(index.clusters())
    assert results[0] == results[1]
    assert [c.members for c in results[0]] == [sorted(damaged_copies("002")), sorted(damaged_copies("004"))]


def test_ties_in_completeness_go_to_the_smallest_id():
    text = SEEDS["004"].read_text(encoding="utf-8")
    index = CrossDocIndex()
    for name in ("b", "c", "a"):
        index.add_text(name, text)
    (cluster,) = index.clusters()
    assert cluster.members == ["a", "b", "c"] and cluster.kept == "a"


def test_a_chain_of_copies_does_not_put_the_last_one_with_the_first_ones_kept_copy():
    # A~B and B~C, but C shares only 15 of its 35 sentences with A: union-find would make one
    # cluster of the three, kept A.
    sentences = han_sentences(90)
    texts = {"a": sentences[0:60], "b": sentences[20:70], "c": sentences[45:80]}
    config = CrossDocConfig()
    signatures = {name: sign_text("\n".join(lines), config) for name, lines in texts.items()}
    verify = clustering._Verifier(*_arrays(signatures.values()), _rule(config))
    assert verify.containment(1, 0) is not None and verify.containment(2, 1) is not None
    assert verify.containment(2, 0) is None
    index = CrossDocIndex(config)
    for name, signature in signatures.items():
        index.add(name, signature)
    (cluster,) = index.clusters()
    assert cluster.members == ["a", "b"] and cluster.kept == "a"
    assert list(cluster.scores) == ["a|b"] and cluster.scores["a|b"] == 80.0  # 40 of b's 50 sentences


def test_a_popular_notice_is_verified_against_its_kept_copy_not_pair_by_pair(monkeypatch):
    # 600 copies, each missing a different few sentences: every band bucket holds hundreds.
    sentences = han_sentences(60)
    rng = random.Random(3)
    texts = ["\n".join(s for s in sentences if rng.random() > 0.08) for _ in range(600)]
    pairs = []
    verify = clustering._Verifier.shares
    monkeypatch.setattr(clustering._Verifier, "shares", lambda self, d, k: pairs.extend(zip(d.tolist(), k.tolist())) or verify(self, d, k))
    index = CrossDocIndex()
    index.add_block([f"copy{n:03d}" for n in range(600)], sign_texts(texts))
    (cluster,) = index.clusters()
    assert len(cluster.members) == 600
    kept = cluster.members.index(cluster.kept)
    # Each copy against the kept copy, once: 599 pairs of the 179,700 the buckets hold.
    assert sorted(pairs) == sorted((copy, kept) for copy in range(600) if copy != kept)


def test_the_index_keeps_signatures_as_arrays_not_objects_per_document():
    import tracemalloc

    texts = [SEEDS[seed].read_text(encoding="utf-8") for seed in ("001", "002", "003", "004")]
    signatures = [sign_text(text) for text in texts]
    per_document = sum(s.minhash.nbytes + s.heads.nbytes + 8 for s in signatures) / len(signatures)
    index = CrossDocIndex()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    for number in range(20000):
        index.add(f"d{number:05d}", signatures[number % 4])
    index._flush()
    grown = sum(stat.size_diff for stat in tracemalloc.take_snapshot().compare_to(before, "filename"))
    tracemalloc.stop()
    # The arrays' bytes and the id (a short str and a list slot, ~65 bytes); an object per
    # document would add ~350 bytes more.
    assert grown / 20000 < per_document + 120


def _arrays(signatures) -> tuple:
    block = SignatureBlock.of(list(signatures), CrossDocConfig().num_perm)
    return block.minhash, block.heads, block.head_offsets()


def _rule(config: CrossDocConfig) -> clustering.KeeperRule:
    return clustering.KeeperRule(config.jaccard_threshold, config.min_containment, config.max_candidates, config.max_heads)


def test_damaged_copies_of_the_seeds_cluster_the_same_way_with_one_or_two_workers(archive, tmp_path):
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        result = CliRunner().invoke(main, ["batch", str(archive), "-o", str(out), "--jobs", jobs, "--cross-doc", "mark", "--quiet"])
        assert result.exit_code == 0, result.output
        outputs.append((out / "clusters.jsonl").read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]
    clusters = [json.loads(line) for line in outputs[0].splitlines()]
    assert [c["members"] for c in clusters] == [
        ["002-lost.txt", "002-repeat.txt", "002-script.txt", "002.txt"],
        ["004-lost.txt", "004-repeat.txt", "004-script.txt", "004.txt"],
    ]
    assert [c["cluster"] for c in clusters] == ["c00001", "c00002"]
    # Kept: the longest distinct text, never the copy that lost two clauses. (It is not always
    # the seed: a copy whose repair left a line of site chrome in is longer by that line.)
    assert all(c["kept"] in c["members"] and not c["kept"].endswith("-lost.txt") for c in clusters)
    assert all(set(pair.split("|")) <= set(c["members"]) for c in clusters for pair in c["scores"])
    settings = json.loads((tmp_path / "out1" / ".docrepair" / "crossdoc.json").read_text())
    assert settings["config"]["seed"] == CrossDocConfig().seed


def test_a_resumed_run_clusters_from_the_signatures_in_its_markers(archive, tmp_path):
    out = tmp_path / "out"
    first = CliRunner().invoke(main, ["batch", str(archive), "-o", str(out), "--cross-doc", "mark"])
    clusters = (out / "clusters.jsonl").read_text(encoding="utf-8")
    second = CliRunner().invoke(main, ["batch", str(archive), "-o", str(out), "--cross-doc", "mark"])
    assert first.exit_code == second.exit_code == 0
    assert "0 repaired, 9 already done" in second.stderr
    assert (out / "clusters.jsonl").read_text(encoding="utf-8") == clusters


def test_dedup_reports_clusters_and_writes_nothing(archive, tmp_path):
    result = CliRunner().invoke(main, ["dedup", str(archive), "--quiet", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    clusters = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(clusters) == 2 and all(len(c["members"]) == 4 for c in clusters)
    fast = CliRunner().invoke(main, ["dedup", str(archive), "--quiet", "--no-repair"])
    assert [json.loads(line)["members"] for line in fast.stdout.splitlines()] == [c["members"] for c in clusters]


def test_cross_doc_on_a_pipe_is_a_usage_error():
    result = CliRunner().invoke(main, ["batch", "-", "--cross-doc", "mark"], input=b"")
    assert result.exit_code == 2 and "--cross-doc needs -o OUTDIR" in result.stderr


def test_merge_takes_a_garbled_clause_from_the_copy_that_has_it_whole(tmp_path):
    lines = lines_of("004")
    sections = [i for i, line in enumerate(lines) if line.startswith("(") and line[1] in "一二三四五六七八九十"]
    garbled_at, lost_at = sections[1], sections[3]
    garbled = lines[garbled_at][:4] + "□□□□□□" + lines[garbled_at][10:20] + "□□□□" + lines[garbled_at][24:]
    folder = tmp_path / "in"
    folder.mkdir()
    copy1 = lines[:garbled_at] + [garbled] + lines[garbled_at + 1 :]
    copy2 = lines[:lost_at] + lines[lost_at + 1 :]
    (folder / "copy1.txt").write_text("\n".join(copy1) + "\n", encoding="utf-8")
    (folder / "copy2.txt").write_text("\n".join(copy2) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(folder), "-o", str(out), "--cross-doc", "merge", "--quiet"])
    assert result.exit_code == 0, result.output
    merged = (out / "merged" / "c00001.txt").read_text(encoding="utf-8")
    assert lines[garbled_at] in merged and lines[lost_at] in merged and "□" not in merged
    manifest = [json.loads(line) for line in (out / "merged" / "c00001.jsonl").read_text(encoding="utf-8").splitlines()]
    by_text = {m["text"]: m for m in manifest}
    assert by_text[lines[garbled_at][:40]]["from"] == "copy2.txt"  # the whole clause, not the garbled one
    assert by_text[lines[lost_at][:40]]["from"] == "copy1.txt"  # the clause copy2 lost
    clause = by_text[lines[lost_at][:40]]
    start, end = clause["from_span"]
    assert (out / "copy1.txt").read_text(encoding="utf-8")[start:end].startswith(lines[lost_at][:20])
    assert (out / "merged" / "c00001.notes.jsonl").exists()


def test_a_resumed_dedup_run_leaves_the_same_files_in_place(archive, tmp_path):
    out = tmp_path / "out"
    for _ in range(2):
        result = CliRunner().invoke(main, ["batch", str(archive), "-o", str(out), "--cross-doc", "dedup", "--quiet"])
        assert result.exit_code == 0, result.output
        kept = sorted(p.name for p in out.glob("*.txt"))
        aside = sorted(p.name for p in (out / ".docrepair" / "duplicates").glob("*.txt"))
        assert len(kept) == 3 and len(aside) == 6 and not set(kept) & set(aside)
    records = [json.loads(line) for line in (out / "duplicates.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(r["id"] for r in records) == aside


def test_the_benchmark_archive_has_popular_notices_and_each_document_is_reproducible():
    from benchmarks.batch_bench import load_source, plan_archive

    archive = plan_archive(100_000)
    copies = np.bincount(archive.bases)
    assert copies.max() >= 100 and np.median(copies) <= 9
    assert archive.texts(40, 43) == plan_archive(100_000).texts(40, 43)
    if not load_source().from_corpus:
        pytest.skip("../shared/corpus is absent: the archive is drawn from the seed cuts")
    sentences = set(load_source().sentences)
    lines = archive.texts(0, 1)[0].splitlines()
    assert sum(any(s in line for s in sentences) for line in lines) >= len(lines) // 2


def test_clusters_of_the_benchmark_archive_match_its_truth():
    from benchmarks.batch_bench import pairwise_scores, plan_archive

    archive = plan_archive(3000, seed=11)
    index = CrossDocIndex()
    index.add_block([f"doc{n:07d}" for n in range(len(archive))], sign_texts(archive.texts(0, len(archive))))
    clusters = index.clusters()
    label = {int(member[3:]): number for number, c in enumerate(clusters) for member in c.members}
    precision, recall = pairwise_scores(label, archive.bases.tolist())
    assert precision >= 0.99 and recall >= 0.99
    assert all(c.kept in c.members and all(score >= 60 for score in c.scores.values()) for c in clusters)


def one_by_one_keepers(block: SignatureBlock, rule: clustering.KeeperRule) -> tuple[list[int], list[float]]:
    """The keeper rule as clustering's docstring states it, one document at a time in plain Python:
    the reference the numpy decisions (all documents at once) must agree with."""
    from collections import Counter

    from docrepair.sketch import band_params

    count = block.count
    params = band_params(rule.jaccard_threshold, block.minhash.shape[1])
    rows = [[b for b in row if b >= 0] for row in band_buckets(block.minhash, params.bands, params.rows).tolist()]
    order = np.lexsort((np.arange(count), -block.lengths)).tolist()
    rank = {document: number for number, document in enumerate(order)}
    verify = clustering._Verifier(block.minhash, block.heads, block.head_offsets(), rule)
    first_member: dict[int, int] = {}
    for document in order:
        for bucket in rows[document]:
            first_member.setdefault(bucket, document)
    decided_in: dict[int, list[int]] = {}
    keepers, containment = list(range(count)), [0.0] * count
    for document in order:
        leaders = Counter(first_member[b] for b in rows[document] if first_member[b] != document)
        match = None
        if leaders:
            leader = min(leaders, key=lambda kept: (-leaders[kept], rank[kept]))
            if keepers[leader] == leader:
                match = verify.first_match(document, [leader])
        if match is None:
            offered: list[int] = []
            for bucket in rows[document]:
                kept = {keepers[member] for member in decided_in.get(bucket, [])}
                if len(kept) <= rule.max_candidates:  # more: formulaic text, the bucket offers none
                    offered += kept
            shared = Counter(offered)
            candidates = sorted(shared, key=lambda kept: (-shared[kept], rank[kept]))[: rule.max_candidates]
            match = verify.first_match(document, candidates)
        if match is not None:
            keepers[document], containment[document] = match
        for bucket in rows[document]:
            decided_in.setdefault(bucket, []).append(document)
    return keepers, containment


def tangled_texts(count: int = 1200, seed: int = 9) -> list[str]:
    """Documents drawn from one small pool of sentences (20 to 40 of 70): each shares about half
    its text with any other, so buckets hold many documents with many different kept documents
    (retired ones too), leaders often fail, and documents are decided through their buckets."""
    rng = random.Random(seed)
    pool = han_sentences(70, seed)
    return ["\n".join(rng.sample(pool, rng.randint(20, 40))) for _ in range(count)]


@pytest.mark.parametrize("max_candidates, min_containment", [(8, 0.6), (2, 0.6), (3, 0.45), (8, 0.45)])
def test_the_decisions_made_all_at_once_are_the_one_by_one_decisions(max_candidates, min_containment):
    from benchmarks.batch_bench import plan_archive

    rule = clustering.KeeperRule(0.3, min_containment, max_candidates, CrossDocConfig().max_heads)
    for texts in (plan_archive(1500, seed=5).texts(0, 1500), tangled_texts()):
        block = sign_texts(texts)
        keepers, containment = clustering.assign_keepers(block.minhash, block.heads, block.head_offsets(), block.lengths, rule)
        expected_keepers, expected_containment = one_by_one_keepers(block, rule)
        assert keepers.tolist() == expected_keepers and containment.tolist() == expected_containment
