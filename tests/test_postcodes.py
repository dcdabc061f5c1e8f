"""Postcode -> constituency via postcodes.io (served by httpx.MockTransport), with caching.

The found answer is the real example ``api_examples/postcodes_io_postcode_result_example.json``
(BR8 7RE), wrapped as postcodes.io wraps it: ``{"status": 200, "result": {...}}``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from flask import Flask
from sqlmodel import Session, select

from tracker.models import PostcodeLookup
from tracker.postcodes import (
    InvalidPostcode,
    PostcodeClient,
    PostcodeServiceUnavailable,
    UnknownPostcode,
    is_valid_postcode,
    lookup_postcode,
    normalise_postcode,
)

Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def br8(shared_data: Path) -> dict[str, Any]:
    result = json.loads((shared_data / "api_examples/postcodes_io_postcode_result_example.json")
                        .read_text(encoding="utf-8"))
    return {"status": 200, "result": result}


@pytest.fixture
def postcodes_io(br8: dict[str, Any]) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/postcodes/BR87RE":
            return httpx.Response(200, json=br8)
        if request.url.path == "/postcodes/ZZ11ZZ":
            return httpx.Response(404, json={"status": 404, "error": "Invalid postcode"})
        return httpx.Response(404, json={"status": 404, "error": "Postcode not found"})

    return handler


def client_for(handler: Handler) -> tuple[PostcodeClient, list[httpx.Request]]:
    requests: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return handler(request)

    return PostcodeClient(transport=httpx.MockTransport(record)), requests


@pytest.mark.parametrize(("text", "normal"), [
    ("sw1a1aa", "SW1A 1AA"), ("BR8 7RE", "BR8 7RE"), ("  br8   7re ", "BR8 7RE"),
    ("m11ae", "M1 1AE"),
])
def test_normalise_postcode(text: str, normal: str) -> None:
    assert normalise_postcode(text) == normal
    assert is_valid_postcode(text)


@pytest.mark.parametrize("text", ["", "hello", "12345", "SW1A 1A", "BR8 7RE 1", "Q1 1AA1"])
def test_invalid_formats(text: str) -> None:
    assert not is_valid_postcode(text)


def test_lookup_reads_the_2024_constituency(postcodes_io: Handler) -> None:
    client, requests = client_for(postcodes_io)
    result = client.lookup("br8 7re")
    assert (result.postcode, result.gss_code, result.constituency_name) == (
        "BR8 7RE", "E14001465", "Sevenoaks")
    assert str(requests[0].url) == "https://api.postcodes.io/postcodes/BR87RE"


def test_falls_back_to_the_older_constituency_code(br8: dict[str, Any]) -> None:
    result = dict(br8["result"], parliamentary_constituency_2024=None)
    result["codes"] = dict(result["codes"], parliamentary_constituency_2024=None,
                           parliamentary_constituency="E14000999")
    client, _ = client_for(lambda _r: httpx.Response(200, json={"status": 200, "result": result}))
    found = client.lookup("BR8 7RE")
    assert (found.gss_code, found.constituency_name) == ("E14000999", "Sevenoaks")


def test_bad_format_makes_no_request(postcodes_io: Handler) -> None:
    client, requests = client_for(postcodes_io)
    with pytest.raises(InvalidPostcode, match="not a valid UK postcode"):
        client.lookup("not a postcode")
    assert requests == []


def test_api_invalid_and_unknown(postcodes_io: Handler) -> None:
    client, _ = client_for(postcodes_io)
    with pytest.raises(InvalidPostcode):
        client.lookup("ZZ1 1ZZ")
    with pytest.raises(UnknownPostcode, match="could not find the postcode SW1A 9ZZ"):
        client.lookup("SW1A 9ZZ")


def raising(error: type[httpx.TransportError]) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error("failed", request=request)

    return handler


@pytest.mark.parametrize("answer", [
    raising(httpx.ConnectError),
    raising(httpx.ReadTimeout),
    lambda _r: httpx.Response(502, json={"status": 502, "error": "Bad gateway"}),
    lambda _r: httpx.Response(200, text="<html>maintenance</html>"),
])
def test_outages(answer: Handler) -> None:
    client, _ = client_for(answer)
    with pytest.raises(PostcodeServiceUnavailable, match="try again in a few minutes") as info:
        client.lookup("BR8 7RE")
    assert info.value.detail


def test_lookup_postcode_caches_found_answers(postcodes_io: Handler, session: Session) -> None:
    client, requests = client_for(postcodes_io)
    first = lookup_postcode(session, client, "br87re")
    session.commit()
    again = lookup_postcode(session, client, "BR8 7RE")
    assert first == again
    assert len(requests) == 1  # the second answer came from the cache
    cached = session.get(PostcodeLookup, "BR8 7RE")
    assert cached is not None and cached.found and cached.gss_code == "E14001465"


def test_lookup_postcode_caches_not_found(postcodes_io: Handler, session: Session) -> None:
    client, requests = client_for(postcodes_io)
    for _ in range(2):
        with pytest.raises(UnknownPostcode):
            lookup_postcode(session, client, "SW1A 9ZZ")
    assert len(requests) == 1
    cached = session.get(PostcodeLookup, "SW1A 9ZZ")
    assert cached is not None and not cached.found and cached.gss_code is None


def test_cached_answer_needs_no_request(session: Session) -> None:
    session.add(PostcodeLookup(postcode="BR8 7RE", found=True, gss_code="E14001465",
                               constituency_name="Sevenoaks"))
    session.commit()

    def no_network(_request: httpx.Request) -> httpx.Response:
        raise AssertionError("no request expected")

    client, requests = client_for(no_network)
    assert lookup_postcode(session, client, "br8 7re").gss_code == "E14001465"
    assert requests == []


def test_outage_is_not_cached(session: Session) -> None:
    client, _ = client_for(lambda _r: httpx.Response(503))
    with pytest.raises(PostcodeServiceUnavailable):
        lookup_postcode(session, client, "BR8 7RE")
    assert session.exec(select(PostcodeLookup)).all() == []


# -- the CLI ---------------------------------------------------------------------------------

def test_cli_prints_and_caches(app: Flask, cli, postcodes_io: Handler, session: Session) -> None:
    app.config["HTTP_TRANSPORT"] = httpx.MockTransport(postcodes_io)
    result = cli("import", "postcode", "br87re")
    assert result.exit_code == 0, result.output
    assert "BR8 7RE: Sevenoaks (E14001465)" in result.output
    assert session.get(PostcodeLookup, "BR8 7RE") is not None
    again = cli("import", "postcode", "BR8 7RE")
    assert "answer taken from the cache" in again.output


def test_cli_from_file(cli, br8: dict[str, Any], session: Session, tmp_path: Path) -> None:
    path = tmp_path / "br8.json"
    path.write_text(json.dumps(br8), encoding="utf-8")
    result = cli("import", "postcode", "BR8 7RE", "--from-file", str(path))
    assert result.exit_code == 0, result.output
    assert "Sevenoaks (E14001465)" in result.output
    assert session.get(PostcodeLookup, "BR8 7RE") is not None


def test_cli_errors(app: Flask, cli, postcodes_io: Handler, session: Session) -> None:
    app.config["HTTP_TRANSPORT"] = httpx.MockTransport(postcodes_io)
    bad = cli("import", "postcode", "hello")
    assert bad.exit_code == 1 and "not a valid UK postcode" in bad.output
    unknown = cli("import", "postcode", "SW1A 9ZZ")
    assert unknown.exit_code == 1 and "could not find the postcode SW1A 9ZZ" in unknown.output
    assert session.get(PostcodeLookup, "SW1A 9ZZ") is not None  # the answer is kept

    app.config["HTTP_TRANSPORT"] = httpx.MockTransport(lambda _r: httpx.Response(500))
    down = cli("import", "postcode", "M1 1AE")
    assert down.exit_code == 1 and "try again in a few minutes" in down.output
    assert session.get(PostcodeLookup, "M1 1AE") is None
