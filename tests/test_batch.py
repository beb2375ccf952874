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


def run(*args: str, input: bytes | None = None, quiet: bool = True):
    return CliRunner().invoke(main, ["batch", *args, "--quiet"] if quiet else ["batch", *args], input=input, catch_exceptions=False)


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
    result = run(str(folder), str(archive), "-o", str(out), "--glob", "*.txt", "--glob", "*.PNG")
    assert result.exit_code == 1
    failures = [json.loads(line) for line in (out / "failures.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {f["id"] for f in failures} == {"empty.txt", "image.png", "pack.zip/../escape.txt"}
    assert all(f["error"] and "\n" not in f["error"] for f in failures)
    assert (out / "pack" / "good.txt").exists() and not (out / "empty.txt").exists()
    assert not (tmp_path / "escape.txt").exists()



def test_a_file_that_keeps_changing_is_a_failure_and_the_others_are_written(folder, tmp_path, monkeypatch):
    from docrepair.batch import sources
    from docrepair.files import read_stable

    growing = folder / "sub" / "growing.txt"
    growing.write_bytes(SEED_004.read_bytes())

    def append(attempt):
        with growing.open("ab") as stream:
            stream.write("（一）又一行。\n".encode())

    def read_while_a_crawler_appends(path, **options):  # the real read; the file really grows between its fstats
        if path == growing:
            options["after_read"] = append
        return read_stable(path, **options)

    monkeypatch.setattr(sources, "read_stable", read_while_a_crawler_appends)
    out = tmp_path / "out"
    result = run(str(folder), "-o", str(out), "--jobs", "1")
    assert result.exit_code == 1
    (failure,) = [json.loads(line) for line in (out / "failures.jsonl").read_text(encoding="utf-8").splitlines()]
    assert failure["id"] == "sub/growing.txt" and failure["source"] == str(growing)
    assert failure["error"] == f"input changed while being read: {growing}; try again once it is fully written"
    assert (out / "a.txt").read_text(encoding="utf-8") == repair_file(SEED_001).text
    assert (out / "sub" / "b.txt").exists() and not (out / "sub" / "growing.txt").exists()


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
    assert out[1]["text"] == repair_file(SAMPLES[1]).text and out[1]["docrepair"]["notes"] > 0


def test_a_rerun_resumes_and_redoes_only_what_is_missing(folder, tmp_path):
    out = tmp_path / "out"
    run(str(folder), "-o", str(out))
    markers = sorted((out / ".docrepair" / "done").rglob("*.json"))
    assert len(markers) == 2
    (out / "a.txt").unlink()  # the output alone: its marker is still there
    before = {path: path.stat().st_mtime_ns for path in [out / "sub" / "b.txt", *markers]}
    result = run(str(folder), "-o", str(out), quiet=False)
    assert result.exit_code == 0
    assert "1 repaired, 1 already done" in result.stderr
    assert (out / "a.txt").read_text(encoding="utf-8") == repair_file(SEED_001).text
    changed = [path.name for path, mtime in before.items() if path.stat().st_mtime_ns != mtime]
    assert changed == [marker.name for marker in markers if json.loads(marker.read_text())["id"] == "a.txt"]
    assert "0 repaired, 2 already done" in run(str(folder), "-o", str(out), quiet=False).stderr
    assert "2 repaired" in run(str(folder), "-o", str(out), "--no-resume", quiet=False).stderr


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


def test_a_single_file_and_a_gzipped_jsonl_with_other_field_names(tmp_path):
    import gzip

    records = [{"key": "x/one", "body": SEED_004.read_text(encoding="utf-8")}, {"key": "two", "body": SEED_001.read_text(encoding="utf-8")}]
    source = tmp_path / "records.jsonl.gz"
    with gzip.open(source, "wt", encoding="utf-8") as stream:
        stream.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        stream.write('{"key": "bad"}\n')  # no text field: a failure, the run goes on
    out = tmp_path / "out"
    result = run(str(source), str(SEED_004), "-o", str(out), "--text-field", "body", "--id-field", "key")
    assert result.exit_code == 1
    one, two = [json.loads(line) for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert one["key"] == "x/one" and one["body"] == repair_file(SEED_004).text and "text" not in one
    assert (out / SEED_004.name).read_text(encoding="utf-8") == repair_file(SEED_004).text
    (failure,) = [json.loads(line) for line in (out / "failures.jsonl").read_text(encoding="utf-8").splitlines()]
    assert failure["id"] == f"{source}:3" and "body" in failure["error"]


def test_jsonl_output_resumes_after_a_line_cut_by_a_crash(folder, tmp_path):
    out = tmp_path / "out"
    assert run(str(folder), "-o", str(out), "--format", "jsonl").exit_code == 0
    records = (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(r)["id"] for r in records] == ["a.txt", "sub/b.txt"]
    assert set(json.loads(records[0])) == {"id", "text", "docrepair"}
    # A crash while the second record was written: half a line, and no marker for it.
    (out / "documents.jsonl").write_text(records[0] + "\n" + records[1][:100], encoding="utf-8")
    marker = next(m for m in (out / ".docrepair" / "done").rglob("*.json") if json.loads(m.read_text())["id"] == "sub/b.txt")
    marker.unlink()
    assert run(str(folder), "-o", str(out), "--format", "jsonl").exit_code == 0
    assert (out / "documents.jsonl").read_text(encoding="utf-8").splitlines() == records


def test_jsonl_records_written_after_the_last_commit_are_not_kept_twice(folder, tmp_path):
    """A run killed after writing a record but before the commit that writes its marker: the
    resumed run cuts documents.jsonl back to its committed length and does that document again,
    so its record appears once."""
    out = tmp_path / "out"
    assert run(str(folder), "-o", str(out), "--format", "jsonl").exit_code == 0
    records = (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    committed = out / ".docrepair" / "committed.json"
    assert json.loads(committed.read_text()) == {"documents.jsonl": (out / "documents.jsonl").stat().st_size}
    # As if sub/b.txt's record was written after the last commit: whole, but past the committed
    # length, and without its marker.
    committed.write_text(json.dumps({"documents.jsonl": len((records[0] + "\n").encode("utf-8"))}))
    marker = next(m for m in (out / ".docrepair" / "done").rglob("*.json") if json.loads(m.read_text())["id"] == "sub/b.txt")
    marker.unlink()
    result = run(str(folder), "-o", str(out), "--format", "jsonl", quiet=False)
    assert result.exit_code == 0 and "1 repaired, 1 already done" in result.stderr
    assert (out / "documents.jsonl").read_text(encoding="utf-8").splitlines() == records


def test_a_batch_makes_its_outputs_durable_in_commits_not_file_by_file(tmp_path, monkeypatch):
    """One fsync per output file cost ~4 ms a document in the writing process; the writer syncs
    once per commit (every COMMIT_DOCUMENTS documents or COMMIT_SECONDS seconds, and at the end)
    and writes the markers after the sync."""
    import os

    from docrepair.batch import runner

    folder = tmp_path / "in"
    folder.mkdir()
    for index in range(6):
        (folder / f"doc{index}.txt").write_bytes(SEED_004.read_bytes())
    calls = {"fsync": 0, "sync": 0}
    real_fsync, real_sync = os.fsync, os.sync
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.__setitem__("fsync", calls["fsync"] + 1), real_fsync(fd))[1])
    monkeypatch.setattr(os, "sync", lambda: (calls.__setitem__("sync", calls["sync"] + 1), real_sync())[1])
    monkeypatch.setattr(runner, "COMMIT_DOCUMENTS", 4)
    monkeypatch.setattr(runner, "COMMIT_SECONDS", 3600.0)
    out = tmp_path / "out"
    assert run(str(folder), "-o", str(out), "--jobs", "1").exit_code == 0
    # 6 documents, 18 files (text, notes, marker): two commits (after 4, and at the end) of two
    # syncs each; the settings file is the one write flushed on its own.
    assert calls == {"fsync": 1, "sync": 4}
    assert len(list((out / ".docrepair" / "done").rglob("*.json"))) == 6


def test_outputs_are_the_same_bytes_with_one_or_two_workers(folder, tmp_path):
    for seed in SAMPLES:
        (folder / "more" / seed.name).parent.mkdir(exist_ok=True)
        (folder / "more" / seed.name).write_bytes(seed.read_bytes())
    trees = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        assert run(str(folder), "-o", str(out), "--jobs", jobs).exit_code == 0
        trees.append({p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file() and p.name != ".docrepair.lock"})
    # Each document: its output, its notes and its marker; and the settings the folder was made with.
    assert trees[0] == trees[1] and len(trees[0]) == 3 * (2 + len(SAMPLES)) + 1


_SLOW_RUN = """
import sys, time
import docrepair.batch.runner as runner
repair = runner.process_document
def slow(document, task):
    time.sleep(0.15)
    return repair(document, task)
runner.process_document = slow
from docrepair.cli import main
main.main(["batch", *sys.argv[1:]])
"""


def test_a_run_killed_midway_resumes_without_partial_files_or_work_done_twice(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    folder = tmp_path / "in"
    folder.mkdir()
    for index in range(30):
        (folder / f"doc{index:02d}.txt").write_bytes(SEED_004.read_bytes())
    out = tmp_path / "out"
    command = [sys.executable, "-c", _SLOW_RUN, str(folder), "-o", str(out), "--jobs", "1", "--quiet"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE)
    done = out / ".docrepair" / "done"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(list(done.rglob("*.json")) if done.exists() else []) < 5:
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    finished = {m: m.stat().st_mtime_ns for m in done.rglob("*.json")}
    assert 5 <= len(finished) < 30
    (out / ".doc29.txt.a1b2c3d4.tmp").write_bytes(b"half a docu")  # what a kill mid-write leaves
    result = run(str(folder), "-o", str(out), quiet=False)
    assert result.exit_code == 0
    assert f"{30 - len(finished)} repaired, {len(finished)} already done" in result.stderr
    assert all(marker.stat().st_mtime_ns == mtime for marker, mtime in finished.items())  # not done twice
    assert not list(out.rglob("*.tmp"))
    expected = repair_file(SEED_004).text
    assert all((out / f"doc{index:02d}.txt").read_text(encoding="utf-8") == expected for index in range(30))


def test_the_progress_line_counts_rates_and_estimates():
    from docrepair.batch.runner import Summary, progress_line

    line = progress_line(Summary(done=40, skipped=10, failed=2, bytes_in=4_000_000), 2.0, 100)
    assert line == "52/100 documents, 2 failed, 10 already done, 2.00 MB/s, ETA 0:02"
    assert "ETA" not in progress_line(Summary(done=1), 1.0, None)


def test_bad_options_are_one_line_and_exit_two(folder, tmp_path):
    result = CliRunner().invoke(main, ["batch", str(folder), "-o", str(tmp_path / "o"), "--cross-doc", "merge", "--format", "jsonl"])
    assert result.exit_code == 2 and "needs --format files" in result.stderr
    result = CliRunner().invoke(main, ["batch", str(folder), "-o", str(tmp_path / "o"), "--jobs", "0"])
    assert result.exit_code == 2


def test_the_ray_engine_without_ray_is_one_line_with_the_pip_command(folder, tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "ray", None)  # as if the extra were not installed
    result = CliRunner().invoke(main, ["batch", str(folder), "-o", str(tmp_path / "out"), "--engine", "ray"])
    assert result.exit_code == 1
    assert result.stderr == "Error: the Ray engine needs the ray extra: pip install 'docrepair[ray]'\n"


def test_importing_docrepair_and_the_batch_commands_never_imports_ray():
    import subprocess
    import sys

    code = "import sys, docrepair, docrepair.batch.cli, docrepair.batch.runner, docrepair.batch.engines.local; print('ray' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_the_ray_engine_gives_the_local_engines_bytes(folder, tmp_path):
    pytest.importorskip("ray")
    lines = SEED_004.read_text(encoding="utf-8").splitlines()
    (folder / "mirror.txt").write_text("\n".join(lines[:-3]), encoding="utf-8")
    trees = []
    for engine in ("local", "ray"):
        out = tmp_path / engine
        result = run(str(folder), "-o", str(out), "--engine", engine, "--jobs", "2", "--cross-doc", "mark")
        assert result.exit_code == 0, result.stderr
        trees.append({p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file() and p.name != ".docrepair.lock"})
    assert trees[0] == trees[1]
    assert json.loads(trees[1]["clusters.jsonl"])["members"] == ["mirror.txt", "sub/b.txt"]


def _jsonl(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_jsonl_records_keep_every_field_and_their_text_field(tmp_path):
    records = [
        {"url": "http://a.example/1", "content": SEED_001.read_text(encoding="utf-8"), "meta": {"site": "a", "tags": [1, 2.5, None]}, "id": "one"},
        {"content": SEED_004.read_text(encoding="utf-8"), "url": "http://b.example/2", "id": "two", "docrepair_seen": True},
    ]
    source = tmp_path / "crawl.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    (tmp_path / "plain.txt").write_bytes(SEED_004.read_bytes())
    out = tmp_path / "out"
    assert run(str(source), str(tmp_path / "plain.txt"), "-o", str(out), "--text-field", "content").exit_code == 0
    # One JSONL output per JSONL source; plain files keep their layout.
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["crawl.jsonl", "plain.txt"]
    written = _jsonl(out / "crawl.jsonl")
    for before, after, seed in zip(records, written, (SEED_001, SEED_004)):
        assert list(after) == [*before, "docrepair"]  # every field, in its order, and the account last
        assert {k: v for k, v in after.items() if k not in ("content", "docrepair")} == {k: v for k, v in before.items() if k != "content"}
        assert after["content"] == repair_file(seed).text
        assert after["docrepair"]["notes"] == sum(after["docrepair"]["counts"].values()) > 0

    piped = run("-", "--text-field", "content", "--notes", "none", input=source.read_bytes())
    assert [list(r) for r in _jsonl_lines(piped.stdout)] == [list(r) for r in records]
    full = _jsonl_lines(run("-", "--text-field", "content", "--notes", "full", input=source.read_bytes()).stdout)
    assert full[0]["docrepair"]["notes"] == [note.to_dict() for note in repair_file(SEED_001).notes]
    assert full[0]["docrepair"]["header"]["counts"] == written[0]["docrepair"]["counts"]


def _jsonl_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_two_jsonl_sources_of_one_name_get_two_outputs_and_a_rerun_appends_nothing(tmp_path):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "r.jsonl").write_text(json.dumps({"id": name, "text": SEED_004.read_text(encoding="utf-8")}, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    args = (str(tmp_path / "a" / "r.jsonl"), str(tmp_path / "b" / "r.jsonl"), "-o", str(out))
    assert run(*args).exit_code == 0
    assert [r["id"] for r in _jsonl(out / "r.jsonl")] == ["a"] and [r["id"] for r in _jsonl(out / "r-2.jsonl")] == ["b"]
    again = run(*args, quiet=False)
    assert "0 repaired, 2 already done" in again.stderr
    assert [r["id"] for r in _jsonl(out / "r.jsonl")] == ["a"]


def test_a_folder_made_with_other_settings_is_refused_or_redone_never_reused(folder, tmp_path):
    out = tmp_path / "out"
    assert run(str(folder), "-o", str(out)).exit_code == 0
    kept = (out / "a.txt").read_bytes()
    refused = run(str(folder), "-o", str(out), "--script", "simplified", quiet=False)
    assert refused.exit_code == 1
    assert refused.stderr.strip().splitlines() == [
        f"Error: {out} was made with other settings (--script keep then, simplified now); rerun with --redo to redo its documents, or write to another folder"
    ]
    assert (out / "a.txt").read_bytes() == kept
    redone = run(str(folder), "-o", str(out), "--script", "simplified", "--redo", quiet=False)
    assert redone.exit_code == 0 and "2 repaired, 0 already done" in redone.stderr
    from docrepair.cli_options import build_config

    assert (out / "a.txt").read_text(encoding="utf-8") == repair_file(SEED_001, build_config(script="simplified")).text != kept.decode("utf-8")
    # The same settings again: done, and the old ones are now the other settings.
    assert "0 repaired, 2 already done" in run(str(folder), "-o", str(out), "--script", "simplified", quiet=False).stderr
    assert "--skip (none) then, dedup now" in run(str(folder), "-o", str(out), "--script", "simplified", "--skip", "dedup", quiet=False).stderr


def test_zip_members_named_in_gbk_without_the_utf8_flag_keep_their_chinese_names(tmp_path):
    archive = tmp_path / "win.zip"
    # What a Windows tool in a Chinese locale writes: GBK bytes, flag bit 11 unset. zipfile
    # writes any non-ASCII name as flagged UTF-8, so an ASCII stand-in of the same length goes
    # in and the GBK bytes are put in its place (local header and central directory).
    gbk = "通知/关于加强管理的通知.txt".encode("gbk")
    stand_in = bytes(byte if byte < 0x80 else ord("q") for byte in gbk)
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(stand_in.decode("ascii"), SEED_004.read_bytes())
        zf.writestr("plain.txt", SEED_001.read_bytes())
        zf.writestr("utf8名.txt", SEED_004.read_bytes())  # flagged UTF-8: as it is
    archive.write_bytes(archive.read_bytes().replace(stand_in, gbk))
    assert not any(info.flag_bits & 0x800 for info in zipfile.ZipFile(archive).infolist()[:2])
    out = tmp_path / "out"
    assert run(str(archive), "-o", str(out)).exit_code == 0
    assert (out / "win" / "通知" / "关于加强管理的通知.txt").read_text(encoding="utf-8") == repair_file(SEED_004).text
    assert (out / "win" / "plain.txt").exists() and (out / "win" / "utf8名.txt").exists()


def test_a_folder_gives_only_its_text_files_unless_glob_says_otherwise(tmp_path):
    root = tmp_path / "samples"
    root.mkdir()
    (root / "README.md").write_text("# Samples\n\n| seed | damage |\n|---|---|\n| 001 | doubled |\n", encoding="utf-8")
    (root / "style.css").write_text("body { color: red }\n", encoding="utf-8")
    (root / "001.TXT").write_bytes(SEED_001.read_bytes())
    out = tmp_path / "out"
    assert run(str(root), "-o", str(out)).exit_code == 0
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["001.TXT"]
    assert run(str(root), "-o", str(tmp_path / "md"), "--glob", "*.md").exit_code == 0
    assert sorted(p.name for p in (tmp_path / "md").iterdir() if not p.name.startswith(".")) == ["README.md"]
    # A file named on the command line is taken whatever its name.
    assert run(str(root / "README.md"), "-o", str(tmp_path / "named")).exit_code == 0
    assert (tmp_path / "named" / "README.md").exists()


@pytest.mark.slow
def test_ctrl_c_ends_with_one_line_and_a_rerun_resumes(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    folder = tmp_path / "in"
    folder.mkdir()
    for index in range(40):
        (folder / f"doc{index:02d}.txt").write_bytes(SEED_004.read_bytes())
    out = tmp_path / "out"
    command = [sys.executable, "-c", _SLOW_RUN, str(folder), "-o", str(out), "--jobs", "2", "--quiet"]
    # Ctrl-C in a terminal signals the whole foreground process group: the workers too.
    process = subprocess.Popen(command, stderr=subprocess.PIPE, start_new_session=True)
    done = out / ".docrepair" / "done"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(list(done.rglob("*.json")) if done.exists() else []) < 4:
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    finished = len(list(done.rglob("*.json")))
    assert process.returncode == 130
    assert stderr.decode().splitlines() == [f"interrupted: {finished} done; rerun the same command to resume"]
    assert 4 <= finished < 40
    result = run(str(folder), "-o", str(out), quiet=False)
    assert result.exit_code == 0 and f"{40 - finished} repaired, {finished} already done" in result.stderr


def test_cross_doc_dedup_over_jsonl_records_is_refused_and_mark_works(tmp_path):
    source = tmp_path / "r.jsonl"
    source.write_text("".join(json.dumps({"id": f"d{i}", "text": SEED_004.read_text(encoding="utf-8")}, ensure_ascii=False) + "\n" for i in range(2)), encoding="utf-8")
    refused = run(str(source), "-o", str(tmp_path / "out"), "--cross-doc", "dedup")
    assert refused.exit_code == 2 and "--cross-doc mark" in refused.stderr
    assert run(str(source), "-o", str(tmp_path / "out"), "--cross-doc", "mark").exit_code == 0
    (cluster,) = _jsonl(tmp_path / "out" / "clusters.jsonl")
    assert cluster["members"] == ["d0", "d1"] and len(_jsonl(tmp_path / "out" / "r.jsonl")) == 2


def test_parquet_rows_keep_every_column_and_type(tmp_path):
    import datetime

    pa = pytest.importorskip("pyarrow")
    parquet = pytest.importorskip("pyarrow.parquet")
    rows = [
        {"id": "one", "content": SEED_001.read_text(encoding="utf-8"), "fetched": datetime.datetime(2024, 5, 1, 8, 30), "meta": {"site": "a", "tags": ["x", "y"]}, "rank": 3},
        {"id": "two", "content": SEED_004.read_text(encoding="utf-8"), "fetched": None, "meta": {"site": "b", "tags": []}, "rank": None},
    ]
    source = tmp_path / "crawl.parquet"
    parquet.write_table(pa.Table.from_pylist(rows), source)
    out = tmp_path / "out"
    assert run(str(source), "-o", str(out), "--text-field", "content").exit_code == 0
    table = parquet.read_table(out / "crawl.parquet")
    assert table.schema.names == [*pa.Table.from_pylist(rows).schema.names, "docrepair"]
    assert table.schema.field("fetched").type == pa.timestamp("us") and table.schema.field("docrepair").type == pa.string()
    for before, after, seed in zip(rows, table.to_pylist(), (SEED_001, SEED_004)):
        assert {k: v for k, v in after.items() if k not in ("content", "docrepair")} == {k: v for k, v in before.items() if k != "content"}
        assert after["content"] == repair_file(seed).text
        assert json.loads(after["docrepair"])["notes"] > 0
    assert not list(out.glob(".*.tmp"))
    # A Parquet output is written whole, so a rerun repairs its source again.
    rerun = run(str(source), "-o", str(out), "--text-field", "content", "--notes", "none", quiet=False)
    assert "2 repaired, 0 already done" in rerun.stderr
    assert "docrepair" not in parquet.read_table(out / "crawl.parquet").schema.names
    # Written as JSONL (--format jsonl): a date becomes its text.
    assert run(str(source), "-o", str(tmp_path / "j"), "--text-field", "content", "--format", "jsonl").exit_code == 0
    as_jsonl = _jsonl(tmp_path / "j" / "documents.jsonl")
    assert as_jsonl[0]["fetched"] == "2024-05-01 08:30:00" and as_jsonl[0]["meta"] == rows[0]["meta"]


def test_reading_plain_sources_never_imports_pyarrow(folder, tmp_path):
    import subprocess
    import sys

    code = (
        "import sys\nfrom docrepair.cli import main\n"
        f"try:\n    main.main(['batch', {str(folder)!r}, '-o', {str(tmp_path / 'out')!r}, '--quiet', '--jobs', '1'])\n"
        "except SystemExit:\n    pass\nprint('pyarrow' in sys.modules, 'ray' in sys.modules)\n"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split() == ["False", "False"]


def test_a_parquet_source_without_pyarrow_is_one_failure_naming_the_extra(tmp_path, monkeypatch):
    import sys

    from docrepair.batch.sources import SourceOptions, iter_documents

    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)  # import fails as if not installed
    (failure,) = list(iter_documents([str(tmp_path / "x.parquet")], SourceOptions()))
    assert "pip install 'docrepair[parquet]'" in failure.error


def test_notes_are_rendered_in_the_worker_only_where_an_output_holds_them():
    """--format jsonl with --notes count or none never writes the notes: the worker does not
    render them (nor send them back); with notes wanted, they are the same as fix's."""
    from docrepair.batch.runner import Task, process_document
    from docrepair.batch.sources import Document
    from docrepair.render.notes import notes_to_jsonl

    document = Document("d", "d.txt", SEED_004.read_bytes())
    without = process_document(document, Task(notes=False))
    with_notes = process_document(document, Task())
    assert without.notes_jsonl == "" and without.text == with_notes.text and without.header == with_notes.header
    assert with_notes.notes_jsonl == notes_to_jsonl(repair_file(SEED_004).notes) != ""
