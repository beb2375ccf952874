"""The code of docs/recipes.md, run as it stands on a small crawl: each recipe is one Python block
of the page, run as a script (its `if __name__ == "__main__":` part included) in a folder holding
`crawl/`, and its outputs are checked against the library's own repair."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from docrepair import RepairConfig, repair_text

ROOT = Path(__file__).resolve().parent.parent
RECIPES = ROOT / "docs" / "recipes.md"
SAMPLES = ROOT / "samples"
SEED_001 = next(SAMPLES.glob("001_*.txt")).read_text(encoding="utf-8")  # its whole body pasted twice
SEED_003 = next(SAMPLES.glob("003_*.txt")).read_text(encoding="utf-8")


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", RECIPES.read_text(encoding="utf-8"), flags=re.S)


def _recipe(framework: str) -> str:
    """The one Python block of the page that imports `framework`."""
    found = [block for block in _blocks() if re.search(rf"^from {framework}\b", block, flags=re.M)]
    assert len(found) == 1, f"docs/recipes.md should have one Python block importing {framework}"
    return found[0]


def _crawl(folder: Path) -> list[dict]:
    """crawl/part-0.parquet: a damaged page, a mirror's clean copy of it, a blank page;
    crawl/part-1.parquet: another document."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    records = [
        {"id": "a", "text": SEED_001, "url": "https://example.gov.cn/a"},
        {"id": "b", "text": repair_text(SEED_001).text, "url": "https://mirror.example.com/b"},
        {"id": "c", "text": " \n\u3000", "url": "https://example.gov.cn/c"},
        {"id": "d", "text": SEED_003, "url": "https://example.gov.cn/d"},
    ]
    (folder / "crawl").mkdir()
    pq.write_table(pa.Table.from_pylist(records[:3]), folder / "crawl" / "part-0.parquet")
    pq.write_table(pa.Table.from_pylist(records[3:]), folder / "crawl" / "part-1.parquet")
    return records


def _run(code: str, folder: Path) -> None:
    script = folder / "recipe.py"
    script.write_text(code, encoding="utf-8")
    # Offline and with its caches in the test's folder: a recipe reads local files only.
    env = dict(os.environ, HF_HOME=str(folder / "hf"), HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1")
    completed = subprocess.run([sys.executable, str(script)], cwd=folder, env=env, capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stderr[-3000:]


def test_the_page_has_the_two_recipes_and_no_other_code():
    assert len(_blocks()) == 2
    assert "load_dataset(" in _recipe("datasets") and ".map(" in _recipe("datasets")
    assert "RepairStep" in _recipe("datatrove")


@pytest.mark.slow
def test_the_datasets_recipe_repairs_every_row_and_keeps_the_other_columns(tmp_path):
    pytest.importorskip("datasets", reason="the datasets recipe needs datasets (pip install -e '.[datasets]')")
    pq = pytest.importorskip("pyarrow.parquet", reason="the recipes read Parquet (pip install -e '.[parquet]')")
    records = _crawl(tmp_path)
    _run(_recipe("datasets"), tmp_path)

    rows = pq.read_table(tmp_path / "clean.parquet").to_pylist()
    assert [row["id"] for row in rows] == ["a", "b", "d"]  # the blank page filtered out, in order
    for row in rows:
        source = next(record for record in records if record["id"] == row["id"])
        result = repair_text(source["text"])
        assert row["text"] == result.text
        assert row["url"] == source["url"]
        assert row["docrepair_notes"] == len(result.notes)
        assert row["docrepair_review_notes"] == sum(note.risk == "review" for note in result.notes)
        assert row["docrepair_settings"] == RepairConfig().key()
    assert rows[0]["docrepair_notes"] > 0 and len(rows[0]["text"]) < len(SEED_001) * 0.6


@pytest.mark.slow
def test_the_datatrove_recipe_repairs_keeps_metadata_and_writes_its_drops(tmp_path):
    pytest.importorskip("datatrove", reason="the datatrove recipe needs datatrove (pip install -e '.[datatrove]')")
    pytest.importorskip("orjson", reason="datatrove's JSONL writer needs orjson (pip install -e '.[datatrove]')")
    pq = pytest.importorskip("pyarrow.parquet", reason="the recipes read Parquet (pip install -e '.[parquet]')")
    records = _crawl(tmp_path)
    _run(_recipe("datatrove"), tmp_path)

    rows = [row for path in sorted((tmp_path / "clean").glob("*.parquet")) for row in pq.read_table(path).to_pylist()]
    assert sorted(row["id"] for row in rows) == ["a", "d"]
    for row in rows:
        source = next(record for record in records if record["id"] == row["id"])
        assert row["text"] == repair_text(source["text"]).text
        assert row["metadata"]["url"] == source["url"]
        assert row["metadata"]["docrepair_settings"] == RepairConfig().key()
    dropped = {}
    for path in sorted((tmp_path / "dropped").glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as stream:
            for line in stream:
                record = json.loads(line)
                dropped[record["id"]] = record["metadata"]["filter_reason"]
    assert dropped == {"b": "duplicate", "c": "empty"}
    assert (tmp_path / "logs" / "repair" / "stats.json").exists()


def test_the_readme_links_the_recipes_and_only_files_that_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = [target for target in re.findall(r"\]\(([^)\s]+)\)", readme) if "://" not in target]
    assert "docs/recipes.md" in targets
    missing = [target for target in targets if not (ROOT / target.split("#")[0]).exists()]
    assert missing == []
