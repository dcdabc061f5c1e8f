"""Slugs and name folding, shared by importers, seeds, reference data, queries and search.

This module sits below all of them: it imports nothing from the tracker.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import Session, select

# -- slugs -------------------------------------------------------------------------------

_slug_strip = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """'Hall Green & Moseley' -> 'hall-green-moseley'; accents dropped, never empty."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _slug_strip.sub("-", ascii_text.lower()).strip("-") or "x"


class Slugs:
    """Hands out unique slugs for one table, knowing those already taken."""

    def __init__(self, session: Session, model: Any) -> None:
        self.taken: set[str] = set(session.exec(select(model.slug)).all())

    def claim(self, *candidates: str) -> str:
        options = [slugify(c) for c in candidates if c]
        for option in options:
            if option not in self.taken:
                self.taken.add(option)
                return option
        base = options[0] if options else "x"
        n = 2
        while f"{base}-{n}" in self.taken:
            n += 1
        self.taken.add(f"{base}-{n}")
        return f"{base}-{n}"


# -- folding text for matching --------------------------------------------------------------

# Letters that Unicode does not decompose into a base letter and an accent.
_FOLD = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ß": "ss", "æ": "ae",
                       "œ": "oe", "ı": "i", "ŀ": "l", "ħ": "h"})


def fold_words(text: str) -> list[str]:
    """Lower-case words of letters and digits, accents removed: 'Allin-Khan' -> ['allin', 'khan']."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_FOLD))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c if c.isalnum() else " " for c in plain).split()


def fold_compact(text: str) -> str:
    """'Thérèse  Coffey-Smith' -> 'theresecoffeysmith': one key for a name however it is spaced."""
    return "".join(fold_words(text))


# -- people's names -------------------------------------------------------------------------

_HONORIFIC = re.compile(
    r"^(?:(?:the\s+)?rt\.?\s+hon\.?|mrs|mr|ms|miss|mx|dr|sir|dame|prof|professor)\.?\s+",
    re.IGNORECASE)


def strip_honorifics(name: str) -> str:
    """'Ms Diane Abbott' -> 'Diane Abbott'; 'Rt Hon Sir Keir Starmer' -> 'Keir Starmer'."""
    name = " ".join(name.split())
    while (match := _HONORIFIC.match(name)) and match.end() < len(name):
        name = name[match.end():]
    return name


def list_name(list_as: str) -> str:
    """'Abbott, Ms Diane' -> 'Abbott, Diane'."""
    last, comma, first = list_as.partition(",")
    if not comma:
        return strip_honorifics(list_as)
    return f"{last.strip()}, {strip_honorifics(first)}"


def sort_name_for(name: str, last_name: str | None = None) -> str:
    """'Tahir Ali' -> 'Ali, Tahir' (or uses the given last name)."""
    name = name.strip()
    if last_name and name.endswith(last_name) and name != last_name:
        return f"{last_name}, {name[: -len(last_name)].strip()}"
    first, _, last = name.rpartition(" ")
    return f"{last}, {first}" if first else name


MAX_URL = 1000


def http_url(raw: str, max_length: int = MAX_URL) -> str | None:
    """``raw`` stripped, if it is an absolute http(s) address of a public host (with a dot in
    its name), without spaces or control characters; else None. The only links the site
    keeps as sources are these."""
    url = raw.strip()
    if not url or len(url) > max_length or any(c.isspace() or ord(c) < 32 for c in url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return None
    if parts.scheme.lower() not in ("http", "https") or "." not in host:
        return None
    return url
