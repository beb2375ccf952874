"""The version of docrepair and of the libraries a result depends on, recorded in every header.
A core module of its own, so that the pipeline need not import the package's public API."""

from __future__ import annotations

from functools import lru_cache

__version__ = "0.1.0"

#: The libraries whose versions can change an output: every runtime dependency of pyproject.toml
#: (a test holds the two together).
_DEPENDENCIES = ("click", "rapidfuzz", "datasketch", "opencc", "cydifflib", "numpy", "charset-normalizer", "pypinyin")


@lru_cache(maxsize=1)
def dependency_versions() -> dict[str, str | None]:
    """Versions of the libraries a result depends on, for the header."""
    from importlib import metadata

    versions: dict[str, str | None] = {}
    for name in _DEPENDENCIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions
