"""tracker.http_client: one pooled client for every outbound call, with retries for importers."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import format_datetime

import httpx
import pytest
from flask import Flask

from tracker.config import PROJECT_ROOT
from tracker.http_client import (
    USER_AGENT,
    RetryPolicy,
    importer_client,
    make_client,
    retry_after_seconds,
)
from tracker.importers.base import ImportSourceError
from tracker.importers.http import fetch_json


class Script:
    """Answers requests in turn from a list (an exception is raised), recording them."""

    def __init__(self, *answers: httpx.Response | type[httpx.TransportError]) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, type):
            raise answer("connection refused", request=request)
        return answer


def client_for(script: Script, policy: RetryPolicy | None) -> tuple[httpx.Client, list[float]]:
    waits: list[float] = []
    client = make_client("https://api.example", transport=httpx.MockTransport(script), retry=policy,
                         sleep=waits.append)
    return client, waits


def ok() -> httpx.Response:
    return httpx.Response(200, json={"ok": True})


def test_every_request_names_the_project() -> None:
    script = Script(ok())
    client, _ = client_for(script, None)
    client.get("/x")
    assert USER_AGENT.startswith("ceasefire-stance-tracker/")
    assert script.requests[0].headers["User-Agent"] == USER_AGENT


def test_connection_errors_are_retried_with_growing_waits() -> None:
    script = Script(httpx.ConnectError, httpx.ConnectError, ok())
    client, waits = client_for(script, RetryPolicy(attempts=4, backoff=0.5, max_wait=30))
    assert client.get("/x").json() == {"ok": True}
    assert len(script.requests) == 3 and waits == [0.5, 1.0]


@pytest.mark.parametrize("status", [500, 502, 503, 504, 429])
def test_server_errors_and_429_are_retried(status: int) -> None:
    script = Script(httpx.Response(status), ok())
    client, waits = client_for(script, RetryPolicy(attempts=3, backoff=1.0))
    assert client.get("/x").status_code == 200
    assert len(script.requests) == 2 and waits == [1.0]


def test_attempts_are_bounded_and_waits_capped() -> None:
    script = Script(httpx.Response(503))
    client, waits = client_for(script, RetryPolicy(attempts=5, backoff=4.0, max_wait=10.0))
    assert client.get("/x").status_code == 503  # the last answer, as it was
    assert len(script.requests) == 5 and waits == [4.0, 8.0, 10.0, 10.0]


def test_a_connection_that_never_comes_raises_after_the_last_attempt() -> None:
    script = Script(httpx.ConnectError)
    client, waits = client_for(script, RetryPolicy(attempts=3, backoff=0.1))
    with pytest.raises(httpx.ConnectError):
        client.get("/x")
    assert len(script.requests) == 3 and waits == [0.1, 0.2]


def test_retry_after_is_honoured() -> None:
    script = Script(httpx.Response(429, headers={"Retry-After": "7"}), ok())
    client, waits = client_for(script, RetryPolicy(attempts=3, backoff=0.5, max_wait=30))
    assert client.get("/x").status_code == 200
    assert waits == [7.0]


def test_a_retry_after_beyond_the_cap_ends_the_retries() -> None:
    script = Script(httpx.Response(503, headers={"Retry-After": "3600"}), ok())
    client, waits = client_for(script, RetryPolicy(attempts=4, max_wait=30))
    assert client.get("/x").status_code == 503
    assert len(script.requests) == 1 and waits == []


def test_retry_after_as_a_date() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    later = format_datetime(datetime(2026, 1, 1, 12, 0, 20, tzinfo=UTC), usegmt=True)
    assert retry_after_seconds(httpx.Response(503, headers={"Retry-After": later}), now) == 20.0
    assert retry_after_seconds(httpx.Response(503, headers={"Retry-After": "soon"}), now) is None
    assert retry_after_seconds(httpx.Response(503), now) is None


def test_other_answers_and_posts_are_not_retried() -> None:
    for answer in (httpx.Response(404), httpx.Response(400), ok()):
        script = Script(answer)
        client, waits = client_for(script, RetryPolicy(attempts=4))
        client.get("/x")
        assert len(script.requests) == 1 and waits == []
    script = Script(httpx.Response(503), ok())
    client, _ = client_for(script, RetryPolicy(attempts=4))
    assert client.post("/x", content=b"data").status_code == 503
    assert len(script.requests) == 1


def test_the_importers_client_retries_as_the_app_is_configured(app: Flask) -> None:
    script = Script(httpx.Response(502), httpx.ConnectError, ok())
    app.config.update(HTTP_TRANSPORT=httpx.MockTransport(script), HTTP_RETRIES=3, HTTP_RETRY_BACKOFF=0)
    with app.app_context(), importer_client("https://api.example") as client:
        assert fetch_json(client, "/x").value == {"ok": True}
    assert len(script.requests) == 3

    script = Script(httpx.Response(503))
    app.config.update(HTTP_TRANSPORT=httpx.MockTransport(script), HTTP_RETRIES=2)
    with app.app_context(), importer_client("https://api.example") as client, \
            pytest.raises(ImportSourceError, match="answered HTTP 503"):
        fetch_json(client, "/x")
    assert len(script.requests) == 2


def test_the_policy_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="at least one attempt"):
        RetryPolicy(attempts=0)
    with pytest.raises(ValueError, match="negative"):
        RetryPolicy(backoff=-1)


# Making a client, or calling out, anywhere but tracker/http_client.py bypasses its
# pooling, User-Agent and retries.
_OUTBOUND = re.compile(r"httpx\.(Client|AsyncClient|HTTPTransport|get|post|put|delete|head|stream|request)\("
                       r"|\bimport requests\b|urllib\.request|urlopen\(|http\.client")


def test_every_outbound_call_goes_through_the_http_client_module() -> None:
    package = PROJECT_ROOT / "tracker"
    offenders = [str(path.relative_to(PROJECT_ROOT)) for path in sorted(package.rglob("*.py"))
                 if path != package / "http_client.py" and _OUTBOUND.search(path.read_text("utf-8"))]
    assert offenders == []


def test_the_scan_would_see_a_stray_client() -> None:
    assert _OUTBOUND.search("with httpx.Client(timeout=5) as c:")
    assert _OUTBOUND.search("response = httpx.get(url)")
    assert not _OUTBOUND.search("def f(client: httpx.Client) -> None:")
