"""Plain functions behind `athar serve`, `athar users add` and `athar tokens add` (wired in athar/cli.py)."""

from __future__ import annotations

import getpass
import ipaddress

from athar.audit import current_user, record_event
from athar.store import open_store
from athar.web.auth import create_user, generate_password
from athar.web.tokens import create_token


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(db: str | None, host: str = "127.0.0.1", port: int = 8000, insecure_http: bool = False) -> None:
    """Serve the web application with uvicorn.

    Cookies are Secure (HTTPS only) unless `insecure_http` is given, which is allowed on a loopback
    address only: for a developer's browser on plain http://127.0.0.1. Behind a TLS-terminating proxy,
    keep them Secure and let the proxy pass X-Forwarded-For (uvicorn trusts it from 127.0.0.1).
    """
    import uvicorn

    from athar.web.app import create_app
    from athar.web.settings import WebSettings

    if insecure_http and not _is_loopback(host):
        raise ValueError("--insecure-http is only allowed on a loopback address (127.0.0.1, ::1, localhost)")
    app = create_app(db, WebSettings(secure_cookies=not insecure_http))
    uvicorn.run(app, host=host, port=port, proxy_headers=True, forwarded_allow_ips="127.0.0.1")


def add_user(
    db: str | None, name: str, role: str, org: str, password: str | None = None, by: str | None = None
) -> str:
    """Create an account and return its password.

    With no password given one is generated and printed once (it is not stored anywhere but as a hash).
    Pass `password=""` to be prompted for one on the terminal instead.
    """
    if password == "":
        password = getpass.getpass(f"Password for {name}: ")
        if password != getpass.getpass("Again: "):
            raise ValueError("the passwords differ")
    generated = password is None
    password = password or generate_password()
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
    engine = open_store(db)
    try:
        token = create_token(engine, org, role, label=label, created_by=current_user(by))
        record_event(engine, current_user(by), "token.add", "organisation", org, detail={"role": role})
    finally:
        engine.dispose()
    print(f"API token for {org} ({role}), shown once: {token}")
    return token
