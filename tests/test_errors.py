"""An `AtharError` that no command caught is still one line and exit status 2; any other exception
keeps its traceback (a bug must not look like a user's mistake)."""

from __future__ import annotations

import pytest

import athar.cli as cli
from athar.errors import AtharError


def test_an_uncaught_athar_error_is_one_line_and_exit_2(monkeypatch, capsys):
    def boom() -> None:
        raise AtharError("the list 'x' belongs to another organisation")

    monkeypatch.setattr(cli, "app", boom)
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "athar: error: the list 'x' belongs to another organisation" in err
    assert "Traceback" not in err


def test_any_other_exception_is_not_dressed_up(monkeypatch):
    def bug() -> None:
        raise ZeroDivisionError("a real defect")

    monkeypatch.setattr(cli, "app", bug)
    with pytest.raises(ZeroDivisionError):
        cli.main()
