"""Reading inputs and writing outputs atomically."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from .errors import InputError

#: Inputs larger than this are refused: a scraped document is kilobytes, rarely megabytes.
MAX_INPUT_BYTES = 256 * 1024 * 1024


def read_input(path: "str | os.PathLike[str]") -> bytes:
    """Bytes of a file, or of standard input for '-'."""
    if str(path) == "-":
        return sys.stdin.buffer.read()
    target = Path(path)
    try:
        if target.is_dir():
            raise InputError(f"{target} is a directory; use 'docrepair batch' for folders")
        size = target.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise InputError(f"{target} is {size} bytes, over the {MAX_INPUT_BYTES}-byte limit for one document")
        return target.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{target}: no such file") from None
    except PermissionError:
        raise InputError(f"{target}: permission denied") from None
    except IsADirectoryError:
        raise InputError(f"{target} is a directory; use 'docrepair batch' for folders") from None
    except OSError as error:
        raise InputError(f"{target}: cannot read ({error.strerror})") from None


def emit_text(text: str, output: "str | os.PathLike[str] | None") -> None:
    """Text to standard output (None or '-') or atomically to a file, as UTF-8."""
    if output is None or str(output) == "-":
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.flush()
    else:
        write_atomic(output, text.encode("utf-8"))


def write_atomic(path: "str | os.PathLike[str]", data: bytes) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename it over `path`,
    so a reader never sees a half-written file and a crash leaves the old file intact."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise InputError(f"cannot write to {directory}: {error.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
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
