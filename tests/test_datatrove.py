"""The datatrove step (docrepair.integrations.datatrove) against the real datatrove: a small JSONL
dataset through datatrove's own reader, executor and writers."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("datatrove", reason="the datatrove step needs datatrove (pip install -e '.[datatrove]')")
pytest.importorskip("orjson", reason="datatrove's JSONL reader and writer need orjson (pip install -e '.[datatrove]')")

from datatrove.data import Document  # noqa: E402
from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.readers import JsonlReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402

from docrepair import RepairConfig, repair_text  # noqa: E402
from docrepair.integrations.datatrove import RepairStep  # noqa: E402

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SEED_001 = next(SAMPLES.glob("001_*.txt")).read_text(encoding="utf-8")  # its whole body pasted twice
SEED_003 = next(SAMPLES.glob("003_*.txt")).read_text(encoding="utf-8")


def _records() -> list[dict]:
    """Four pages of a crawl: a damaged one, a mirror's already clean copy of it (another input,
    the same document once repaired), a page whose scrape came back blank, and another document."""
    return [
        {"id": "a", "text": SEED_001, "url": "https://example.gov.cn/a", "meta": {"site": "a", "rank": 1}},
        {"id": "b", "text": repair_text(SEED_001).text, "url": "https://mirror.example.com/b", "meta": {"site": "b", "rank": 2}},
        {"id": "c", "text": " \n\u3000\n", "url": "https://example.gov.cn/c", "meta": {"site": "a", "rank": 3}},
        {"id": "d", "text": SEED_003, "url": "https://example.gov.cn/d", "meta": {"site": "a", "rank": 4}},
    ]


def _read_jsonl(folder: Path) -> list[dict]:
    records = []
    for path in sorted(folder.glob("*.jsonl*")):
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as stream:
            records.extend(json.loads(line) for line in stream if line.strip())
    return records


@pytest.mark.slow
def test_a_datatrove_pipeline_repairs_keeps_metadata_and_writes_drops_with_their_reason(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "crawl.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _records()), encoding="utf-8")
    config = RepairConfig()
    step = RepairStep(config, exclusion_writer=JsonlWriter(str(tmp_path / "dropped"), compression=None))
    executor = LocalPipelineExecutor(
        [JsonlReader(str(source)), step, JsonlWriter(str(tmp_path / "out"), compression=None)],
        tasks=1,
        logging_dir=str(tmp_path / "logs"),
    )
    executor.run()

    kept = {record["id"]: record for record in _read_jsonl(tmp_path / "out")}
    assert sorted(kept) == ["a", "d"]
    for doc_id, original in (("a", SEED_001), ("d", SEED_003)):
        result = repair_text(original, config)
        record = kept[doc_id]
        assert record["text"] == result.text  # the repair, byte for byte as the library gives it
        metadata = record["metadata"]
        source_record = next(r for r in _records() if r["id"] == doc_id)
        assert metadata["url"] == source_record["url"] and metadata["meta"] == source_record["meta"]
        assert metadata["docrepair_notes"] == len(result.notes) > 0
        assert metadata["docrepair_review_notes"] == sum(note.risk == "review" for note in result.notes)
        assert metadata["docrepair_settings"] == config.key()
    assert len(kept["a"]["text"]) < len(SEED_001) * 0.6  # the pasted copy of the body is gone

    dropped = {record["id"]: record for record in _read_jsonl(tmp_path / "dropped")}
    assert sorted(dropped) == ["b", "c"]
    assert dropped["b"]["metadata"]["filter_reason"] == "duplicate"
    assert dropped["b"]["metadata"]["docrepair_duplicate_of"] == "a"
    assert dropped["b"]["text"] == _records()[1]["text"]  # written as it came in
    assert dropped["c"]["metadata"]["filter_reason"] == "empty"
    assert dropped["c"]["metadata"]["url"] == "https://example.gov.cn/c"

    stats = json.loads((tmp_path / "logs" / "stats.json").read_text(encoding="utf-8"))
    ours = next(entry for entry in stats if "docrepair" in entry["name"])["stats"]
    assert ours["total"] == 4 and ours["forwarded"] == 2 and ours["dropped"] == 2
    assert ours["dropped_duplicate"] == 1 and ours["dropped_empty"] == 1


def test_with_drop_duplicates_off_a_copy_passes_on(tmp_path):
    first, copy = (Document(text=r["text"], id=r["id"], metadata={"url": r["url"]}) for r in _records()[:2])
    passed = list(RepairStep(drop_duplicates=False).run(iter([first, copy])))
    assert [document.id for document in passed] == ["a", "b"]
    assert passed[0].text == passed[1].text == repair_text(SEED_001).text


def test_a_repair_that_raises_drops_its_document_with_the_message_and_the_task_goes_on(monkeypatch):
    import docrepair

    real = docrepair.repair_text

    def failing(text, config=None, *, source=None):
        if source == "bad":
            raise ValueError("boom")
        return real(text, config, source=source)

    monkeypatch.setattr(docrepair, "repair_text", failing)
    excluded: list[Document] = []

    class ListWriter:  # the part of a DiskWriter the step uses
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def write(self, document, rank=0):
            excluded.append(document)

    documents = [Document(text="第一条 bad", id="bad"), Document(text=SEED_003, id="good")]
    passed = list(RepairStep(exclusion_writer=ListWriter()).run(iter(documents)))
    assert [document.id for document in passed] == ["good"]
    assert [document.id for document in excluded] == ["bad"]
    assert excluded[0].text == "第一条 bad"
    assert excluded[0].metadata["filter_reason"] == "error"
    assert excluded[0].metadata["docrepair_error"] == "internal error (ValueError: boom)"


def test_the_step_travels_to_datatrove_workers():
    import dill

    step = RepairStep(RepairConfig(skip=("order",)))
    copy = dill.loads(dill.dumps(step))
    assert copy.config == step.config and copy.settings == step.settings != RepairConfig().key()


def test_importing_docrepair_never_imports_datatrove():
    code = "import sys, docrepair, docrepair.integrations; print('datatrove' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"
