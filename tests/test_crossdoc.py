"""Cross-document near-duplicates: damaged copies of the seeds found as clusters, the same
clusters whatever the number of workers, the most complete copy kept, and merge rebuilding a
document from copies that each lost something."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import SAMPLES
from docrepair.cli import main
from docrepair.batch.crossdoc import CrossDocConfig, CrossDocIndex, Signature, band_pairs, sentence_keys, sign_text
from docrepair.sketch import band_params, candidate_pairs

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


def test_the_datasketch_compatible_band_pairs_agree_with_the_sketch_module():
    rng = np.random.default_rng(1)
    signatures = rng.integers(0, 4, size=(300, 32), dtype=np.uint32)  # few values: many buckets collide
    params = band_params(0.5, 32)
    for max_bucket in (64, 3):
        first, second = band_pairs(signatures, params, max_bucket)
        assert list(zip(first.tolist(), second.tolist())) == candidate_pairs(signatures, params, max_bucket)


def test_a_copy_in_the_other_script_has_nearly_the_same_keys_and_signature():
    from rapidfuzz import fuzz

    text = SEEDS["004"].read_text(encoding="utf-8")
    simplified, traditional = sentence_keys(text), sentence_keys(to_other_script(text))
    # Folded character by character: only phrase-level choices differ (s2t 家具 → 傢俱 → 家俱).
    assert len(simplified) == len(traditional)
    assert sum(a == b for a, b in zip(simplified, traditional)) >= 0.9 * len(simplified)
    first, second = sign_text(text), sign_text(to_other_script(text))
    assert np.mean(first.minhash == second.minhash) >= 0.9
    assert fuzz.token_set_ratio(first.digest, second.digest) >= 95


def test_a_signature_survives_its_completion_marker():
    signature = sign_text(SEEDS["001"].read_text(encoding="utf-8"))
    again = Signature.from_dict(json.loads(json.dumps(signature.to_dict())))
    assert np.array_equal(again.minhash, signature.minhash) and again.minhash.dtype == np.uint32
    assert (again.digest, again.length) == (signature.digest, signature.length)


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
