"""Typed errors with one-line messages meant for users. The CLI turns them into `Error: …`."""

from __future__ import annotations


class DocrepairError(Exception):
    """Base of every error docrepair raises on purpose. The message is one line that says what
    went wrong and, where there is one, what to try."""

    exit_code = 1


class DecodeError(DocrepairError):
    """The input bytes are not text in any encoding we tried."""


class InputError(DocrepairError):
    """The input cannot be read (missing, a directory, unreadable)."""


class ConfigError(DocrepairError):
    """An option has a value we cannot use."""


class LedgerError(DocrepairError):
    """Notes and text disagree: a bug in a stage, or notes replayed on the wrong input."""


class NotesError(DocrepairError, ValueError):
    """A notes file (JSONL) or note record that is not what docrepair writes. Also a ValueError,
    which is what the parsers raised before it had a type of its own."""
