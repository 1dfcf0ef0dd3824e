"""Command-line conventions every command keeps: `--version`, help that reads at 80 columns, flags
shown without a type (they take no value) and options with theirs."""

from __future__ import annotations

import click
import typer
from typer.testing import CliRunner

from athar import __version__
from athar.cli import app

runner = CliRunner()


def _commands(command, path: tuple[str, ...] = ()):
    """Every command under `command`, by the words that invoke it. (Typer carries its own copy of
    click, so groups are recognised by what they do, not by click's classes.)"""
    yield path, command
    if hasattr(command, "list_commands"):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None:
                yield from _commands(sub, (*path, name))


def test_version_prints_the_package_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"athar {__version__}"


def test_every_help_reads_at_80_columns_and_shows_flags_without_a_type():
    commands = list(_commands(typer.main.get_command(app)))
    assert len(commands) > 20  # the walk reached the sub-groups
    for path, command in commands:
        result = runner.invoke(app, [*path, "--help"], terminal_width=80)
        assert result.exit_code == 0, path
        lines = result.output.splitlines()
        assert max(len(line) for line in lines) <= 80, (path, max(lines, key=len))
        assert "<bool>" not in result.output, path
        for param in command.params:
            is_option = param.param_type_name == "option"
            if is_option and not getattr(param, "is_flag", False) and param.opts[0] != "--help":
                option_line = next(line for line in lines if line.lstrip().startswith(tuple(param.opts)))
                assert "<" in option_line or "[" in option_line, (path, option_line)


def _at_80_columns(*args: str) -> list[str]:
    """The lines `athar ARGS` prints in a terminal 80 columns wide (COLUMNS=80)."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "COLUMNS": "80"}
    proc = subprocess.run(
        [sys.executable, "-m", "athar", *args], capture_output=True, text=True, env=env, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


def _words(lines: list[str]) -> set[str]:
    return {word for line in lines for word in line.split()}


def test_sources_and_quarantine_tables_read_at_80_columns_without_cutting_words(tmp_path):
    from athar.ingest import import_file
    from athar.store import open_store

    source = "family reports from the northern countryside 2014"
    rows = (
        "record_id,given_name,father_name,family_name,birth_date,birth_place,event_place\n"
        "Q1,Samer,Adel,Haddad,1985-13-45,Aleppo,Douma\n"
        "Q2,Rami,Yousef,Khatib,2190,Homs,Hama\n"
        "Q3,Nour,Fadi,Saleh,1990,Hama,Homs\n"
    )
    path = tmp_path / "northern.csv"
    path.write_text(rows, encoding="utf-8")
    db = str(tmp_path / "athar.db")
    engine = open_store(db)
    import_file(engine, path, source, kind="returnee_registration", user="test")
    engine.dispose()

    sources = _at_80_columns("sources", "--db", db)
    quarantine = _at_80_columns("quarantine", "--db", db, "--resolved")
    for lines in (sources, quarantine):
        assert max(len(line) for line in lines) <= 80, max(lines, key=len)
        assert "…" not in "\n".join(lines)  # text wraps; nothing is cut short
    # every number and every word of the source's name is there, whole
    assert {"family", "reports", "northern", "2014", "returnees", "1", "2", "/", "0"} <= _words(sources)
    text = "\n".join(quarantine)
    assert f"source: {source}" in text
    assert "northern.csv:2" in text and "northern.csv:3" in text
    assert {"month", "13", "future", "open", "given_name=Samer;", "event_place=Douma"} <= _words(quarantine)
