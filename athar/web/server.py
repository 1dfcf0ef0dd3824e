"""Serving the web application (`athar serve`, `athar demo --serve`)."""

from __future__ import annotations

import ipaddress

from athar.errors import ConfigurationError


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
    keep them Secure, let the proxy pass X-Forwarded-For and name it in ATHAR_TRUSTED_PROXIES: the app
    reads that header only from those addresses (`athar.web.clients`), so uvicorn's own reading is off.
    Other settings come from the environment (`WebSettings.from_env`).
    """
    import dataclasses

    import uvicorn

    from athar.web.app import create_app
    from athar.web.settings import WebSettings

    if insecure_http and not _is_loopback(host):
        raise ConfigurationError(
            "--insecure-http is only allowed on a loopback address (127.0.0.1, ::1, localhost)"
        )
    settings = dataclasses.replace(WebSettings.from_env(), secure_cookies=not insecure_http)
    app = create_app(db, settings)
    uvicorn.run(app, host=host, port=port, proxy_headers=False)
