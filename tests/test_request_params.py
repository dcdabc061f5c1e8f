"""Numbers taken from a request are checked one way everywhere: a clear 400, never a 500."""

from __future__ import annotations

import json
from datetime import date

import pytest
from flask import Flask

from tracker.web.params import MAX_PAGE, BadParameter, parse_day, parse_int

# Every URL that takes a number from its query string, with the parameter.
NUMBER_URLS = [("/changes", "page"), ("/changes?kind=vote", "page")]
BAD_NUMBERS = ["²", "%C2%B2", "٣", "-1", "0", "99999999999999999999", "1" * 5000, "abc", "2.5",
               "+2", "%202", "1e3", "%00", str(MAX_PAGE + 1)]


def _with(url: str, name: str, value: str, **more: str) -> str:
    extra = "".join(f"&{k}={v}" for k, v in more.items())
    return f"{url}{'&' if '?' in url else '?'}{name}={value}{extra}"


@pytest.mark.parametrize(("url", "name"), NUMBER_URLS)
@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_a_bad_number_is_a_400_that_says_why(client, url: str, name: str, value: str) -> None:
    response = client.get(_with(url, name, value))
    assert response.status_code == 400, (url, value)
    page = response.get_data(as_text=True)
    assert "<h1>Bad request</h1>" in page
    assert f"{name}: must be a whole number from 1 to {MAX_PAGE}, written with the digits 0-9" in page


@pytest.mark.parametrize(("url", "name"), NUMBER_URLS)
def test_a_json_twin_answers_a_bad_number_in_json(client, url: str, name: str) -> None:
    response = client.get(_with(url, name, "%C2%B2", format="json"))
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    error = json.loads(response.get_data(as_text=True))["error"]
    assert error["status"] == 400 and error["parameter"] == name
    assert error["message"] == (f"{name}: must be a whole number from 1 to {MAX_PAGE}, written with "
                                "the digits 0-9; got '²'")
    csv_twin = client.get(_with(url, name, "-1", format="csv"))
    assert csv_twin.status_code == 400 and csv_twin.mimetype == "text/plain"
    assert "must be a whole number" in csv_twin.get_data(as_text=True)


def test_good_and_empty_page_numbers_are_served(cli, client) -> None:
    cli("seed")
    for url in ("/changes?page=1", "/changes?page=", "/changes?page=01", f"/changes?page={MAX_PAGE}"):
        assert client.get(url).status_code == 200, url
    beyond = client.get("/changes?page=500").get_data(as_text=True)
    assert "There are no changes on this page" in beyond


def test_parse_int_accepts_ascii_digits_only() -> None:
    assert parse_int("n", "007", minimum=1, maximum=10) == 7
    for raw in ("²", "١", "๓", " 3", "3 ", "", "0x3", "3_0"):
        with pytest.raises(BadParameter):
            parse_int("n", raw, minimum=1, maximum=100)
    with pytest.raises(BadParameter, match="too large"):
        parse_int("n", "9" * 10_000, minimum=1, maximum=100)


def test_parse_day() -> None:
    assert parse_day("as_of", "2024-07-04") == date(2024, 7, 4)
    for raw in ("2024-7-4", "2024-02-30", "２０２４-07-04", "20240704", "2024-07-04T00:00"):
        with pytest.raises(BadParameter, match="as_of"):
            parse_day("as_of", raw)
    with pytest.raises(BadParameter, match="2023-10-01 or later"):
        parse_day("as_of", "2020-01-01", earliest=date(2023, 10, 1))


def test_the_400_page_is_a_normal_page(app: Flask, client) -> None:
    page = client.get("/changes?page=abc").get_data(as_text=True)
    assert '<a href="/">' in page or 'href="/"' in page  # the site's header and navigation
    assert "got &#39;abc&#39;" in page
