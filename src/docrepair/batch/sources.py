"""Where batch documents come from: files, directories, zip and tar archives, JSONL, Parquet. Documents
stream one at a time; a source that cannot be read yields a failure and the rest goes on.

Archive members are refused, as failures, when their names would leave the output folder
(`..`, absolute paths), when they are links or devices, or when they would unpack past the size
limits (zip and tar bombs).
"""

from __future__ import annotations

import fnmatch
import gzip
import io
import json
import sys
import tarfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterator, Sequence

from ..errors import InputError
from ..files import read_stable

#: One document larger than this is refused (a scraped page is kilobytes).
MAX_MEMBER_BYTES = 64 * 1024 * 1024
#: A compressed member expanding more than this many times is a bomb (text compresses ~5-10x).
MAX_COMPRESSION_RATIO = 200


@dataclass(frozen=True)
class Document:
    id: str  # stable: the relative path, or the JSONL id
    relpath: str  # where its output goes under OUTDIR (POSIX, never absolute, never '..')
    data: bytes | None  # bytes to decode, or None when `text` is given (JSONL)
    text: str | None = None
    #: A JSONL record as it was read, every field; its repair goes back under `text_field`.
    record: dict | None = None
    text_field: str = "text"
    #: The JSONL (or Parquet) output, a path under OUTDIR, the record goes back into: one per source.
    sink: str | None = None
    #: A Parquet record's table schema (a pyarrow.Schema), for writing its output with the same
    #: columns and types.
    schema: object | None = None


@dataclass(frozen=True)
class Failure:
    id: str
    source: str
    error: str


@dataclass(frozen=True)
class SourceOptions:
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    text_field: str = "text"
    id_field: str = "id"
    max_member_bytes: int = MAX_MEMBER_BYTES
    max_compression_ratio: int = MAX_COMPRESSION_RATIO
    #: Members read from one archive at most; the rest are refused (a member-count bomb).
    max_members: int = 1_000_000
    #: Which files of a folder or an archive are documents, by name (case ignored): text files
    #: only, so a README.md, an image or a stylesheet beside them is not "repaired". A file named
    #: on the command line is taken whatever its name.
    globs: tuple[str, ...] = ("*.txt",)


def iter_documents(sources: Sequence[str], options: SourceOptions) -> Iterator[Document | Failure]:
    sinks: set[str] = set()
    for source in sources:
        yield from _iter_source(source, options, sinks)


def jsonl_sink(source: str, taken: set[str]) -> str:
    """The name of a JSONL (or Parquet) source's output under OUTDIR: its file name without .gz
    (stdin's is stdin.jsonl), made unique among the run's sources by -2, -3 … in the order they
    were given."""
    name = "stdin.jsonl" if source == "-" else Path(source).name.removesuffix(".gz").removesuffix(".GZ")
    stem, suffix = name.rsplit(".", 1)[0], "." + name.rsplit(".", 1)[1]
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{stem}-{number}{suffix}"
    taken.add(candidate)
    return candidate


def _iter_source(source: str, options: SourceOptions, sinks: set[str]) -> Iterator[Document | Failure]:
    if source == "-":
        yield from _iter_jsonl(sys.stdin.buffer, "-", options, jsonl_sink(source, sinks))
        return
    path = Path(source)
    name = path.name.lower()
    try:
        if path.is_dir():
            yield from _iter_directory(path, options)
        elif name.endswith(".zip"):
            yield from _iter_zip(path, options)
        elif name.endswith((".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")):
            yield from _iter_tar(path, options)
        elif name.endswith((".jsonl", ".jsonl.gz")):
            opener = gzip.open if name.endswith(".gz") else open
            with opener(path, "rb") as stream:
                yield from _iter_jsonl(stream, source, options, jsonl_sink(source, sinks))
        elif name.endswith(".parquet"):
            yield from _iter_parquet(path, options, jsonl_sink(source, sinks))
        elif path.is_file():
            yield _read_file(path.name, path)
        else:
            yield Failure(source, source, "no such file or directory")
    except (OSError, zipfile.BadZipFile, zlib.error, tarfile.TarError, EOFError) as error:
        yield Failure(source, source, f"cannot read: {error}")


def _selected(relpath: str, options: SourceOptions) -> bool:
    name = PurePosixPath(relpath).name.lower()
    if not any(fnmatch.fnmatchcase(name, pattern.lower()) for pattern in options.globs):
        return False
    if options.include and not any(fnmatch.fnmatch(relpath, pattern) for pattern in options.include):
        return False
    return not any(fnmatch.fnmatch(relpath, pattern) for pattern in options.exclude)


def _iter_directory(root: Path, options: SourceOptions) -> Iterator[Document | Failure]:
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
        relpath = path.relative_to(root).as_posix()
        if not _selected(relpath, options):
            continue
        yield _read_file(relpath, path)


def _read_file(relpath: str, path: Path) -> Document | Failure:
    """A plain file as a document, read only while it holds still (see read_stable); a file that
    cannot be read or keeps changing is a failure and the batch goes on."""
    try:
        return Document(relpath, relpath, read_stable(path))
    except InputError as error:
        return Failure(relpath, str(path), str(error))


def safe_relpath(name: str) -> str | None:
    """The member name as a relative POSIX path inside OUTDIR, or None when it would escape."""
    pure = PurePosixPath(name.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or ":" in pure.parts[0]:
        return None
    return pure.as_posix()


#: Zip's flag bit 11: the member's name is UTF-8. Without it the format says cp437, which is what
#: zipfile decodes; Windows tools in Chinese locales write the ANSI code page (GBK) instead.
_ZIP_UTF8_FLAG = 0x800


def zip_member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its writer meant it: as flagged (UTF-8), else the cp437 bytes read
    as UTF-8 (many tools write it without the flag), then as GBK (Windows in Chinese locales),
    and as cp437 only when neither reads them."""
    if info.flag_bits & _ZIP_UTF8_FLAG:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename  # not decoded as cp437 (a metadata_encoding was given): as it is
    if raw.isascii():
        return info.filename
    for codec in ("utf-8", "gbk"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return info.filename


def _iter_zip(path: Path, options: SourceOptions) -> Iterator[Document | Failure]:
    with zipfile.ZipFile(path) as archive:
        seen: set[str] = set()
        members = sorted(((zip_member_name(info), info) for info in archive.infolist()), key=lambda pair: pair[0])
        for count, (name, info) in enumerate(members):
            if info.is_dir():
                continue
            relpath = safe_relpath(name)
            member_id = f"{path.name}/{name}"
            refusal = _refusal(relpath, info.file_size, info.compress_size, seen, options) or _too_many(count, options)
            if refusal:
                yield Failure(member_id, str(path), refusal)
                continue
            if not _selected(relpath, options):
                continue
            seen.add(relpath)
            try:
                yield Document(member_id, f"{path.stem}/{relpath}", archive.read(info))
            except (zipfile.BadZipFile, zlib.error, OSError, RuntimeError, EOFError, NotImplementedError) as error:
                yield Failure(member_id, str(path), f"corrupt member: {error}")


def _iter_tar(path: Path, options: SourceOptions) -> Iterator[Document | Failure]:
    stem = path.name.split(".tar")[0].removesuffix(".tgz")
    with tarfile.open(path, "r:*") as archive:
        seen: set[str] = set()
        for count, member in enumerate(archive):  # streams: members come in archive order
            member_id = f"{path.name}/{member.name}"
            if _too_many(count, options):
                yield Failure(member_id, str(path), _too_many(count, options))
                break
            if member.isdir():
                continue
            if not member.isfile():
                yield Failure(member_id, str(path), "refused: links and devices are not documents")
                continue
            relpath = safe_relpath(member.name)
            refusal = _refusal(relpath, member.size, member.size, seen, options)
            if refusal:
                yield Failure(member_id, str(path), refusal)
                continue
            if not _selected(relpath, options):
                continue
            seen.add(relpath)
            stream = archive.extractfile(member)
            yield Document(member_id, f"{stem}/{relpath}", stream.read() if stream else b"")


def _refusal(relpath: str | None, size: int, compressed: int, seen: set[str], options: SourceOptions) -> str | None:
    if relpath is None:
        return "refused: the member's name leaves the output folder"
    if relpath in seen:
        return "refused: a second member with the same name"
    if size > options.max_member_bytes:
        return f"refused: {size} bytes, over the {options.max_member_bytes}-byte limit for one document"
    if compressed and size > 1024 * 1024 and size / compressed > options.max_compression_ratio:
        return f"refused: expands {size // compressed}x, a compression bomb"
    return None


def _too_many(count: int, options: SourceOptions) -> str | None:
    return f"refused: more than {options.max_members} members in one archive" if count >= options.max_members else None


def _iter_jsonl(stream: io.BufferedIOBase, source: str, options: SourceOptions, sink: str) -> Iterator[Document | Failure]:
    for number, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
            if not isinstance(record, dict):
                raise TypeError("not a JSON object")
            text = record[options.text_field]
            if not isinstance(text, str):
                raise TypeError(f"field {options.text_field!r} is not a string")
        except (ValueError, KeyError, TypeError) as error:
            yield Failure(f"{source}:{number}", source, f"line {number} is not a usable record ({error})")
            continue
        document_id = str(record.get(options.id_field, number))
        relpath = safe_relpath(document_id) or f"line-{number}"
        yield Document(document_id, relpath, None, text, record=record, text_field=options.text_field, sink=sink)



#: Parquet rows read at a time: a batch is a few megabytes of scraped pages.
_PARQUET_BATCH_ROWS = 256


def _iter_parquet(path: Path, options: SourceOptions, sink: str) -> Iterator[Document | Failure]:
    """The rows of a Parquet file as records, streamed a batch at a time (pyarrow, the parquet
    extra, imported only here)."""
    try:
        import pyarrow.parquet as parquet
    except ImportError:
        yield Failure(str(path), str(path), "reading Parquet needs the parquet extra: pip install 'docrepair[parquet]'")
        return
    try:
        table = parquet.ParquetFile(path)
    except Exception as error:  # noqa: BLE001 - pyarrow's errors have no common base; one source fails
        yield Failure(str(path), str(path), f"cannot read as Parquet: {error}")
        return
    schema = table.schema_arrow
    number = 0
    for batch in table.iter_batches(batch_size=_PARQUET_BATCH_ROWS):
        for record in batch.to_pylist():
            number += 1
            text = record.get(options.text_field)
            if not isinstance(text, str):
                yield Failure(f"{path}:{number}", str(path), f"row {number} has no text in the column {options.text_field!r}")
                continue
            document_id = str(record.get(options.id_field, number))
            relpath = safe_relpath(document_id) or f"row-{number}"
            yield Document(document_id, relpath, None, text, record=record, text_field=options.text_field, sink=sink, schema=schema)


def count_documents(sources: Sequence[str], options: SourceOptions) -> int | None:
    """How many documents the sources hold, when that is cheap to know (folders, zip archives,
    single files): the progress line's ETA. None when a source would have to be read through
    (tar, JSONL, stdin)."""
    total = 0
    for source in sources:
        path = Path(source)
        name = path.name.lower()
        try:
            if source == "-" or name.endswith((".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".jsonl", ".jsonl.gz", ".parquet")):
                return None
            if path.is_dir():
                total += sum(1 for p in path.rglob("*") if p.is_file() and _selected(p.relative_to(path).as_posix(), options))
            elif name.endswith(".zip"):
                with zipfile.ZipFile(path) as archive:
                    members = sum(1 for info in archive.infolist() if not info.is_dir() and _selected(zip_member_name(info), options))
                    total += min(options.max_members, members)
            else:
                total += 1
        except (OSError, zipfile.BadZipFile):
            total += 1  # it will be one failure
    return total
