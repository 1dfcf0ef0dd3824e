"""The allowed import directions between Athar's packages (pyproject's [tool.importlinter]) hold.

A module that imports upwards (the store importing linkage, linkage importing the web layer) fails
here with import-linter's report of the offending chain.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_imports_only_from_the_layers_below_it():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_every_package_is_a_real_package():
    """A directory without __init__.py is a namespace package, which import-linter cannot see: its
    imports would escape the check."""
    missing = [
        str(d.relative_to(ROOT))
        for d in (ROOT / "athar").rglob("*")
        if d.is_dir()
        and any(d.glob("*.py"))
        and not (d / "__init__.py").exists()
        and "migrations" not in d.parts
    ]
    assert missing == []
