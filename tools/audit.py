"""Audit the locked dependencies with pip-audit, and say plainly when the vulnerability data is out of reach.

pip-audit asks PyPI's JSON API (or OSV) for each pinned version's known vulnerabilities. Where only the
package index itself is reachable (as on Athar's build machines), every package comes back "not found";
that is not a clean bill of health, so this prints one line saying the audit could not run and exits 0,
rather than reporting success or failing the build on a network it cannot change.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def locked_requirements(directory: Path) -> Path:
    """The lock file's pins, every group included, as a requirements file pip-audit reads."""
    out = directory / "requirements.txt"
    exported = subprocess.run(
        [
            str(VENV_BIN / "uv"),
            "export",
            "--frozen",
            "--all-groups",
            "--all-extras",
            "--no-hashes",
            "--no-emit-project",
            "--format",
            "requirements-txt",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    out.write_text(exported.stdout, encoding="utf-8")
    return out


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        requirements = locked_requirements(Path(tmp))
        # The virtualenv's own tools are audited too: they are not in the lock file.
        tools = subprocess.run(
            [str(VENV_BIN / "python"), "-m", "pip", "list", "--format=json"],
            check=True,
            capture_output=True,
            text=True,
        )
        pins = {p["name"].lower(): p["version"] for p in json.loads(tools.stdout)}
        with requirements.open("a", encoding="utf-8") as f:
            for name in ("pip", "setuptools"):
                if name in pins:
                    f.write(f"{name}=={pins[name]}\n")
        result = subprocess.run(
            [
                str(VENV_BIN / "pip-audit"),
                "-r",
                str(requirements),
                "--no-deps",
                "--disable-pip",
                "--format",
                "json",
                "--progress-spinner",
                "off",
            ],
            capture_output=True,
            text=True,
        )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print(f"audit: pip-audit failed: {result.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return 2
    dependencies = report.get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    if dependencies and not audited:
        print(
            f"audit: skipped: no vulnerability data could be reached for any of {len(dependencies)} "
            "locked packages (this machine reaches the package index only); run ./dev audit where "
            "PyPI's JSON API or OSV is reachable"
        )
        return 0
    vulnerable = [d for d in audited if d.get("vulns")]
    for dep in vulnerable:
        ids = ", ".join(v["id"] for v in dep["vulns"])
        print(f"audit: {dep['name']} {dep['version']}: {ids}")
    skipped = len(dependencies) - len(audited)
    print(
        f"audit: {len(audited)} packages audited, {len(vulnerable)} with known vulnerabilities"
        + (f", {skipped} could not be audited" if skipped else "")
    )
    return 1 if vulnerable else 0


if __name__ == "__main__":
    raise SystemExit(main())
