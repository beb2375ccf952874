"""Chrome learned from an archive: the lines a site's template prints around every document.

Each site has its own template, so a fixed list of rules always trails the web. Across an archive
the template gives itself away: the same line (digits, dates and counts masked) stands in the head
or tail of many *different* documents and never inside a body. `learn_chrome` finds those lines;
the boilerplate stage then removes them like any chrome line, in the head and tail runs only, and
each note says in how many documents of the archive the line was seen.

What a template repeats is not always chrome: documents of one issuer share their addressees,
signature, date line and closing formula (各省、自治区…：, 国务院办公厅, 特此通知。). A line is
therefore never learned when the segmenter gives it a role of the document itself (title, number,
addressees, clause, signature, date) or when it ends a sentence; and mirror copies of one document
count once (documents are told apart by their longest line), so a popular notice's own title,
repeated by its hundred copies, is never taken for a template line.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .config import BoilerplateConfig, SegmentConfig
from .errors import InputError
from .keys import chrome_key
from .model import Role

#: Lines of the head and of the tail of a document where a template's chrome stands.
ZONE_LINES = 8
#: A line is learned when it stands in the head or tail of at least this many different documents.
MIN_DOCUMENTS = 3
#: Longest line (as a key) that can be a template line: site chrome is short; a paragraph is not.
MAX_LINE_CHARS = 120
#: Roles of a document's own head and body: never template lines, however often they recur.
_DOCUMENT_ROLES = frozenset(
    {Role.TITLE, Role.DOC_NUMBER, Role.ADDRESSEES, Role.CHAPTER, Role.SECTION, Role.ITEM, Role.SUB_ITEM, Role.CIRCLED, Role.ARTICLE, Role.SIGNATURE, Role.DATE, Role.ATTRIBUTION}
)
_SENTENCE_END = ("。", "！", "？", "!", "?")
FORMAT_VERSION = 1


@dataclass(frozen=True)
class LearnedLine:
    key: str
    example: str  # the line as it first stood
    documents: int  # distinct documents whose head or tail holds it


@dataclass(frozen=True)
class LearnedChrome:
    documents: int  # documents read
    min_documents: int
    lines: tuple[LearnedLine, ...]

    def config(self, base: BoilerplateConfig | None = None) -> BoilerplateConfig:
        """A boilerplate config that removes these lines too (with their document counts)."""
        base = base or BoilerplateConfig()
        counts = dict(base.known_line_counts)
        counts.update({line.key: line.documents for line in self.lines})
        return BoilerplateConfig(
            extra_rules=base.extra_rules,
            known_lines=base.known_lines | {line.key for line in self.lines},
            known_line_counts=tuple(sorted(counts.items())),
        )

    def to_dict(self) -> dict:
        return {
            "docrepair_chrome": FORMAT_VERSION,
            "documents": self.documents,
            "min_documents": self.min_documents,
            "lines": [{"key": line.key, "example": line.example, "documents": line.documents} for line in self.lines],
        }

    @classmethod
    def from_dict(cls, data: dict) -> "LearnedChrome":
        if not isinstance(data, dict) or data.get("docrepair_chrome") != FORMAT_VERSION:
            raise InputError("not a chrome file written by `docrepair learn-chrome` (format 1)")
        try:
            lines = tuple(LearnedLine(str(line["key"]), str(line["example"]), int(line["documents"])) for line in data["lines"])
            return cls(int(data["documents"]), int(data["min_documents"]), lines)
        except (KeyError, TypeError, ValueError) as error:
            raise InputError(f"chrome file is malformed: {error}") from None

    def save(self, path: str | Path) -> None:
        from .files import write_atomic

        write_atomic(Path(path), (json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n").encode("utf-8"))

    @classmethod
    def load(cls, path: str | Path) -> "LearnedChrome":
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise InputError(f"cannot read chrome file {path}: {error}") from None
        return cls.from_dict(data)


def _digest(key: str) -> bytes:
    return hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()


def learn_chrome(texts: Iterable[str], min_documents: int = MIN_DOCUMENTS, zone_lines: int = ZONE_LINES) -> LearnedChrome:
    """The template lines of an archive (see the module docstring). One streaming pass; memory
    grows with the distinct short lines of the archive only (a body line is remembered as an
    8-byte digest, and only when it is short enough to be a template line)."""
    from .stages.segment import segment_units

    config = SegmentConfig()
    in_zone: dict[str, set[str]] = defaultdict(set)  # key -> fingerprints of documents
    examples: dict[str, str] = {}
    in_body: set[bytes] = set()
    refused: set[str] = set()
    read = 0
    for text in texts:
        read += 1
        units = [unit for unit in segment_units(text, config) if unit.text.strip()]
        if not units:
            continue
        fingerprint = hashlib.sha256(max((unit.text for unit in units), key=len).encode("utf-8")).hexdigest()[:16]
        for index, unit in enumerate(units):
            key = chrome_key(unit.text)
            if not key or len(key) > MAX_LINE_CHARS:
                continue
            if index >= zone_lines and index < len(units) - zone_lines:
                in_body.add(_digest(key))
                continue
            if unit.role in _DOCUMENT_ROLES or unit.text.rstrip().endswith(_SENTENCE_END):
                refused.add(key)
                continue
            in_zone[key].add(fingerprint)
            examples.setdefault(key, unit.text.strip())
    learned = tuple(
        LearnedLine(key, examples[key], len(documents))
        for key, documents in sorted(in_zone.items())
        if len(documents) >= min_documents and _digest(key) not in in_body and key not in refused
    )
    return LearnedChrome(read, min_documents, learned)
