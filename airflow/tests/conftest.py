"""Test setup: a throw-away Airflow home with a SQLite metadata DB, and per-test resources
in the real services of tools/stack (PostgreSQL; S3 for the lake adapter).

Airflow reads its configuration when first imported, so the environment is set here,
before any test module imports it.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
DAGS = REPO / "airflow" / "dags"
TESTS = Path(__file__).resolve().parent

_home = Path(tempfile.mkdtemp(prefix="shoplens-airflow-test-"))
os.environ.update(
    {
        "AIRFLOW_HOME": str(_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{_home}/airflow.db",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
        # Parse-time settings of the DAGs under test: failures are final, no waiting.
        "SHOPLENS_RETRIES": "0",
        "SHOPLENS_SENSOR_POKE_MINUTES": "0",
        "SHOPLENS_SENSOR_TIMEOUT_MINUTES": "1",
        "SHOPLENS_HOME": str(REPO),
        # A zone with a DST change in the simulated span (2026-03-08 has 23 hours).
        "REPORT_TZ": "America/New_York",
    }
)
for name in ("LAKE_URL", "SHOPLENS_QUARANTINE_MAX_SHARE", "SHOPLENS_ALLOW_EMPTY"):
    os.environ.pop(name, None)
sys.path[:0] = [str(DAGS), str(TESTS)]

_migrate = subprocess.run(
    [sys.executable, "-m", "airflow", "db", "migrate"], capture_output=True, text=True, env=os.environ
)
if _migrate.returncode != 0:
    raise RuntimeError(f"airflow db migrate failed:\n{_migrate.stdout}\n{_migrate.stderr}")


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_home, ignore_errors=True)


def _stack_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError(
            "DATABASE_URL is not set: start the stack (npm run stack -- up postgres s3 airflow) and "
            'eval "$(npm run -s stack -- env)", or run bash airflow/scripts/run-tests.sh'
        )
    return url


@pytest.fixture(scope="session")
def built_apps() -> Path:
    for app in ("batch", "simulator"):
        if not (REPO / "dist" / "apps" / app / "main.js").is_file():
            raise RuntimeError(f"dist/apps/{app}/main.js is missing: npx nx run @shoplens/{app}:bundle")
    return REPO


def migrate_warehouse(database_url: str) -> None:
    """The warehouse migrations of libs/storage, by their own command."""
    subprocess.run(
        ["node", "--conditions=@shoplens/source", "--import", "tsx", "libs/storage/src/bin/migrate.ts", "up"],
        cwd=REPO,
        env={**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "warn"},
        check=True,
        capture_output=True,
    )


def _with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


@pytest.fixture
def warehouse(monkeypatch):
    """A fresh PostgreSQL database in the stack's server, named by DATABASE_URL for the DAGs and the apps.

    A database rather than a schema: kysely's migrator looks for its own tables in every
    schema, so another schema's migration tables would hide the missing ones of this one.
    """
    import psycopg

    base = _stack_url()
    database = f"shoplens_airflow_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'create database "{database}"')
    url = _with_database(base, database)
    monkeypatch.setenv("DATABASE_URL", url)
    try:
        yield url
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'drop database "{database}" with (force)')


@pytest.fixture
def local_lake(tmp_path, monkeypatch) -> Path:
    lake = tmp_path / "lake"
    lake.mkdir()
    monkeypatch.setenv("LAKE_URL", str(lake))
    monkeypatch.delenv("S3_ENDPOINT", raising=False)
    return lake


@pytest.fixture(scope="session")
def dagbag():
    from airflow.dag_processing.dagbag import BundleDagBag

    return BundleDagBag(dag_folder=str(DAGS), bundle_path=DAGS)


@pytest.fixture(scope="session")
def simulated(built_apps, tmp_path_factory):
    """Two simulated days of traffic in America/New_York (2026-03-07, and 2026-03-08 with
    its DST change), landed once in a raw zone that tests copy; with the simulator's truth."""
    from lake_fill import land, simulate

    out = tmp_path_factory.mktemp("simulated")
    lines, truth = simulate(
        REPO, out, start="2026-03-07", days=2, tz="America/New_York", events=6000, seed=7, invalid_rate=0.01
    )
    lake = out / "lake"
    land(lines, lake)
    return lake, truth


@pytest.fixture
def filled_lake(simulated, local_lake) -> Path:
    shutil.copytree(simulated[0], local_lake, dirs_exist_ok=True)
    return local_lake

