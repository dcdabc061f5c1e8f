"""What the live importers (JSON over HTTP) share: clients, GETs and saved answers.

The clients come from tracker.http_client (pooled, retrying on connection errors
and 5xx/429): ``app_client`` is its ``importer_client``, kept here under its old
name. ``fetch_json`` GETs a JSON document, ``read_json_file`` reads a saved
answer for the ``--from-file`` modes, and ``JsonNode`` names the JSON path of
any bad item.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from tracker.http_client import DEFAULT_TIMEOUT, make_client
from tracker.http_client import importer_client as app_client
from tracker.importers.base import ImportFileError, ImportSourceError, require_file

__all__ = ["DEFAULT_TIMEOUT", "JsonNode", "SourceNotFound", "app_client", "fetch_json", "make_client",
           "read_json_file"]


class SourceNotFound(ImportSourceError):
    """The live source answered 404 Not Found."""


@dataclass(frozen=True)
class JsonNode:
    """A value in a JSON document with its path, so errors name the bad item."""

    source: str
    path: str
    value: Any

    def error(self, message: str) -> ImportFileError:
        return ImportFileError(self.source, f"{self.path} {message}")

    def has(self, key: str) -> bool:
        return isinstance(self.value, dict) and key in self.value

    def get(self, key: str, *, required: bool = True) -> JsonNode | None:
        if not isinstance(self.value, dict):
            raise self.error("is not an object")
        node = JsonNode(self.source, f"{self.path}.{key}", self.value.get(key))
        if node.value is None:
            if required:
                raise node.error("is missing")
            return None
        return node

    def items(self, key: str | None = None, *, required: bool = True) -> list[JsonNode]:
        node = self if key is None else self.get(key, required=required)
        if node is None:
            return []
        if not isinstance(node.value, list):
            raise node.error("is not a list")
        return [JsonNode(self.source, f"{node.path}[{i}]", v) for i, v in enumerate(node.value)]

    def text(self, key: str, *, required: bool = True) -> str | None:
        node = self.get(key, required=required)
        if node is None:
            return None
        if not isinstance(node.value, str):
            raise node.error(f"is not text: {node.value!r}")
        value = node.value.strip()
        if not value and required:
            raise node.error("is empty")
        return value or None

    def integer(self, key: str, *, required: bool = True) -> int | None:
        node = self.get(key, required=required)
        if node is None:
            return None
        if isinstance(node.value, bool) or not isinstance(node.value, int):
            raise node.error(f"is not a whole number: {node.value!r}")
        return node.value

    def day(self, key: str, *, required: bool = True) -> date | None:
        """A date, from an ISO date or date-time such as ``2023-11-15T00:00:00``."""
        value = self.text(key, required=required)
        if value is None:
            return None
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            raise JsonNode(self.source, f"{self.path}.{key}", value).error(
                f"is not a date: {value!r}") from None


def fetch_json(client: httpx.Client, path: str, params: dict[str, Any] | None = None) -> JsonNode:
    """GET a JSON document; any failure becomes an ImportSourceError naming the URL."""
    request = client.build_request("GET", path, params=params)
    url = str(request.url)
    try:
        response = client.send(request)
    except httpx.TimeoutException:
        raise ImportSourceError(f"could not reach {url}: no answer within "
                                f"{client.timeout.read} seconds") from None
    except httpx.HTTPError as exc:
        raise ImportSourceError(f"could not reach {url}: {exc or type(exc).__name__}") from None
    if response.status_code == 404:
        raise SourceNotFound(f"{url} answered 404 Not Found")
    if response.is_error:
        raise ImportSourceError(f"{url} answered HTTP {response.status_code}")
    try:
        return JsonNode(url, "$", response.json())
    except ValueError:
        raise ImportSourceError(f"{url} did not answer with JSON") from None


def read_json_file(path: Path) -> JsonNode:
    """A saved API response, for the ``--from-file`` modes."""
    require_file(path)
    try:
        return JsonNode(path.name, "$", json.loads(path.read_text(encoding="utf-8-sig")))
    except UnicodeDecodeError as exc:
        raise ImportFileError(path, f"is not UTF-8 text ({exc.reason})") from None
    except json.JSONDecodeError as exc:
        raise ImportFileError(path, f"is not valid JSON: {exc.msg} (column {exc.colno})",
                              line=exc.lineno) from None
