"""Numbers and dates taken from a request, checked the same way by every view.

A value is written with the ASCII digits 0-9 only: ``str.isdigit`` also accepts
'²' or '٣', which ``int`` then refuses. A value that is not what the URL takes is
a 400 that says which parameter is wrong and why (in JSON for a ``?format=json``
twin, see :mod:`tracker.web.errors`), never a 500 and never a silent default.
An empty value (``?page=``, what an empty form field sends) counts as absent.
"""

from __future__ import annotations

import re
from datetime import date

from flask import request
from werkzeug.exceptions import BadRequest

# The deepest page any paginated list serves (50 rows a page: half a million rows).
MAX_PAGE = 10_000
_DIGITS = re.compile(r"[0-9]+")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class BadParameter(BadRequest):
    """A query parameter the URL does not take: answered by a 400 naming it."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(description=f"{name}: {reason}")
        self.parameter = name
        self.reason = reason


def _shown(raw: str) -> str:
    return repr(raw if len(raw) <= 40 else raw[:40] + "…")


def parse_int(name: str, raw: str, *, minimum: int, maximum: int) -> int:
    """``raw`` as a whole number from ``minimum`` to ``maximum``, else :class:`BadParameter`."""
    expected = f"must be a whole number from {minimum} to {maximum}, written with the digits 0-9"
    if not _DIGITS.fullmatch(raw):
        raise BadParameter(name, f"{expected}; got {_shown(raw)}")
    # Compare lengths first: int() of a 5,000-digit string raises, and is slow before that.
    significant = raw.lstrip("0") or "0"
    if len(significant) > len(str(maximum)) or int(significant) > maximum:
        raise BadParameter(name, f"{expected}; {_shown(raw)} is too large")
    value = int(significant)
    if value < minimum:
        raise BadParameter(name, f"{expected}; got {_shown(raw)}")
    return value


def int_arg(name: str, default: int, *, minimum: int, maximum: int) -> int:
    """The query parameter ``name`` as a whole number, ``default`` when absent or empty."""
    raw = request.args.get(name, "")
    if raw == "":
        return default
    return parse_int(name, raw, minimum=minimum, maximum=maximum)


def page_arg(name: str = "page", maximum: int = MAX_PAGE) -> int:
    """A page number (1 when absent). Past the last page is not an error: the view
    says that page is empty; beyond ``maximum`` or below 1 is."""
    return int_arg(name, 1, minimum=1, maximum=maximum)


def parse_day(name: str, raw: str, *, earliest: date | None = None,
              latest: date | None = None) -> date:
    """``raw`` as a day written YYYY-MM-DD, else :class:`BadParameter`."""
    if not _DAY.fullmatch(raw):
        raise BadParameter(name, f"must be a day written YYYY-MM-DD (e.g. 2024-07-04); "
                                 f"got {_shown(raw)}")
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise BadParameter(name, f"{_shown(raw)} is not a day of the calendar") from None
    if earliest is not None and day < earliest:
        raise BadParameter(name, f"must be {earliest.isoformat()} or later; got {raw}")
    if latest is not None and day > latest:
        raise BadParameter(name, f"must be {latest.isoformat()} or earlier; got {raw}")
    return day


def date_arg(name: str, *, earliest: date | None = None, latest: date | None = None) -> date | None:
    """The query parameter ``name`` as a day (``as_of=2024-07-04``), None when absent or empty."""
    raw = request.args.get(name, "")
    if raw == "":
        return None
    return parse_day(name, raw, earliest=earliest, latest=latest)
