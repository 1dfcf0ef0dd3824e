"""`athar users add|password|reset` and `athar tokens add`: accounts of the web application and
partners' API tokens."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer

from athar.accounts.errors import AccountError
from athar.cli.common import DbOption, UserOption, command_group, fail
from athar.errors import AtharError

users_app = command_group("Accounts of the web application.")
tokens_app = command_group("API tokens for partner organisations.")


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Account name.")],
    role: Annotated[str, typer.Option(help="admin, investigator, reviewer or caseworker.")],
    org: Annotated[str, typer.Option(help="Organisation the account belongs to.")],
    prompt: Annotated[
        bool, typer.Option("--prompt", help="Type the password instead of generating one.")
    ] = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Create an account; a generated password is printed once."""
    try:
        add_user(db, name, role, org, password="" if prompt else None, by=user)
    except AtharError as e:
        raise fail(str(e)) from None


@users_app.command("password")
def users_password(
    name: Annotated[str, typer.Argument(help="Account name.")],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Set a new password, typed twice (12 characters at least, not a common one); ends the account's
    sessions."""
    try:
        change_password(db, name, _typed_password(name), by=user)
    except AtharError as e:
        raise fail(str(e)) from None
    print(f"password of {name} changed; its sessions have ended")


@users_app.command("reset")
def users_reset(
    name: Annotated[str, typer.Argument(help="Account name.")],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Give an account a generated password, printed once; ends the account's sessions."""
    from athar.accounts import generate_password

    password = generate_password()
    try:
        change_password(db, name, password, by=user, action="user.password_reset")
    except AtharError as e:
        raise fail(str(e)) from None
    print(f"New password for {name} (shown once): {password}")


def _typed_password(name: str) -> str:
    password = getpass.getpass(f"Password for {name}: ")
    if password != getpass.getpass("Again: "):
        raise fail("the passwords differ")
    return password


def change_password(
    db: str | None, name: str, password: str, by: str | None = None, action: str = "user.password"
) -> None:
    """Set `name`'s password (checked by `password_problem`), end its sessions, and audit it."""
    from athar.accounts.users import set_password, user_id_named
    from athar.audit import current_user, record_event
    from athar.store import open_store

    engine = open_store(db)
    try:
        set_password(engine, user_id_named(engine, name), password)
        record_event(engine, current_user(by), action, "user", name)
    finally:
        engine.dispose()


@tokens_app.command("add")
def tokens_add(
    org: Annotated[str, typer.Option(help="Partner organisation.")],
    role: Annotated[str, typer.Option(help="Role the token acts with.")],
    label: Annotated[str | None, typer.Option(help="What the token is for.")] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Create an API token for a partner organisation; printed once."""
    try:
        add_token(db, org, role, label=label, by=user)
    except AtharError as e:
        raise fail(str(e)) from None


def add_user(
    db: str | None, name: str, role: str, org: str, password: str | None = None, by: str | None = None
) -> str:
    """Create an account and return its password.

    With no password given one is generated and printed once (it is not stored anywhere but as a hash).
    Pass `password=""` to be prompted for one on the terminal instead.
    """
    from athar.accounts import create_user, generate_password
    from athar.accounts.passwords import password_problem
    from athar.audit import current_user, record_event
    from athar.store import open_store

    if password == "":
        password = getpass.getpass(f"Password for {name}: ")
        if password != getpass.getpass("Again: "):
            raise AccountError("the passwords differ")
    generated = password is None
    password = password or generate_password()
    problem = None if generated else password_problem(password, name)
    if problem:
        raise AccountError(problem)
    engine = open_store(db)
    try:
        create_user(engine, name, role, org, password)
        record_event(engine, current_user(by), "user.add", "user", name, detail={"role": role, "org": org})
    finally:
        engine.dispose()
    if generated:
        print(f"Password for {name} (shown once): {password}")
    return password


def add_token(db: str | None, org: str, role: str, label: str | None = None, by: str | None = None) -> str:
    """Create an API token for a partner organisation; printed once and returned."""
    from athar.accounts import create_token
    from athar.audit import current_user, record_event
    from athar.store import open_store

    engine = open_store(db)
    try:
        token = create_token(engine, org, role, label=label, created_by=current_user(by))
        record_event(engine, current_user(by), "token.add", "organisation", org, detail={"role": role})
    finally:
        engine.dispose()
    print(f"API token for {org} ({role}), shown once: {token}")
    return token
