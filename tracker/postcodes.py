"""Postcode -> Westminster constituency, via postcodes.io, cached in PostcodeLookup.

Every failure is an exception whose message a voter can read: a badly typed
postcode (``InvalidPostcode``, found before any request), a postcode that does
not exist (``UnknownPostcode``), or postcodes.io being unreachable
(``PostcodeServiceUnavailable``; ``detail`` says why, for logs). Answers are
cached, found or not found; an outage never is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
from sqlmodel import Session

from tracker.models import PostcodeLookup, utcnow

DEFAULT_BASE_URL = "https://api.postcodes.io"
# Outward code (area letters, district) and inward code (sector digit, unit letters).
_POSTCODE = re.compile(r"^(?:[A-Z]{1,2}[0-9][A-Z0-9]?|GIR) [0-9][A-Z]{2}$")


class PostcodeError(Exception):
    """A postcode lookup failed; ``str(error)`` is a message for the voter."""


class InvalidPostcode(PostcodeError):
    pass


class UnknownPostcode(PostcodeError):
    pass


class PostcodeServiceUnavailable(PostcodeError):
    def __init__(self, detail: str) -> None:
        super().__init__("We could not look up postcodes just now. "
                         "Please try again in a few minutes.")
        self.detail = detail


@dataclass(frozen=True)
class PostcodeResult:
    postcode: str
    gss_code: str
    constituency_name: str | None


def normalise_postcode(text: str) -> str:
    """'sw1a1aa' -> 'SW1A 1AA': capitals, and one space before the last three characters."""
    compact = "".join(text.split()).upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def is_valid_postcode(text: str) -> bool:
    return bool(_POSTCODE.match(normalise_postcode(text)))


def check_postcode(text: str) -> str:
    """The normalised postcode, or InvalidPostcode with a message for the voter."""
    normal = normalise_postcode(text)
    if not _POSTCODE.match(normal):
        raise _invalid(text)
    return normal


def _invalid(text: str) -> InvalidPostcode:
    shown = " ".join(text.split())
    if not shown:
        return InvalidPostcode("Please enter a postcode (for example SW1A 1AA).")
    return InvalidPostcode(f"“{shown[:20]}” is not a valid UK postcode. "
                           "Please check it and try again (for example SW1A 1AA).")


def _unknown(postcode: str) -> UnknownPostcode:
    return UnknownPostcode(f"We could not find the postcode {postcode}. "
                           "Please check it and try again.")


def parse_answer(postcode: str, body: Any) -> PostcodeResult:
    """Read ``{"status": 200, "result": {...}}`` (or the bare result object)."""
    result = body.get("result", body) if isinstance(body, dict) else None
    if not isinstance(result, dict):
        raise PostcodeServiceUnavailable(f"postcodes.io answer for {postcode} has no result")
    codes = result.get("codes") if isinstance(result.get("codes"), dict) else {}
    gss = codes.get("parliamentary_constituency_2024") or codes.get("parliamentary_constituency")
    if not gss:
        raise UnknownPostcode(f"The postcode {postcode} is not in a UK parliamentary "
                              "constituency.")
    name = (result.get("parliamentary_constituency_2024")
            or result.get("parliamentary_constituency"))
    found = result.get("postcode")
    return PostcodeResult(postcode=normalise_postcode(found) if isinstance(found, str) else postcode,
                          gss_code=str(gss), constituency_name=name)


class PostcodeClient:
    """postcodes.io over httpx; ``transport`` lets tests answer with httpx.MockTransport."""

    def __init__(self, base_url: str = DEFAULT_BASE_URL, timeout: float = 5.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.transport = transport

    def lookup(self, postcode: str) -> PostcodeResult:
        normal = check_postcode(postcode)
        url = f"{self.base_url}/postcodes/{quote(normal.replace(' ', ''))}"
        try:
            with httpx.Client(timeout=self.timeout, transport=self.transport) as client:
                response = client.get(url, headers={"Accept": "application/json"})
        except httpx.HTTPError as exc:
            raise PostcodeServiceUnavailable(f"could not reach {url}: "
                                             f"{exc or type(exc).__name__}") from None
        return self._read(normal, url, response)

    def _read(self, postcode: str, url: str, response: httpx.Response) -> PostcodeResult:
        try:
            body = response.json()
        except ValueError:
            raise PostcodeServiceUnavailable(f"{url} answered {response.status_code} "
                                             "without JSON") from None
        if response.status_code == 404:
            error = str(body.get("error", "")) if isinstance(body, dict) else ""
            if "invalid" in error.casefold():
                raise _invalid(postcode)
            raise _unknown(postcode)
        if response.status_code != 200:
            raise PostcodeServiceUnavailable(f"{url} answered HTTP {response.status_code}")
        return parse_answer(postcode, body)


def lookup_postcode(session: Session, client: PostcodeClient, postcode: str) -> PostcodeResult:
    """The constituency of ``postcode``, from the cache or else postcodes.io.

    Found and not-found answers are cached in PostcodeLookup (added to the
    session and flushed: the caller commits); an outage is never cached.
    """
    normal = check_postcode(postcode)
    cached = session.get(PostcodeLookup, normal)
    if cached is not None:
        return _from_cache(cached)
    try:
        result = client.lookup(normal)
    except UnknownPostcode:
        store_answer(session, normal, None)
        raise
    store_answer(session, normal, result)
    return result


def store_answer(session: Session, postcode: str, result: PostcodeResult | None) -> None:
    """Cache an answer (``None`` = not found); merge, so a repeated answer is harmless."""
    name = result.constituency_name if result else None
    session.merge(PostcodeLookup(
        postcode=postcode, found=result is not None, fetched_at=utcnow(),
        gss_code=result.gss_code if result else None, constituency_name=name[:200] if name else None))
    session.flush()


def _from_cache(cached: PostcodeLookup) -> PostcodeResult:
    if not cached.found or not cached.gss_code:
        raise _unknown(cached.postcode)
    return PostcodeResult(cached.postcode, cached.gss_code, cached.constituency_name)
