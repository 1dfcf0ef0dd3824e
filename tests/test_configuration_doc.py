"""docs/configuration.md and the code agree on the ATHAR_* environment variables."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VARIABLE = re.compile(r"\bATHAR_[A-Z0-9_]*[A-Z0-9]\b")


def _read_by_code() -> set[str]:
    found: set[str] = set()
    for folder in ("athar", "tests", "bench", "tools"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name != Path(__file__).name:
                found |= set(VARIABLE.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_variable_the_code_reads_is_documented_and_none_other():
    documented = set(VARIABLE.findall((ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")))
    read = _read_by_code()
    assert read - documented == set(), "read by the code but missing from docs/configuration.md"
    assert documented - read == set(), "documented but read by nothing"
