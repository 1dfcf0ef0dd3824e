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
