"""`tracker users ...`: accounts from the command line (the first admin, roles, listing)."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext
from sqlmodel import select

from tracker.accounts.users import AccountError, by_email, create_user, set_role
from tracker.db import get_session
from tracker.models import USER_ROLES, User

CLI_ACTOR = "cli"


@click.group("users")
def users_group() -> None:
    """Accounts: create the first admin, set roles, list users."""


@users_group.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(USER_ROLES), default="contributor", show_default=True)
@click.option("--name", default=None, help="Shown beside their edits (default: the part of EMAIL before @).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts).")
@with_appcontext
def users_create(email: str, role: str, name: str | None, password_stdin: bool) -> None:
    """Create an account; asks for its password (twice) unless --password-stdin."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    session = get_session()
    try:
        user = create_user(session, email=email, name=name or email.split("@")[0], role=role,
                           password=password, actor=CLI_ACTOR,
                           reason=f"created from the command line as {role}")
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    session.commit()
    click.echo(f"Created {user.role} {user.email} ({user.name}).")


@users_group.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(USER_ROLES))
@with_appcontext
def users_set_role(email: str, role: str) -> None:
    """Change an account's role."""
    session = get_session()
    user = by_email(session, email)
    if user is None:
        raise click.ClickException(f"There is no account for {email}.")
    set_role(session, user, role, actor=CLI_ACTOR)
    session.commit()
    click.echo(f"{user.email} is now a {role}.")


@users_group.command("list")
@with_appcontext
def users_list() -> None:
    """Every account: email, role, name, whether active."""
    for user in get_session().exec(select(User).order_by(User.email)).all():
        click.echo(f"{user.email}\t{user.role}\t{user.name}\t{'active' if user.active else 'inactive'}")
