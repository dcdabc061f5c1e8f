"""Every write needs a sign-in and the right role; security headers on every page.

The route audit walks every registered route that accepts POST, PUT, PATCH or DELETE, so a
route added later is covered without a change here: it must either be behind
``role_required`` (which records its role on the view) or be listed in PUBLIC_WRITES with
the credential it takes instead of an account.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from werkzeug.routing import Rule

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Writes open to people without an account, and what they need instead.
PUBLIC_WRITES = {
    "auth.login": "an email and password (rate limited)",
    "auth.accept": "a single-use invitation link",
    "campaigns.answer": "a candidate's own single-use pledge link",
    "replies.claim": "opens a representative's account, inactive until a moderator verifies it",
    "replies.verify": "a single-use link sent to the official address",
}
ROLE_ORDER = ("contributor", "representative", "moderator", "admin")


def _write_rules(app: Flask) -> list[Rule]:
    return sorted((r for r in app.url_map.iter_rules() if WRITE_METHODS & set(r.methods or ())),
                  key=lambda r: r.rule)


def _url(rule: Rule) -> str:
    values = {name: (1 if "int" in type(conv).__name__.lower() else "x")
              for name, conv in rule._converters.items()}  # type: ignore[attr-defined]
    path = rule.rule
    for name, value in values.items():
        path = re.sub(r"<(?:[^:<>]+:)?" + name + ">", str(value), path)
    return path


def _role(app: Flask, endpoint: str) -> str | None:
    return getattr(app.view_functions[endpoint], "required_role", None)


def test_every_write_is_behind_a_role_or_listed_as_public(app: Flask) -> None:
    rules = _write_rules(app)
    assert len(rules) >= 10  # the audit sees the site's forms
    unguarded = [r.endpoint for r in rules
                 if _role(app, r.endpoint) is None and r.endpoint not in PUBLIC_WRITES
                 and r.endpoint != "auth.logout"]
    assert unguarded == [], f"writes without role_required and not listed as public: {unguarded}"
    stale = set(PUBLIC_WRITES) - {r.endpoint for r in rules}
    assert not stale, f"PUBLIC_WRITES lists routes that do not exist: {stale}"


def test_every_guarded_write_refuses_an_anonymous_request(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    checked = 0
    for rule in _write_rules(app):
        if rule.endpoint in PUBLIC_WRITES:
            continue
        for method in sorted(WRITE_METHODS & set(rule.methods or ())):
            response = client.open(_url(rule), method=method, data={"reason": "x"})
            assert response.status_code in (302, 401), (rule.rule, method, response.status_code)
            if response.status_code == 302:
                assert response.headers["Location"].startswith("/login"), rule.rule
            checked += 1
    assert checked >= 10


def test_a_contributor_is_refused_where_a_moderator_or_admin_is_needed(app: Flask, client, users,  # type: ignore[no-untyped-def]
                                                                       login) -> None:
    login(client, users["contributor"])
    checked = 0
    for rule in _write_rules(app):
        role = _role(app, rule.endpoint)
        if role not in ("moderator", "admin"):
            continue
        for method in sorted(WRITE_METHODS & set(rule.methods or ())):
            response = client.open(_url(rule), method=method, data={"reason": "x"})
            assert response.status_code == 403, (rule.rule, method, response.status_code)
            checked += 1
    assert checked >= 5
    login_as_moderator_is_refused_for_admin_writes(app, client, users, login)


def login_as_moderator_is_refused_for_admin_writes(app: Flask, client, users, login) -> None:  # type: ignore[no-untyped-def]
    client.post("/logout")
    login(client, users["moderator"])
    for rule in _write_rules(app):
        if _role(app, rule.endpoint) != "admin":
            continue
        for method in sorted(WRITE_METHODS & set(rule.methods or ())):
            assert client.open(_url(rule), method=method, data={}).status_code == 403, rule.rule


def test_public_writes_refuse_a_made_up_credential(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    for rule in _write_rules(app):
        if rule.endpoint not in PUBLIC_WRITES or "token" not in rule.arguments:
            continue
        url = _url(rule).replace("/x", "/made-up-token-that-is-long-enough")
        response = client.post(url, data={"name": "X", "password": "a long password here"})
        assert 400 <= response.status_code < 500, (rule.rule, response.status_code)


@pytest.mark.parametrize("path", ["/", "/login", "/methodology", "/changes"])
def test_security_headers(client, path: str) -> None:  # type: ignore[no-untyped-def]
    headers = client.get(path).headers
    policy = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";")
                  if part.strip())
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["frame-ancestors"] == "'none'" and policy["form-action"] == "'self'"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in headers  # only when served over HTTPS (test_accounts)


def test_no_page_has_an_inline_script(client) -> None:  # type: ignore[no-untyped-def]
    for path in ("/", "/login", "/people", "/parties", "/pledges", "/methodology", "/downloads",
                 "/downloads/tables/evidence", "/downloads/pages/person"):
        page = client.get(path).get_data(as_text=True)
        for tag in re.findall(r"<script\b[^>]*>", page):
            assert "src=" in tag or 'type="application/json"' in tag, (path, tag)
