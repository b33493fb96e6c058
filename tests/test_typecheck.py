"""``cleaners/`` type-checks: ``mypy`` (settings in pyproject's ``[tool.mypy]``) finds no error."""

from __future__ import annotations

from pathlib import Path

from mypy import api

ROOT = Path(__file__).resolve().parent.parent


def test_cleaners_type_check_clean(tmp_path: Path) -> None:
    """Every module of the pure package passes mypy: Optional values narrowed, containers
    annotated, duck-typed values behind Protocols. A new error fails here with mypy's report."""
    report, errors, status = api.run([
        "--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", str(tmp_path / "cache"),
        str(ROOT / "cleaners"),
    ])
    assert status == 0, report + errors
    assert report.startswith("Success: no issues found")
