"""docrepair as a datatrove pipeline step (`pip install 'docrepair[datatrove]'`).

    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from docrepair.integrations.datatrove import RepairStep

    pipeline = [JsonlReader("in/"), RepairStep(exclusion_writer=JsonlWriter("dropped/")), JsonlWriter("out/")]

`RepairStep` repairs each Document's text with `repair_text` and keeps its id, media and metadata,
adding three metadata keys: `docrepair_notes` (how many notes the repair made),
`docrepair_review_notes` (how many of them a person should check, Note.risk == "review") and
`docrepair_settings` (`RepairConfig.key()`, the settings hash a batch OUTDIR records too). The keys
are flat scalars so that a Parquet writer's schema stays the same from batch to batch.

A document is dropped, never passed on, for one of three reasons, each datatrove's
`filter_reason` in its metadata, counted in the step's stats as `dropped_<reason>`, and the
document written to `exclusion_writer` when one is given, as it came in (its text unrepaired, so
nothing is lost):

    empty      the text is blank before or after the repair: a page whose scrape failed (the
               batch command lists these as failures too);
    duplicate  the repaired text is the same document as one this task already passed, up to
               script, width and punctuation (a mirror site's copy); `docrepair_duplicate_of`
               names the kept document. Only within one task (rank), in input order, and only
               exact copies: near copies and copies in other tasks are the work of datatrove's
               MinHash stages or `docrepair dedup`. `drop_duplicates=False` passes them on;
    error      the repair raised; `docrepair_error` holds its one-line message. One document
               never stops a task of thousands, as in `docrepair batch`.
"""

from __future__ import annotations

import contextlib
import hashlib

try:
    from datatrove.data import Document, DocumentsPipeline
    from datatrove.pipeline.base import PipelineStep
    from datatrove.utils.typeshelper import StatHints
except ImportError:  # pragma: no cover - the message is the point
    raise ImportError("docrepair's datatrove step needs datatrove: pip install 'docrepair[datatrove]'") from None

from ..config import RepairConfig
from ..errors import DocrepairError

#: Why a document was dropped: the values of its metadata's `filter_reason`.
EMPTY, DUPLICATE, ERROR = "empty", "duplicate", "error"


class RepairStep(PipelineStep):
    """Repair each Document's text with docrepair; drop blank documents, failed repairs and (with
    `drop_duplicates`) copies of a document already passed, into `exclusion_writer` if given."""

    name = "🩹 docrepair"
    type = "✂️ - FORMAT"

    def __init__(self, config: RepairConfig | None = None, exclusion_writer=None, drop_duplicates: bool = True) -> None:
        super().__init__()
        self.config = config or RepairConfig()
        self.exclusion_writer = exclusion_writer
        self.drop_duplicates = drop_duplicates
        self.settings = self.config.key()

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        # The digest of each passed document's folded text, to the id of that document: 8 bytes
        # and an id per document of this task, which is what a task of datatrove holds anyway.
        passed: dict[bytes, str] = {}
        with self.exclusion_writer if self.exclusion_writer is not None else contextlib.nullcontext() as writer:
            for document in data or ():
                self.stat_update(StatHints.total)
                with self.track_time():
                    reason = self.repair_document(document, passed)
                if reason is None:
                    self.stat_update(StatHints.forwarded)
                    self.update_doc_stats(document)
                    yield document
                    continue
                self.stat_update(StatHints.dropped, f"dropped_{reason}")
                if writer is not None:
                    writer.write(document, rank)

    def repair_document(self, document: Document, passed: dict[bytes, str]) -> str | None:
        """Repair `document` in place and return None, or leave its text as it came, say why in
        its metadata and return the reason it is dropped."""
        from .. import repair_text

        metadata = document.metadata
        if not document.text.strip():
            metadata["filter_reason"] = EMPTY
            return EMPTY
        try:
            result = repair_text(document.text, self.config, source=str(document.id))
        except DocrepairError as error:
            return _dropped_for_error(metadata, str(error))
        except Exception as error:  # noqa: BLE001 - one document must never stop the task
            return _dropped_for_error(metadata, f"internal error ({type(error).__name__}: {error})")
        if not result.text.strip():
            metadata["filter_reason"] = EMPTY
            return EMPTY
        if self.drop_duplicates:
            digest = _folded_digest(result.text)
            kept = passed.get(digest) if digest is not None else None
            if kept is not None:
                metadata["filter_reason"] = DUPLICATE
                metadata["docrepair_duplicate_of"] = kept
                return DUPLICATE
            if digest is not None:
                passed[digest] = str(document.id)
        review = sum(1 for note in result.notes if note.risk == "review")
        document.text = result.text
        metadata["docrepair_notes"] = len(result.notes)
        metadata["docrepair_review_notes"] = review
        metadata["docrepair_settings"] = self.settings
        self.stat_update("docrepair_notes", value=len(result.notes))
        self.stat_update("docrepair_review_notes", value=review)
        if result.text != result.input_text:
            self.stat_update("changed")
        return None


def _dropped_for_error(metadata: dict, message: str) -> str:
    metadata["filter_reason"] = ERROR
    metadata["docrepair_error"] = message
    return ERROR


def _folded_digest(text: str) -> bytes | None:
    """8 bytes of the text's script-, width- and punctuation-folded sentences (the keys the
    cross-document clusters compare), or None for a text with no letters to compare."""
    from ..batch.crossdoc import sentence_keys

    key = "\n".join(sentence_keys(text))
    if not key:
        return None
    return hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
