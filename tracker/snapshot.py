"""The public-records snapshot: one deterministic, compressed archive of the datasets of
``shared/data`` that ``tracker import all`` reads, shipped in ``data/snapshot/`` so that a
fresh install shows the real site offline (see data/snapshot/README.md).

The archive is a ``.tar.xz`` holding ``MANIFEST.json`` (each file's path, size and
sha256) and the data files with their folders. It is byte-identical when rebuilt from
the same input: names sorted, one fixed timestamp, fixed owner and permissions, fixed
compression settings. Reading it checks every file against the manifest before anything
is used, so a corrupt or edited archive is refused whole.
"""

from __future__ import annotations

import hashlib
import io
import json
import lzma
import os
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import click
from flask import current_app
from flask.cli import with_appcontext

ARCHIVE_NAME = "public-records.tar.xz"
MANIFEST_NAME = "MANIFEST.json"
MANIFEST_FORMAT = 1
# Folders of shared/data left out: API response shapes, not records.
EXCLUDED_FOLDERS = frozenset({"api_examples"})
# Every member gets this time (2024-01-01T00:00:00Z), owner 0:0 and mode 0644.
FIXED_MTIME = 1704067200
FILE_MODE = 0o644
XZ_PRESET = 9 | lzma.PRESET_EXTREME


class SnapshotError(Exception):
    """The archive cannot be built or is not what its manifest says."""


@dataclass(frozen=True)
class SnapshotFile:
    path: str  # relative, with forward slashes: "mps/mps_sitting_2023-11-15.csv"
    size: int
    sha256: str

    def as_dict(self) -> dict[str, object]:
        return {"path": self.path, "size": self.size, "sha256": self.sha256}


def default_archive(project_data_dir: Path) -> Path:
    return Path(project_data_dir) / "snapshot" / ARCHIVE_NAME


# -- building -------------------------------------------------------------------------------


def data_files(data_dir: Path) -> list[Path]:
    """The files a snapshot holds: every file inside the folders of ``data_dir``, sorted,
    except hidden ones and those of :data:`EXCLUDED_FOLDERS`. Files at the top level (the
    folder's README.md) are documentation, not records, and are left out too."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise SnapshotError(f"{data_dir} is not a folder")
    found = []
    for folder in sorted(p for p in data_dir.iterdir() if p.is_dir()):
        if folder.name in EXCLUDED_FOLDERS or folder.name.startswith("."):
            continue
        for path in folder.rglob("*"):
            relative = path.relative_to(data_dir)
            if path.is_file() and not any(part.startswith(".") for part in relative.parts):
                found.append(path)
    if not found:
        raise SnapshotError(f"{data_dir} holds no data files (is it the shared/data folder?)")
    return sorted(found, key=lambda p: p.relative_to(data_dir).as_posix())


def _tar_member(tar: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = FIXED_MTIME
    info.mode = FILE_MODE
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.type = tarfile.REGTYPE
    tar.addfile(info, io.BytesIO(content))


def build_archive(data_dir: Path) -> tuple[bytes, list[SnapshotFile]]:
    """The archive's bytes and its manifest entries, from the files of ``data_dir``."""
    data_dir = Path(data_dir)
    contents = []
    for path in data_files(data_dir):
        content = path.read_bytes()
        contents.append((SnapshotFile(path.relative_to(data_dir).as_posix(), len(content),
                                      hashlib.sha256(content).hexdigest()), content))
    files = [entry for entry, _ in contents]
    manifest = {
        "format": MANIFEST_FORMAT,
        "about": "Public records for the ceasefire tracker; licences and sources in "
                 "data/snapshot/README.md. Rebuild: tracker snapshot build --from ../shared/data",
        "files": [f.as_dict() for f in files],
    }
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        _tar_member(tar, MANIFEST_NAME,
                    (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode())
        for entry, content in contents:
            _tar_member(tar, entry.path, content)
    compressed = lzma.compress(buffer.getvalue(), format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC64,
                               preset=XZ_PRESET)
    return compressed, files


def write_archive(data: bytes, out: Path) -> None:
    """Write ``data`` to ``out`` whole or not at all."""
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# -- reading --------------------------------------------------------------------------------


def _safe_name(archive: Path, name: str) -> str:
    path = PurePosixPath(name)
    if (not name or path.is_absolute() or ".." in path.parts or "\\" in name
            or path.as_posix() != name):
        raise SnapshotError(f"{archive}: member {name!r} is not a plain relative path; "
                            "the archive is refused")
    return name


def _manifest_entries(archive: Path, raw: bytes) -> list[SnapshotFile]:
    where = f"{archive}: {MANIFEST_NAME}"
    try:
        manifest = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SnapshotError(f"{where} is not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise SnapshotError(f"{where} is not a format-{MANIFEST_FORMAT} snapshot manifest")
    files = manifest.get("files")
    if not isinstance(files, list) or not files:
        raise SnapshotError(f"{where} lists no files")
    entries = []
    for number, item in enumerate(files):
        try:
            entry = SnapshotFile(str(item["path"]), int(item["size"]), str(item["sha256"]))
        except (TypeError, KeyError, ValueError):
            raise SnapshotError(f"{where}: files[{number}] needs a path, a size and a sha256") from None
        entries.append(SnapshotFile(_safe_name(archive, entry.path), entry.size, entry.sha256))
    if len({e.path for e in entries}) != len(entries):
        raise SnapshotError(f"{where} lists a file twice")
    return entries


def read_archive(archive: Path) -> tuple[list[SnapshotFile], dict[str, bytes]]:
    """The manifest entries and every file's content, each checked against the manifest.

    Raises :class:`SnapshotError` naming the archive (and the file at fault) if the archive
    is unreadable, holds anything the manifest does not list, lacks a listed file, or a
    file's size or sha256 differs from the manifest.
    """
    archive = Path(archive)
    if not archive.is_file():
        raise SnapshotError(f"{archive} is missing (build it with "
                            "`tracker snapshot build --from ../shared/data`)")
    contents: dict[str, bytes] = {}
    try:
        with tarfile.open(archive, mode="r:xz") as tar:
            for member in tar:
                name = _safe_name(archive, member.name)
                if not member.isfile():
                    raise SnapshotError(f"{archive}: member {name!r} is not a regular file; "
                                        "the archive is refused")
                if name in contents:
                    raise SnapshotError(f"{archive}: {name} appears twice; the archive is refused")
                extracted = tar.extractfile(member)
                assert extracted is not None  # a regular file always has content
                contents[name] = extracted.read()
    except (tarfile.TarError, lzma.LZMAError, EOFError, OSError) as exc:
        raise SnapshotError(f"{archive} is not a readable .tar.xz archive ({exc}); "
                            "it is corrupt or truncated") from None
    if MANIFEST_NAME not in contents:
        raise SnapshotError(f"{archive} has no {MANIFEST_NAME}; it is not a snapshot")
    entries = _manifest_entries(archive, contents.pop(MANIFEST_NAME))
    listed = {e.path for e in entries}
    unlisted = sorted(set(contents) - listed)
    if unlisted:
        raise SnapshotError(f"{archive}: {unlisted[0]} is not in {MANIFEST_NAME}; "
                            "the archive is refused")
    for entry in entries:
        content = contents.get(entry.path)
        if content is None:
            raise SnapshotError(f"{archive}: {entry.path} is listed in {MANIFEST_NAME} but missing")
        if len(content) != entry.size or hashlib.sha256(content).hexdigest() != entry.sha256:
            raise SnapshotError(f"{archive}: {entry.path} does not match its size and sha256 in "
                                f"{MANIFEST_NAME} (corrupt or edited); the archive is refused")
    return entries, contents


@contextmanager
def extracted(archive: Path) -> Iterator[Path]:
    """A temporary folder shaped like shared/data, holding the checked files of ``archive``."""
    entries, contents = read_archive(archive)
    with tempfile.TemporaryDirectory(prefix="tracker-snapshot-") as folder:
        root = Path(folder)
        for entry in entries:
            target = root / entry.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(contents[entry.path])
        yield root


# -- command --------------------------------------------------------------------------------


@click.group("snapshot")
def snapshot_group() -> None:
    """The public-records snapshot shipped in data/snapshot/ (loaded on a first `serve`)."""


@snapshot_group.command("build")
@click.option("--from", "data_dir", required=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The shared/data folder.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=f"The archive to write [default: data/snapshot/{ARCHIVE_NAME}].")
@click.option("--check", is_flag=True,
              help="Write nothing; fail if the archive differs from a fresh build.")
@with_appcontext
def build_command(data_dir: Path, out: Path | None, check: bool) -> None:
    """Pack the datasets of DATA_DIR that `import all` reads into one archive."""
    out = out or default_archive(current_app.config["DATA_DIR"])
    try:
        data, files = build_archive(data_dir)
    except (SnapshotError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    unpacked = sum(f.size for f in files)
    same = out.is_file() and out.read_bytes() == data
    if check:
        if not same:
            raise click.ClickException(
                f"{out} differs from a fresh build of {data_dir}; run "
                f"`tracker snapshot build --from {data_dir}`")
        click.echo(f"{out} is up to date ({len(files)} files, {len(data):,} bytes).")
        return
    if not same:
        write_archive(data, out)
    click.echo(f"{'Wrote' if not same else 'Unchanged:'} {out}: {len(files)} files, "
               f"{unpacked:,} bytes packed into {len(data):,}.")
