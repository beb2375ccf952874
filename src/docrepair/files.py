"""Reading inputs and writing outputs atomically."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
import time
from pathlib import Path
from typing import BinaryIO, Callable

from .errors import InputError

#: Inputs larger than this are refused: a scraped document is kilobytes, rarely megabytes.
MAX_INPUT_BYTES = 256 * 1024 * 1024
#: Reads of a file that keeps changing before it is refused: a crawler finishing a write settles
#: within a pause or two; one still appending after three reads is not a document yet.
STABLE_READ_ATTEMPTS = 3
#: Pause before the second read, doubled before the third (a guess; short enough not to slow a batch).
STABLE_READ_PAUSE_SECONDS = 0.05


def refuse_blank(text: str) -> None:
    """An input with no text (empty, or white space only) is an error for the command line, in
    `fix` and `batch` alike: a scraped page that came back empty is a failed scrape the user wants
    to hear about, not a clean document. (The library itself repairs "" to "" without complaint.)"""
    if not text.strip():
        raise InputError("empty input: no text to repair")


def read_input(path: "str | os.PathLike[str]") -> bytes:
    """Bytes of a file, or of standard input for '-'."""
    if str(path) == "-":
        return sys.stdin.buffer.read()
    return read_stable(path)


def read_stable(
    path: "str | os.PathLike[str]",
    *,
    max_bytes: int = MAX_INPUT_BYTES,
    attempts: int = STABLE_READ_ATTEMPTS,
    after_read: Callable[[int], None] | None = None,
) -> bytes:
    """Bytes of a regular file that held still while it was read: its size and modification time
    are the same before and after the read, and the read returned exactly that many bytes. A file
    caught changing (a crawler still writing it) is read again, `attempts` times in all, and then
    refused with InputError. Pipes and devices have no size to check: they are read to the end.

    `after_read(attempt)` runs between the read and the second look at the file (tests use it to
    change the file at exactly that moment)."""
    target = Path(path)
    try:
        for attempt in range(attempts):
            if attempt:
                time.sleep(STABLE_READ_PAUSE_SECONDS * attempt)
            with open(target, "rb") as stream:
                before = os.fstat(stream.fileno())
                if not stat.S_ISREG(before.st_mode):
                    return _read_bounded(stream, target, max_bytes)
                if before.st_size > max_bytes:
                    raise _too_large(target, max_bytes, before.st_size)
                data = stream.read(before.st_size + 1)  # one byte more shows a file that grew
                if after_read is not None:
                    after_read(attempt)
                after = os.fstat(stream.fileno())
            if len(data) == before.st_size == after.st_size and before.st_mtime_ns == after.st_mtime_ns:
                return data
    except FileNotFoundError:
        raise InputError(f"{target}: no such file") from None
    except PermissionError:
        raise InputError(f"{target}: permission denied") from None
    except IsADirectoryError:
        raise InputError(f"{target} is a directory; use 'docrepair batch' for folders") from None
    except OSError as error:
        raise InputError(f"{target}: cannot read ({error.strerror})") from None
    raise InputError(f"input changed while being read: {target}; try again once it is fully written")


def _read_bounded(stream: BinaryIO, target: Path, max_bytes: int) -> bytes:
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_large(target, max_bytes)
    return data


def _too_large(target: Path, max_bytes: int, size: int | None = None) -> InputError:
    actual = f"{size} bytes, over" if size is not None else "over"
    return InputError(f"{target} is {actual} the {max_bytes}-byte limit for one document")


def emit_text(text: str, output: "str | os.PathLike[str] | None") -> None:
    """Text to standard output (None or '-') or atomically to a file, as UTF-8."""
    if output is None or str(output) == "-":
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.flush()
    else:
        write_atomic(output, text.encode("utf-8"))


def write_atomic(path: "str | os.PathLike[str]", data: bytes, durable: bool = True) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename it over `path`,
    so a reader never sees a half-written file and a crash leaves the old file intact.

    `durable=False` leaves out the flush to disk (fsync, ~4 ms on an ordinary disk): for a
    caller that makes many writes durable at once (os.sync) before anything relies on them, as
    the batch writer does before it writes the completion markers of a group of documents."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise InputError(f"cannot write to {directory}: {error.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes 0600; an output is an ordinary file
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
