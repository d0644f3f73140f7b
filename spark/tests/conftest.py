"""Shared fixtures: one local[2] Spark session per test module (start-up is slow)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))
REPO = HERE.parents[1]


@pytest.fixture(scope="module")
def spark():
    from shoplens_spark.job import spark_session
    from shoplens_spark.lake import open_lake

    os.environ.setdefault("SPARK_MASTER", "local[2]")
    session = spark_session(open_lake(str(REPO / ".shoplens/lake"), None), app_name="shoplens-spark-tests")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def contract():
    from shoplens_spark.contract import load_contract

    return load_contract(REPO)


def require_built(*apps: str) -> None:
    """The bundled apps the test drives: built by the Nx target's dependsOn."""
    for app in apps:
        main = REPO / "dist" / "apps" / app / "main.js"
        if not main.is_file():
            raise RuntimeError(f"{main} is missing: run npx nx run @shoplens/{app}:{'bundle' if app == 'batch' else 'build'}")


def typescript_fixture(name: str, stdin: str, timeout: int = 300) -> list:
    """The JSON lines a TypeScript fixture of spark/tests/fixtures writes for `stdin`, run
    from the workspace's own source (the batch's code, not a copy)."""
    import json
    import subprocess

    done = subprocess.run(
        ["node", "--conditions=@shoplens/source", "--import", "tsx", str(HERE / "fixtures" / name)],
        input=stdin, capture_output=True, text=True, cwd=REPO, timeout=timeout, check=True,
    )
    return [json.loads(x) for x in done.stdout.splitlines() if x]
