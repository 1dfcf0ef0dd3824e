"""The web application and JSON API (issue 6): `create_app` builds it; `athar.web.cli` serves it."""

from athar.web.app import create_app
from athar.web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]
