"""Accounts: the first admin from the CLI, invitations, signing in and out, roles, limits."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select

from tests.conftest import PASSWORD
from tracker import create_app
from tracker.config import ConfigurationError
from tracker.models import ChangeSet, Invitation, Revision, User


def test_the_first_admin_is_created_from_the_command_line(cli, session: Session) -> None:
    result = cli("users", "create", "Chair@Example.org", "--role", "admin", "--name", "Chair",
                 "--password-stdin", input="a long enough password\n")
    assert result.exit_code == 0, result.output
    assert "Created admin Chair@example.org" in result.output
    user = session.exec(select(User)).one()
    assert (user.role, user.name) == ("admin", "Chair")
    assert user.password_hash.startswith("pbkdf2:") and "a long enough" not in user.password_hash
    revision = session.exec(select(Revision).where(Revision.table_name == "user")).one()
    assert revision.after["password_hash"] == "(redacted)"  # type: ignore[index]
    assert revision.public is False
    again = cli("users", "create", "chair@example.org", "--password-stdin", input="a long enough password\n")
    assert again.exit_code != 0 and "already an account" in again.output
    short = cli("users", "create", "x@example.org", "--password-stdin", input="short\n")
    assert short.exit_code != 0 and "at least 12 characters" in short.output


def test_sign_in_and_out(client, users, login) -> None:
    wrong = client.post("/login", data={"email": "admin@example.org", "password": "not it at all"})
    assert wrong.status_code == 401
    assert "do not match" in wrong.get_data(as_text=True)
    unknown = client.post("/login", data={"email": "nobody@example.org", "password": PASSWORD})
    assert unknown.status_code == 401
    login(client, users["admin"])
    page = client.get("/account").get_data(as_text=True)
    assert "admin@example.org" in page and "Sign out" in page
    assert client.post("/logout").status_code == 302
    assert client.get("/account").status_code == 302  # to the sign-in page again


def test_next_never_leads_off_the_site(client, users) -> None:
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = client.post(f"/login?next={target}",
                               data={"email": users["admin"].email, "password": PASSWORD})
        assert response.headers["Location"] == "/account", target
        client.post("/logout")
    response = client.post("/login?next=/people", data={"email": users["admin"].email, "password": PASSWORD})
    assert response.headers["Location"] == "/people"


def test_an_admin_invites_a_contributor_who_opens_an_account(app, client, users, login, session) -> None:
    login(client, users["admin"])
    page = client.post("/admin/invitations", data={"email": "new@example.org", "role": "contributor"})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    link = re.search(r'value="(http[^"]+/invitations/[^"]+)"', text).group(1)  # type: ignore[union-attr]
    assert "No mail server is set up" in text  # shown to the admin when nothing could be sent
    sent = app.extensions["tracker.outbox"][-1]
    assert sent.to == "new@example.org" and link in sent.body
    client.post("/logout")
    path = link.split("127.0.0.1:5000", 1)[1]
    form = client.get(path)
    assert form.status_code == 200 and "new@example.org" in form.get_data(as_text=True)
    short = client.post(path, data={"name": "New Person", "password": "short"})
    assert short.status_code == 400 and "at least 12 characters" in short.get_data(as_text=True)
    opened = client.post(path, data={"name": "New Person", "password": "a good long password"})
    assert opened.status_code == 302
    user = session.exec(select(User).where(User.email == "new@example.org")).one()
    assert user.role == "contributor"
    invitation = session.exec(select(Invitation)).one()
    assert invitation.used_at is not None and invitation.user_id == user.id
    assert len(invitation.token_hash) == 64 and invitation.token_hash not in link
    # One change set opened the account and used the invitation up.
    change_set = session.get(ChangeSet, session.exec(select(Revision.change_set_id).where(
        Revision.table_name == "invitation", Revision.action == "update")).one())
    tables = {r.table_name for r in session.exec(select(Revision).where(
        Revision.change_set_id == change_set.id)).all()}  # type: ignore[union-attr]
    assert tables == {"user", "invitation"} and change_set.user_id == user.id  # type: ignore[union-attr]
    # Single use.
    client.post("/logout")
    again = client.get(path)
    assert again.status_code == 404 and "already been used" in again.get_data(as_text=True)


def test_an_expired_or_made_up_invitation_is_refused(app, client, users, login, session) -> None:
    app.config["INVITATION_DAYS"] = -1.0 / 24  # already expired
    login(client, users["admin"])
    text = client.post("/admin/invitations", data={"email": "late@example.org", "role": "moderator"}
                       ).get_data(as_text=True)
    path = "/invitations/" + re.search(r"/invitations/([A-Za-z0-9_-]+)", text).group(1)  # type: ignore[union-attr]
    client.post("/logout")
    assert "expired" in client.get(path).get_data(as_text=True)
    assert client.post(path, data={"name": "Late", "password": "a good long password"}).status_code == 404
    assert client.get("/invitations/made-up-token-that-is-long-enough").status_code == 404
    assert session.exec(select(User).where(User.email == "late@example.org")).first() is None


@pytest.mark.parametrize("role,status", [("contributor", 403), ("moderator", 403), ("admin", 200)])
def test_only_admins_invite(client, users, login, role, status) -> None:
    login(client, users[role])
    assert client.get("/admin/invitations").status_code == status
    assert client.post("/admin/invitations", data={"email": "x@example.org", "role": "admin"}
                       ).status_code == status


def test_anonymous_is_sent_to_sign_in(client) -> None:
    response = client.get("/admin/invitations")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert client.post("/admin/invitations", data={"email": "x@example.org", "role": "admin"}
                       ).status_code == 302


def test_forms_need_a_csrf_token(database_url, users) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "k" * 40,
                      "RATELIMIT_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    client = app.test_client()
    refused = client.post("/login", data={"email": users["admin"].email, "password": PASSWORD})
    assert refused.status_code == 400
    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    accepted = client.post("/login", data={"email": users["admin"].email, "password": PASSWORD,
                                           "csrf_token": token})
    assert accepted.status_code == 302
    app.extensions["engine"].dispose()


def test_sign_in_is_rate_limited_and_says_so(database_url, users) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "k" * 40,
                      "WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMIT": "3 per minute",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    client = app.test_client()
    for _ in range(3):
        assert client.post("/login", data={"email": "admin@example.org", "password": "wrong one"}
                           ).status_code == 401
    limited = client.post("/login", data={"email": "admin@example.org", "password": PASSWORD})
    assert limited.status_code == 429
    text = limited.get_data(as_text=True)
    assert "Too many attempts" in text and "3 per minute" in text
    assert client.get("/login").status_code == 200  # reading the form is not limited
    app.extensions["engine"].dispose()


def test_login_limits_are_shared_through_redis(database_url, users, redis_url) -> None:
    import uuid

    prefix = f"test-{uuid.uuid4().hex}"
    apps = [create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "k" * 40,
                        "WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMIT": "2 per minute",
                        "REDIS_URL": redis_url, "RATELIMIT_KEY_PREFIX": prefix,
                        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}) for _ in range(2)]
    # Two workers (two apps) share the counter.
    first, second = (a.test_client() for a in apps)
    bad = {"email": "admin@example.org", "password": "wrong one"}
    assert first.post("/login", data=bad).status_code == 401
    assert second.post("/login", data=bad).status_code == 401
    assert first.post("/login", data=bad).status_code == 429
    assert second.post("/login", data=bad).status_code == 429
    for a in apps:
        a.extensions["engine"].dispose()


@pytest.mark.parametrize("secret", [None, "changeme", "short-but-from-env"])
def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch, secret) -> None:
    monkeypatch.setenv("TRACKER_ENV", "production")
    if secret is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app({"DATABASE_URL": "sqlite://"})


def test_production_starts_with_a_real_secret_key(monkeypatch) -> None:
    monkeypatch.setenv("TRACKER_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "f" * 64)
    app = create_app({"DATABASE_URL": "sqlite://", "SITE_URL": "https://ceasefire.example"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    response = app.test_client().get("/login")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    cookie = response.headers.get("Set-Cookie", "")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    app.extensions["engine"].dispose()


def test_accounts_and_sign_ins_leave_the_data_version_alone(client, users, login, session) -> None:
    """Public pages stay cached: nothing an account does alone changes them."""
    from tracker.models import DataVersion

    version = session.get(DataVersion, 1).version  # type: ignore[union-attr]
    login(client, users["admin"])
    client.post("/admin/invitations", data={"email": "quiet@example.org", "role": "contributor"})
    client.post("/logout")
    session.expire_all()
    assert session.get(DataVersion, 1).version == version  # type: ignore[union-attr]


def test_a_sign_in_lasts_session_hours(app, client, users, login) -> None:
    app.config["PERMANENT_SESSION_LIFETIME"] = 3 * 3600
    response = login(client, users["contributor"])
    cookie = response.headers["Set-Cookie"]
    assert "Expires=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
