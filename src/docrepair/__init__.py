"""docrepair: repair and deduplicate scraped Chinese official documents, with an exact account
of every change.

    >>> from docrepair import repair_text
    >>> result = repair_text(damaged_text)
    >>> result.text, result.notes

Importing the package is cheap: stages, OpenCC and datasketch load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__all__ = [
    "__version__",
    "repair_text",
    "repair_bytes",
    "repair_file",
    "replay",
    "find_lost_offsets",
    "RepairConfig",
    "RepairResult",
    "Note",
    "Unit",
    "Action",
    "DocrepairError",
]

from .config import RepairConfig
from .errors import DocrepairError
from .model import Action, Note, RepairResult, Unit
from .version import __version__, dependency_versions  # noqa: F401 - the header's versions, also read from here

if TYPE_CHECKING:
    import os


def repair_text(text: str, config: RepairConfig | None = None, *, source: str | None = None) -> RepairResult:
    """Repair decoded text. Offsets in the notes point into `text`."""
    from . import pipeline

    if not isinstance(text, str):
        raise TypeError("repair_text takes str; use repair_bytes for bytes")
    return pipeline.run(text, config or RepairConfig(), source=source)


def repair_bytes(data: bytes, config: RepairConfig | None = None, *, source: str | None = None) -> RepairResult:
    """Decode bytes (see docrepair.stages.decode) and repair the text."""
    from . import pipeline
    from .stages.decode import decode_bytes

    config = config or RepairConfig()
    decoded = decode_bytes(bytes(data), config.decode)
    return pipeline.run(decoded.text, config, decoded=decoded, source=source)


def repair_file(path: "str | os.PathLike[str]", config: RepairConfig | None = None) -> RepairResult:
    """Read a file and repair it."""
    from .files import read_input

    return repair_bytes(read_input(path), config, source=str(path))


def replay(input_text: str, notes) -> str:
    """Rebuild the output from the input and the notes alone."""
    from .ledger import replay as _replay

    return _replay(input_text, notes)


def find_lost_offsets(input_text: str, notes) -> list[int]:
    """Input offsets neither in the output nor in a note. Empty when nothing was lost."""
    from .ledger import find_lost_offsets as _find

    return _find(input_text, notes)
