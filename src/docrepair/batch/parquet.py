"""Parquet output for Parquet sources (the parquet extra, pyarrow, imported only when a Parquet
source is given): the rows come back with every column as it came, the repaired text in its own
column, and the repair's account (--notes) as JSON text in one added string column, `docrepair`.

Parquet files cannot be appended to, so a Parquet output is written whole: row groups go to a
temporary file beside it, renamed into place when the run finishes, and removed when it does not
(Ctrl-C, a crash); a rerun repairs a Parquet source again from its first row.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

#: Rows per row group written: a few megabytes of scraped pages.
ROW_GROUP_ROWS = 1024


class ParquetSink:
    def __init__(self, target: Path, schema, notes: str) -> None:
        import pyarrow as pa
        import pyarrow.parquet as parquet

        self._pa = pa
        self.target = target
        if notes != "none":
            fields = [field for field in schema if field.name != "docrepair"]
            schema = pa.schema([*fields, pa.field("docrepair", pa.string())], metadata=schema.metadata)
        self.schema = schema
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(handle)
        self.temporary = Path(temporary)
        self._writer = parquet.ParquetWriter(self.temporary, schema)
        self._rows: list[dict] = []

    def write(self, record: dict) -> None:
        if "docrepair" in record:
            record = dict(record, docrepair=json.dumps(record["docrepair"], ensure_ascii=False))
        self._rows.append(record)
        if len(self._rows) >= ROW_GROUP_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            self._writer.write_table(self._pa.Table.from_pylist(self._rows, schema=self.schema))
            self._rows = []

    def close(self, complete: bool) -> None:
        """Put the output in place when the run finished, else leave no trace of it."""
        if complete:
            self._flush()
        self._writer.close()
        if complete:
            os.replace(self.temporary, self.target)
        else:
            self.temporary.unlink(missing_ok=True)
