"""Unpack an uploaded project zip safely: no path escapes, no links, bounded size and file count."""

from __future__ import annotations

import io
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from hutong.server.problems import Problem


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int
    max_unpacked_bytes: int
    max_files: int


def _member_path(name: str) -> PurePosixPath:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        raise Problem(422, "unsafe_archive", f"{name!r} would land outside the project")
    return path


def unpack_project(data: bytes, target: Path, limits: UploadLimits) -> Path:
    """Extract ``data`` into ``target``; returns the project root (the zip's single top folder, if any)."""
    if len(data) > limits.max_bytes:
        raise Problem(413, "upload_too_large", f"the project zip is over {limits.max_bytes} bytes")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise Problem(422, "invalid_archive", "the upload is not a zip file") from None
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        if len(members) > limits.max_files:
            raise Problem(413, "too_many_files", f"the project has over {limits.max_files} files")
        total = 0
        seen: set[PurePosixPath] = set()
        folders: set[PurePosixPath] = set()
        for info in members:
            relative = _member_path(info.filename)
            if stat.S_ISLNK(info.external_attr >> 16):
                raise Problem(422, "unsafe_archive", f"{info.filename!r} is a symbolic link")
            # The same path twice (or a file where another entry needs a folder): which one would win
            # is up to the unzipper, so neither is taken.
            if relative in seen or relative in folders or any(parent in seen for parent in relative.parents):
                raise Problem(422, "duplicate_entry", f"{info.filename!r} appears more than once in the zip")
            seen.add(relative)
            folders.update(relative.parents)
            destination = target.joinpath(*relative.parts)
            try:
                destination.parent.mkdir(parents=True, exist_ok=True)
            except (FileExistsError, NotADirectoryError):
                raise Problem(
                    422, "duplicate_entry", f"{info.filename!r} needs a folder where the zip has a file"
                ) from None
            # Count what is actually inflated, not what the header claims: a zip bomb lies.
            try:
                with archive.open(info) as source, destination.open("wb") as sink:
                    while chunk := source.read(64 * 1024):
                        total += len(chunk)
                        if total > limits.max_unpacked_bytes:
                            raise Problem(
                                413,
                                "upload_too_large",
                                f"the unpacked project is over {limits.max_unpacked_bytes} bytes",
                            )
                        sink.write(chunk)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
                # A damaged entry (bad CRC, truncated data), an unknown compression or an encrypted one.
                raise Problem(422, "invalid_archive", f"{info.filename!r} cannot be read: {error}") from None
    entries = [entry for entry in target.iterdir() if not entry.name.startswith(".")]
    has_project_files = any((target / name).exists() for name in ("project.config.json", "app.json"))
    if not has_project_files and len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return target
