"""Fixtures shared by the importer tests of live APIs."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from flask import Flask

Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def serve(app: Flask) -> Callable[[Handler], list[httpx.Request]]:
    """Answer the app's HTTP calls with a handler; returns the list of requests made."""
    def install(handler: Handler) -> list[httpx.Request]:
        requests: list[httpx.Request] = []

        def record(request: httpx.Request) -> httpx.Response:
            requests.append(request)
            return handler(request)

        app.config["HTTP_TRANSPORT"] = httpx.MockTransport(record)
        return requests

    return install
