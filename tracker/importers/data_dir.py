"""What `tracker import all` runs over a folder shaped like shared/data, in one place so
that `import all` and the shipped snapshot (tracker/importers/snapshot.py) load the same
records: every importer with a ``from_data_dir``, in ``ALL_ORDER``, then the passes over
everything loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlmodel import Session

from tracker.importers import data_dir_importers
from tracker.importers.base import ImportResult, Progress

Announce = Callable[[str], None]


def load_data_dir(session: Session, data_dir: Path, progress: Progress,
                  announce: Announce | None = None) -> list[ImportResult]:
    """Every dataset of ``data_dir``; ``announce`` hears each step as "mps (3/10)"."""
    from tracker import names

    modules = data_dir_importers()
    steps = len(modules) + 1
    results: list[ImportResult] = []
    for number, module in enumerate(modules, 1):
        if announce:
            announce(f"{module.command.name} ({number}/{steps})")
        outcome = module.from_data_dir(session, Path(data_dir), progress)
        results.extend(outcome if isinstance(outcome, list) else [outcome])
    if announce:
        announce(f"display names ({steps}/{steps})")
    results.append(ImportResult.from_recorder("display names", names.refresh_all(session)))
    return results
