"""The command line as users run it: usage errors and a day without input, with the batch's exit codes."""
from __future__ import annotations

import os
import subprocess
import sys

from conftest import HERE, REPO


def run(args, **env):
    return subprocess.run(
        [sys.executable, "-m", "shoplens_spark", *args],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(HERE.parent / "src"), **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_help_and_usage_errors():
    assert run(["--help"]).returncode == 0
    assert "Exit status" in run(["--help"]).stdout
    for args, message in [
        (["daily"], "give --date DAY"),
        (["daily", "--date", "2026-02-30"], "--date must be a date"),
        (["daily", "--from", "2026-03-02", "--to", "2026-03-01"], "is after"),
        (["daily", "--date", "2026-03-01", "--tz", "Mars/Olympus"], "not an IANA time zone"),
        (["daily", "--date", "2026-03-01", "--lateness-hours", "x"], "--lateness-hours"),
        (["weekly", "--date", "2026-03-01"], "expected the command daily"),
        (["daily", "--date", "2026-03-01", "--bogus"], "unrecognized arguments"),
    ]:
        result = run(args, DATABASE_URL="postgres://x@127.0.0.1:1/x")
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr, (args, result.stderr)
    missing = run(["daily", "--date", "2026-03-01"], DATABASE_URL="")
    assert missing.returncode == 2 and "DATABASE_URL is not set" in missing.stderr


def test_a_day_without_raw_files_is_no_input(tmp_path):
    result = run(["daily", "--date", "2026-03-01", "--no-warehouse"], LAKE_URL=str(tmp_path))
    assert result.returncode == 3, result.stderr
    assert "no raw files for 2026-03-01 (UTC)" in result.stderr


def test_an_unreachable_warehouse_is_retriable(tmp_path):
    result = run(["daily", "--date", "2026-03-01"], LAKE_URL=str(tmp_path), DATABASE_URL="postgres://u:secret@127.0.0.1:1/db")
    assert result.returncode == 4, result.stderr
    assert "secret" not in result.stderr
