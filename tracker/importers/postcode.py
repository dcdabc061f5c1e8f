"""`tracker import postcode POSTCODE`: look a postcode up on postcodes.io and cache it.

Prints the Westminster constituency. ``--from-file`` reads a saved postcodes.io
answer instead of asking the service. The answer is cached in PostcodeLookup
(that table is a cache, not a record, so no Revision is written for it).
"""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from sqlmodel import Session

from tracker.importers.base import (
    FILE_PATH,
    ImportFileError,
    ImportResult,
    ImportSourceError,
    Progress,
    require_file,
)
from tracker.importers.runner import run_import
from tracker.postcodes import (
    InvalidPostcode,
    PostcodeResult,
    PostcodeServiceUnavailable,
    UnknownPostcode,
    app_client,
    cache_policy,
    check_postcode,
    lookup_postcode,
    needs_lookup,
    parse_answer,
    store_answer,
)


def _from_file(session: Session, postcode: str, path: Path) -> PostcodeResult:
    require_file(path)
    try:
        body = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportFileError(path, f"is not a postcodes.io JSON answer: {exc}") from None
    try:
        result = parse_answer(postcode, body)
    except PostcodeServiceUnavailable as exc:
        raise ImportFileError(path, f"$.result is missing ({exc.detail})") from None
    if result.postcode != postcode:
        raise ImportFileError(path, f"$.result.postcode is {result.postcode}, not {postcode}")
    store_answer(session, postcode, result)
    return result


@click.command("postcode")
@click.argument("postcode")
@click.option("--from-file", type=FILE_PATH,
              help="A saved postcodes.io answer for this postcode.")
def command(postcode: str, from_file: Path | None) -> None:
    """Show (and cache) the Westminster constituency of a postcode."""
    try:
        normal = check_postcode(postcode)
    except InvalidPostcode as exc:
        raise click.ClickException(str(exc)) from None
    client = app_client()
    cache = cache_policy(current_app.config)
    found: list[PostcodeResult] = []
    unknown: list[str] = []

    def run(session: Session, _progress: Progress) -> ImportResult:
        cached = not needs_lookup(session, normal, cache)
        try:
            if from_file is not None:
                found.append(_from_file(session, normal, from_file))
            else:
                found.append(lookup_postcode(session, client, normal, cache=cache))
        except UnknownPostcode as exc:  # cached as not found; reported after the commit
            unknown.append(str(exc))
        except PostcodeServiceUnavailable as exc:
            raise ImportSourceError(f"{exc} ({exc.detail})") from None
        return ImportResult(source=f"postcode {normal}", added=0 if cached else 1,
                            unchanged=1 if cached else 0,
                            notes=["answer taken from the cache"] if cached else [])

    run_import(run)
    if unknown:
        raise click.ClickException(unknown[0])
    result = found[0]
    click.echo(f"{result.postcode}: {result.constituency_name or 'constituency'} "
               f"({result.gss_code})")
