"""Postcode searches that would ask postcodes.io are rate-limited per client (Flask-Limiter).

Run with the limiter's memory storage, and with Redis (REDIS_URL, else 127.0.0.1:6379):
unreachable Redis skips those tests, except under CI=true where it fails them, as
PostgreSQL does in conftest.py.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator

import httpx
import pytest
from flask import Flask
from flask.testing import FlaskClient

from tracker import create_app
from tracker.extensions import limiter

IN_CI = os.environ.get("CI", "").lower() == "true"
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
LIMIT_MESSAGE = "You have looked up too many postcodes in a short time (the limit is 2 per minute)"


def not_found(_request: httpx.Request) -> httpx.Response:
    return httpx.Response(404, json={"status": 404, "error": "Postcode not found"})



@pytest.fixture(params=["memory", "redis"])
def limited_app(request: pytest.FixtureRequest, database_url: str) -> Iterator[Flask]:
    prefix = f"tracker-test-{uuid.uuid4().hex}"
    config = {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
              "RATELIMIT_ENABLED": True, "POSTCODES_RATE_LIMIT": "2 per minute",
              "RATELIMIT_KEY_PREFIX": prefix, "HTTP_TRANSPORT": httpx.MockTransport(not_found),
              "REDIS_URL": request.getfixturevalue("redis_url") if request.param == "redis" else ""}
    app = create_app(config)
    yield app
    if request.param == "redis":
        import redis

        connection = redis.Redis.from_url(REDIS_URL)
        for key in connection.scan_iter(f"*{prefix}*"):
            connection.delete(key)
        connection.close()
    app.extensions["engine"].dispose()


def search(client: FlaskClient, query: str, address: str = "192.0.2.1", **params: str):  # type: ignore[no-untyped-def]
    return client.get("/search", query_string={"q": query, **params},
                      environ_base={"REMOTE_ADDR": address})


def test_the_storage_is_the_one_configured(limited_app: Flask) -> None:
    storage = limited_app.config["RATELIMIT_STORAGE_URI"]
    expected = "redis://" if limited_app.config["REDIS_URL"] else "memory://"
    assert storage.startswith(expected)
    assert type(limiter(limited_app).storage).__name__ == ("RedisStorage" if expected == "redis://"
                                                           else "MemoryStorage")


def test_postcode_lookups_are_limited_per_client(limited_app: Flask) -> None:
    client = limited_app.test_client()
    for postcode in ("SW1A 1AA", "SW1A 2AA"):
        assert search(client, postcode).status_code == 200
    limited = search(client, "SW1A 3AA")
    assert limited.status_code == 429
    page = limited.get_data(as_text=True)
    assert "Too many postcode searches" in page and LIMIT_MESSAGE in page
    assert "Searching by name still works" in page
    assert 0 < int(limited.headers["Retry-After"]) <= 60

    twin = search(client, "SW1A 4AA", format="json")
    assert twin.status_code == 429 and twin.mimetype == "application/json"
    error = json.loads(twin.get_data(as_text=True))["error"]
    assert error["status"] == 429 and LIMIT_MESSAGE in error["message"]

    # Name searches never ask postcodes.io, and are not limited.
    for _ in range(3):
        assert search(client, "naqvi").status_code == 200
    # Nor is a postcode whose answer is in the cache.
    cached = search(client, "SW1A 1AA")
    assert cached.status_code == 200
    assert "We could not find the postcode SW1A 1AA" in cached.get_data(as_text=True)
    # Nor is a badly typed one, refused before any request.
    assert search(client, "SW1A 1A").status_code == 200
    # Another client has its own allowance.
    assert search(client, "SW1A 5AA", address="198.51.100.7").status_code == 200


def test_the_default_app_limits_postcode_searches(database_url: str) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                      "HTTP_TRANSPORT": httpx.MockTransport(not_found), "REDIS_URL": "",
                      "RATELIMIT_KEY_PREFIX": f"tracker-test-{uuid.uuid4().hex}"})
    try:
        assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
        client = app.test_client()
        codes = [search(client, f"M1 1A{chr(65 + n)}").status_code for n in range(11)]
        assert codes == [200] * 10 + [429]  # 10 per minute unless configured otherwise
    finally:
        app.extensions["engine"].dispose()
