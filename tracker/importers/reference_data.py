"""`tracker import reference`: topics, parties and tracked divisions from data/."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from sqlmodel import Session

from tracker.importers.base import ImportResult, Progress
from tracker.importers.runner import run_import
from tracker.reference import sync_reference
from tracker.revisions import Recorder

ALL_ORDER = 0


def import_reference(session: Session, data_dir: Path) -> ImportResult:
    recorder = Recorder(session, actor="import:reference", source=f"{data_dir.name}/ (project)")
    sync_reference(session, recorder, data_dir)
    recorder.flush()
    return ImportResult.from_recorder("reference", recorder)


def from_data_dir(session: Session, _shared_data: Path, _progress: Progress) -> ImportResult:
    return import_reference(session, Path(current_app.config["DATA_DIR"]))


@click.command("reference")
def command() -> None:
    """Topics, parties and tracked divisions from the project's data/ folder."""
    run_import(lambda s, _p: import_reference(s, Path(current_app.config["DATA_DIR"])))
