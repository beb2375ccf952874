"""Batch mode as a user runs it: every kind of source, failures that do not stop the run,
resume, JSONL in and out, near-duplicate clusters."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile

import pytest
from click.testing import CliRunner

from conftest import SAMPLES
from docrepair import repair_file
from docrepair.cli import main

SEED_001 = next(p for p in SAMPLES if p.name.startswith("001"))
SEED_004 = next(p for p in SAMPLES if p.name.startswith("004"))


def run(*args: str, input: bytes | None = None):
    return CliRunner().invoke(main, ["batch", *args, "--quiet"], input=input, catch_exceptions=False)


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_bytes(SEED_001.read_bytes())
    (root / "sub" / "b.txt").write_bytes(SEED_004.read_bytes())
    return root


def test_a_folder_is_repaired_file_by_file_mirroring_paths(folder, tmp_path):
    out = tmp_path / "out"
    result = run(str(folder), "-o", str(out), "--jobs", "2")
    assert result.exit_code == 0, result.stderr
    assert (out / "a.txt").read_text(encoding="utf-8") == repair_file(SEED_001).text
    assert (out / "sub" / "b.txt").read_text(encoding="utf-8") == repair_file(SEED_004).text
    notes = (out / ".docrepair" / "notes" / "a.txt.jsonl").read_text(encoding="utf-8").splitlines()
    assert notes and all(json.loads(line)["schema"] == 1 for line in notes)


def test_bad_inputs_are_listed_and_the_run_goes_on(folder, tmp_path):
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" * 20)
    (folder / "empty.txt").write_bytes(b"")
    archive = tmp_path / "pack.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("good.txt", SEED_004.read_bytes())
        zf.writestr("../escape.txt", b"outside")
    out = tmp_path / "out"
    result = run(str(folder), str(archive), "-o", str(out))
    assert result.exit_code == 1
    failures = [json.loads(line) for line in (out / "failures.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {f["id"] for f in failures} == {"image.png", "pack.zip/../escape.txt"}
    assert (out / "pack" / "good.txt").exists() and (out / "empty.txt").read_text() == ""
    assert not (tmp_path / "escape.txt").exists()


def test_a_corrupt_zip_member_is_a_failure(tmp_path):
    archive = tmp_path / "pack.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.txt", SEED_001.read_bytes())
        zf.writestr("b.txt", SEED_004.read_bytes())
    data = bytearray(archive.read_bytes())
    offset = data.find(b"a.txt") + 40  # inside a.txt's compressed bytes
    data[offset : offset + 20] = b"\x00" * 20
    archive.write_bytes(bytes(data))
    out = tmp_path / "out"
    result = run(str(archive), "-o", str(out))
    assert result.exit_code == 1
    assert (out / "pack" / "b.txt").exists()
    assert "pack.zip/a.txt" in (out / "failures.jsonl").read_text(encoding="utf-8")


def test_a_tar_archive_and_its_links(tmp_path):
    archive = tmp_path / "pack.tar.gz"
    with tarfile.open(archive, "w:gz") as tf:
        info = tarfile.TarInfo("docs/a.txt")
        data = SEED_004.read_bytes()
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("docs/link.txt")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        tf.addfile(link)
    out = tmp_path / "out"
    result = run(str(archive), "-o", str(out))
    assert result.exit_code == 1
    assert (out / "pack" / "docs" / "a.txt").read_text(encoding="utf-8") == repair_file(SEED_004).text
    assert "links and devices" in (out / "failures.jsonl").read_text(encoding="utf-8")


def test_jsonl_in_and_out_through_a_pipe_keeps_the_order():
    records = [{"id": f"doc{i}", "text": path.read_text(encoding="utf-8")} for i, path in enumerate(SAMPLES)]
    stdin = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")
    result = run("-", input=stdin)
    assert result.exit_code == 0
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in out] == [r["id"] for r in records]
    assert out[1]["text"] == repair_file(SAMPLES[1]).text and out[1]["notes"]


def test_a_rerun_resumes_and_redoes_only_what_is_missing(folder, tmp_path):
    out = tmp_path / "out"
    run(str(folder), "-o", str(out))
    (out / "a.txt").unlink()
    for marker in (out / ".docrepair" / "done").iterdir():
        if marker.read_text() == __import__("hashlib").sha256(SEED_001.read_bytes()).hexdigest():
            marker.unlink()
    before = (out / "sub" / "b.txt").stat().st_mtime_ns
    result = CliRunner().invoke(main, ["batch", str(folder), "-o", str(out)], catch_exceptions=False)
    assert "1 repaired, 1 already done" in result.stderr
    assert (out / "a.txt").exists() and (out / "sub" / "b.txt").stat().st_mtime_ns == before


def test_near_duplicate_documents_are_clustered_the_same_way_with_any_number_of_workers(folder, tmp_path):
    # A mirror of b.txt that lost its last section: the same document, less complete.
    lines = SEED_004.read_text(encoding="utf-8").splitlines()
    last_section = max(i for i, line in enumerate(lines) if line.startswith("(十"))
    (folder / "mirror.txt").write_text("\n".join(lines[:last_section] + lines[last_section + 1 :]), encoding="utf-8")
    clusters = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        assert run(str(folder), "-o", str(out), "--jobs", jobs, "--cross-doc", "mark").exit_code == 0
        clusters.append((out / "clusters.jsonl").read_text(encoding="utf-8"))
    assert clusters[0] == clusters[1]
    (cluster,) = [json.loads(line) for line in clusters[0].splitlines()]
    assert cluster["members"] == ["mirror.txt", "sub/b.txt"] and cluster["kept"] == "sub/b.txt"


def test_without_an_outdir_only_a_pipe_is_allowed(folder):
    assert run(str(folder)).exit_code == 2


def test_cross_doc_dedup_keeps_the_most_complete_copy_and_sets_the_others_aside(folder, tmp_path):
    lines = SEED_004.read_text(encoding="utf-8").splitlines()
    last_section = max(i for i, line in enumerate(lines) if line.startswith("(十"))
    (folder / "mirror.txt").write_text("\n".join(lines[:last_section] + lines[last_section + 1 :]), encoding="utf-8")
    out = tmp_path / "out"
    result = run(str(folder), "-o", str(out), "--cross-doc", "dedup", "--no-resume")
    assert result.exit_code == 0, result.stderr
    assert (out / "sub" / "b.txt").exists() and not (out / "mirror.txt").exists()
    assert (out / ".docrepair" / "duplicates" / "mirror.txt").exists()
    (record,) = [json.loads(line) for line in (out / "duplicates.jsonl").read_text(encoding="utf-8").splitlines()]
    assert record["id"] == "mirror.txt" and record["kept"] == "sub/b.txt"


def test_archive_bombs_and_member_floods_are_refused_by_configurable_limits(tmp_path):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.txt", b"\x00" * (8 * 1024 * 1024))  # 8 MiB of zeros: ~1000x
        for index in range(5):
            zf.writestr(f"doc{index}.txt", SEED_004.read_bytes())
    out = tmp_path / "out"
    result = run(str(archive), "-o", str(out), "--max-members", "4")
    assert result.exit_code == 1
    failures = (out / "failures.jsonl").read_text(encoding="utf-8")
    assert "compression bomb" in failures and "more than 4 members" in failures
    assert len(list((out / "bomb").glob("doc*.txt"))) == 3


def test_a_second_run_on_the_same_outdir_is_refused_while_the_first_holds_it(folder, tmp_path):
    from docrepair.batch.runner import outdir_lock

    out = tmp_path / "out"
    holder = outdir_lock(out)
    try:
        result = CliRunner().invoke(main, ["batch", str(folder), "-o", str(out)])
        assert result.exit_code == 1 and "in use by another docrepair batch run" in result.stderr
        assert len(result.stderr.splitlines()) == 1
    finally:
        holder.close()
    assert run(str(folder), "-o", str(out)).exit_code == 0


def test_cross_doc_merge_recovers_clauses_no_single_copy_has(tmp_path):
    lines = SEED_004.read_text(encoding="utf-8").splitlines()
    sections = [i for i, line in enumerate(lines) if line.startswith("(") and line[1] in "一二三四五六七八九十"]
    first, last = sections[2], sections[-1]  # each copy lost a different section
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "copy1.txt").write_text("\n".join(lines[:first] + lines[first + 1 :]), encoding="utf-8")
    (folder / "copy2.txt").write_text("\n".join(lines[:last] + lines[last + 1 :]), encoding="utf-8")
    out = tmp_path / "out"
    result = run(str(folder), "-o", str(out), "--cross-doc", "merge", "--no-resume")
    assert result.exit_code == 0, result.stderr
    merged = (out / "merged" / "c00001.txt").read_text(encoding="utf-8")
    assert lines[first] in merged and lines[last] in merged
    assert merged.count(lines[sections[0]]) == 1
    order = [merged.index(lines[i]) for i in sections]
    assert order == sorted(order)  # the recovered section stands in its numbered place
    provenance = [json.loads(line) for line in (out / "merged" / "c00001.jsonl").read_text(encoding="utf-8").splitlines()]
    sources = {p["from"] for p in provenance}
    assert sources == {"copy1.txt", "copy2.txt"}
