"""Listing and deleting files under a table's location (local disk or object storage)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class StoredFile:
    """One file under a table location, with the URI Iceberg metadata uses for it."""

    uri: str
    size: int
    modified: datetime | None


def list_files(location: str) -> list[StoredFile]:
    """Every file below ``location`` (empty if the directory does not exist yet)."""
    from pyarrow import fs

    filesystem, root = fs.FileSystem.from_uri(location)
    prefix = location[: len(location) - len(root)] if location.endswith(root) else ""
    selector = fs.FileSelector(root, recursive=True, allow_not_found=True)
    return [
        StoredFile(uri=_uri(prefix, info.path), size=info.size or 0, modified=info.mtime)
        for info in filesystem.get_file_info(selector)
        if info.type == fs.FileType.File
    ]


def _uri(prefix: str, path: str) -> str:
    return f"{prefix}{path}" if prefix else path


def delete_files(uris: list[str]) -> int:
    """Delete the given files, ignoring ones already gone; return how many were deleted."""
    from pyarrow import fs

    deleted = 0
    for uri in uris:
        filesystem, path = fs.FileSystem.from_uri(uri)
        try:
            filesystem.delete_file(path)
            deleted += 1
        except FileNotFoundError:
            continue
    return deleted


def delete_tree(location: str) -> None:
    """Remove a table's directory with everything left in it."""
    from pyarrow import fs

    filesystem, root = fs.FileSystem.from_uri(location)
    try:
        filesystem.delete_dir(root)
    except (FileNotFoundError, OSError):
        return


def same_file(a: str, b: str) -> bool:
    """Compare two file references that may differ only in ``file:`` spelling."""
    return _plain(a) == _plain(b)


def _plain(uri: str) -> str:
    for prefix in ("file://", "file:"):
        if uri.startswith(prefix):
            return uri[len(prefix) :]
    return uri
