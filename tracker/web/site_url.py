"""Absolute URLs, built from the SITE_URL setting and never from the request's Host header
(which the client chooses: a forged one must not end up in a feed or a download)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for


def site_url() -> str:
    return str(current_app.config["SITE_URL"]).rstrip("/")


def absolute(path: str) -> str:
    """``/people/x`` -> ``https://site.example/people/x`` (a path below the site's root)."""
    return site_url() + "/" + path.lstrip("/")


def absolute_url_for(endpoint: str, **values: Any) -> str:
    """``url_for`` as an absolute URL on SITE_URL (which includes any prefix the site is served under)."""
    path = url_for(endpoint, **values)
    root = request.script_root if has_request_context() else ""
    if root and path.startswith(root + "/"):
        path = path[len(root):]
    return absolute(path)


def tag_authority() -> str:
    """The host name for ``tag:`` URIs (Atom ids)."""
    return urlsplit(site_url()).hostname or "localhost"
