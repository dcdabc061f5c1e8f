"""The whole dump: one CSV per table and ``datapackage.json``, as files in a folder
(``tracker export dump DIR``) or as a zip written while it is sent (``/downloads/dump.zip``).

Both read every table in one transaction and write the same bytes.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Connection, Engine

from tracker.dataset.export import created, csv_chunks, private_sources, records_began, snapshot
from tracker.dataset.package import FILENAME, package_bytes
from tracker.dataset.tables import TABLES

FILE_MODE = 0o644
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can have


def _write_file(path: Path, chunks: Iterator[bytes]) -> int:
    """Write ``path`` whole or not at all; its size."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    size = 0
    try:
        with os.fdopen(handle, "wb") as file:
            for chunk in chunks:
                file.write(chunk)
                size += len(chunk)
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return size


def write_dump(engine: Engine, directory: Path, site_url: str,
               progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Write every table and ``datapackage.json`` (last) into ``directory``; each file's size.

    ``progress``: called with each file's name and size as it is written.
    """
    directory.mkdir(parents=True, exist_ok=True)
    sizes: dict[str, int] = {}
    with snapshot(engine) as connection:
        hidden = private_sources(connection)
        for table in TABLES:
            sizes[table.filename] = _write_file(directory / table.filename,
                                                csv_chunks(connection, table, hidden))
            if progress is not None:
                progress(table.filename, sizes[table.filename])
        data = package_bytes(created(connection), site_url, records_began(connection))
    sizes[FILENAME] = _write_file(directory / FILENAME, iter([data]))
    if progress is not None:
        progress(FILENAME, sizes[FILENAME])
    return sizes


class _Sink:
    """A write-only, non-seekable file that keeps what is written until it is taken."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def _zip_time(moment: datetime | None) -> tuple[int, int, int, int, int, int]:
    if moment is None:
        return _ZIP_EPOCH
    moment = moment.astimezone(UTC)
    return max(_ZIP_EPOCH, (moment.year, moment.month, moment.day, moment.hour, moment.minute,
                            moment.second))


def _entry(name: str, when: tuple[int, int, int, int, int, int]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (0o100000 | FILE_MODE) << 16  # a regular file, rw-r--r--
    return info


def zip_chunks(engine: Engine, site_url: str, folder: str) -> Iterator[bytes]:
    """The dump as a zip, made as it is read: ``datapackage.json`` first, then each table,
    inside ``folder/``. Every entry is dated when the data last changed."""
    sink = _Sink()
    with snapshot(engine) as connection, zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED,
                                                         compresslevel=6) as archive:
        when_changed = created(connection)
        when = _zip_time(when_changed)
        with archive.open(_entry(f"{folder}/{FILENAME}", when), "w") as entry:
            entry.write(package_bytes(when_changed, site_url, records_began(connection)))
        yield sink.take()
        yield from _tables(connection, archive, sink, folder, when)
    yield sink.take()


def _tables(connection: Connection, archive: zipfile.ZipFile, sink: _Sink, folder: str,
            when: tuple[int, int, int, int, int, int]) -> Iterator[bytes]:
    hidden = private_sources(connection)
    for table in TABLES:
        # force_zip64: the size is not known before the entry is written, and may pass 2 GiB.
        with archive.open(_entry(f"{folder}/{table.filename}", when), "w", force_zip64=True) as entry:
            for chunk in csv_chunks(connection, table, hidden):
                entry.write(chunk)
                data = sink.take()
                if data:
                    yield data
        data = sink.take()
        if data:
            yield data
