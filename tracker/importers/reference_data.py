"""`tracker import reference`: topics, parties and tracked divisions from data/."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from sqlmodel import Session

from tracker.importers.base import ImportResult, Progress, import_reference
from tracker.importers.runner import run_import
from tracker.reference import project_data_dir

ALL_ORDER = 0


def from_data_dir(session: Session, _shared_data: Path, _progress: Progress) -> ImportResult:
    return import_reference(session, Path(current_app.config["DATA_DIR"]))


@click.command("reference")
def command() -> None:
    """Topics, parties and tracked divisions from the project's data/ folder."""
    run_import(lambda s, _p: import_reference(s, project_data_dir()))
