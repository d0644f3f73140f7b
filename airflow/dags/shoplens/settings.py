"""Configuration of the shoplens DAGs.

Two kinds, because DAG files must parse without touching a database:

- `DagSettings` shape the DAGs (time zone, schedule, retries). They come from environment
  variables only, read when the DAG file is parsed.
- `RuntimeSettings` are what the tasks need (where the apps and the data are, thresholds).
  They are read when a task runs, each from the first place that has it: an Airflow
  Connection (for the warehouse and S3), an Airflow Variable `shoplens_<name>` (which may
  also come from `AIRFLOW_VAR_SHOPLENS_<NAME>`), then the environment variable itself.

docs: airflow/README.md lists every setting.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Callable, Mapping
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names it."""


Lookup = Callable[[str], "str | None"]

#: The folder holding `dist/apps/<app>/main.js` when SHOPLENS_HOME is unset: the checkout
#: these DAGs live in (airflow/dags/shoplens/ is three levels below it).
DEFAULT_HOME = Path(__file__).resolve().parents[3]

WAREHOUSE_CONN_ID = "shoplens_warehouse"
LAKE_CONN_ID = "shoplens_lake"


def _text(env: Mapping[str, str], name: str, default: str) -> str:
    value = env.get(name, "").strip()
    return value or default


def _int(value: str, name: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise SettingsError(f"{name} must be an integer, got {value!r}") from None
    if not low <= number <= high:
        raise SettingsError(f"{name} must be between {low} and {high}, got {number}")
    return number


def _float(value: str, name: str, low: float, high: float) -> float:
    try:
        number = float(value)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {value!r}") from None
    if not low <= number <= high:
        raise SettingsError(f"{name} must be between {low} and {high}, got {number}")
    return number


def check_time_zone(tz: str, name: str = "REPORT_TZ") -> str:
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(f"{name} is not an IANA time zone: {tz!r}") from None
    return tz


@dataclass(frozen=True)
class DagSettings:
    report_tz: str
    start_date: date
    max_active_runs: int
    retries: int
    retry_delay: timedelta
    max_retry_delay: timedelta
    sensor_poke_interval: timedelta
    sensor_timeout: timedelta
    batch_timeout: timedelta
    late_data_schedule: str
    streamer_health_schedule: str


def load_dag_settings(env: Mapping[str, str] | None = None) -> DagSettings:
    """Reads the parse-time settings; raises SettingsError naming the bad variable."""
    env = os.environ if env is None else env
    tz = check_time_zone(_text(env, "REPORT_TZ", "UTC"))
    start_text = _text(env, "SHOPLENS_START_DATE", "2026-01-01")
    try:
        start = date.fromisoformat(start_text)
    except ValueError:
        raise SettingsError(f"SHOPLENS_START_DATE must be YYYY-MM-DD, got {start_text!r}") from None
    minutes = lambda name, default, high: timedelta(  # noqa: E731
        minutes=_int(_text(env, name, default), name, 0, high)
    )
    return DagSettings(
        report_tz=tz,
        start_date=start,
        max_active_runs=_int(_text(env, "SHOPLENS_MAX_ACTIVE_RUNS", "2"), "SHOPLENS_MAX_ACTIVE_RUNS", 1, 64),
        retries=_int(_text(env, "SHOPLENS_RETRIES", "3"), "SHOPLENS_RETRIES", 0, 20),
        retry_delay=minutes("SHOPLENS_RETRY_DELAY_MINUTES", "5", 24 * 60),
        max_retry_delay=minutes("SHOPLENS_MAX_RETRY_DELAY_MINUTES", "60", 24 * 60),
        sensor_poke_interval=minutes("SHOPLENS_SENSOR_POKE_MINUTES", "10", 24 * 60),
        sensor_timeout=minutes("SHOPLENS_SENSOR_TIMEOUT_MINUTES", "720", 7 * 24 * 60),
        batch_timeout=minutes("SHOPLENS_BATCH_TIMEOUT_MINUTES", "120", 24 * 60),
        late_data_schedule=_text(env, "SHOPLENS_LATE_DATA_SCHEDULE", "30 */6 * * *"),
        streamer_health_schedule=_text(env, "SHOPLENS_STREAMER_HEALTH_SCHEDULE", "*/5 * * * *"),
    )


#: What SHOPLENS_ENGINE may name: the TypeScript batch (default) or the Spark job (spark/).
ENGINES = ("batch", "spark")


@dataclass(frozen=True)
class RuntimeSettings:
    #: Folder with dist/apps/<app>/main.js and the node_modules they load; the apps run there.
    home: Path
    node: str
    lake_url: str
    database_url: str
    #: Extra environment of the apps: S3_ENDPOINT, AWS_* from a Connection or Variables.
    app_env: Mapping[str, str] = field(default_factory=dict)
    s3_endpoint: str | None = None
    #: Largest accepted share of quarantined records in a day.
    quarantine_max_share: float = 0.05
    #: How many days back the late-data DAG looks.
    late_data_days: int = 7
    #: Minutes the sensor gives the stream to move past the end of a day.
    settle_minutes: int = 60
    #: Pass --allow-empty to the batch: a day without traffic loads zeros.
    allow_empty: bool = False
    #: Freshness of rt_kpi_minute above which the streamer is reported unhealthy.
    streamer_max_staleness_seconds: int = 300
    #: The engine computing a day: the TypeScript batch (`batch`) or the Spark job (`spark`).
    engine: str = "batch"
    #: spark-submit's --master for the Spark engine.
    spark_master: str = "local[*]"
    #: The spark-submit executable (default: the Spark engine's virtualenv under SHOPLENS_HOME).
    spark_submit: str | None = None

    def app_path(self, app: str) -> Path:
        return self.home / "dist" / "apps" / app / "main.js"

    def child_env(self, base: Mapping[str, str], report_tz: str) -> dict[str, str]:
        """The apps' environment: this process's, with the lake, warehouse and S3 settings."""
        env = dict(base)
        env.update(self.app_env)
        env["LAKE_URL"] = self.lake_url
        env["DATABASE_URL"] = self.database_url
        env["REPORT_TZ"] = report_tz
        if self.s3_endpoint:
            env["S3_ENDPOINT"] = self.s3_endpoint
        return env


def variable_name(setting: str) -> str:
    """LAKE_URL -> shoplens_lake_url; SHOPLENS_HOME -> shoplens_home."""
    return "shoplens_" + re.sub(r"^SHOPLENS_", "", setting).lower()


def postgres_url(conn) -> str:
    """A postgres:// URL from an Airflow Connection (host, port, login, password, schema = database, extras as parameters)."""
    auth = ""
    if conn.login:
        auth = quote(conn.login, safe="")
        if conn.password:
            auth += ":" + quote(conn.password, safe="")
        auth += "@"
    port = f":{conn.port}" if conn.port else ""
    extra = {k: str(v) for k, v in (conn.extra_dejson or {}).items()}
    query = f"?{urlencode(extra)}" if extra else ""
    return f"postgresql://{auth}{conn.host or 'localhost'}{port}/{quote(conn.schema or 'postgres', safe='')}{query}"


def lake_connection_env(conn) -> dict[str, str]:
    """AWS_* and S3_ENDPOINT from an Airflow Connection of type aws (login = key id, password = secret)."""
    env: dict[str, str] = {}
    if conn.login:
        env["AWS_ACCESS_KEY_ID"] = conn.login
    if conn.password:
        env["AWS_SECRET_ACCESS_KEY"] = conn.password
    extra = conn.extra_dejson or {}
    if extra.get("region_name"):
        env["AWS_REGION"] = str(extra["region_name"])
    endpoint = extra.get("endpoint_url") or (extra.get("service_config") or {}).get("s3", {}).get("endpoint_url")
    if endpoint:
        env["S3_ENDPOINT"] = str(endpoint)
    return env


def load_runtime_settings(
    lookup: Lookup,
    env: Mapping[str, str] | None = None,
    connection: Callable[[str], object | None] = lambda _id: None,
) -> RuntimeSettings:
    """Reads the task-time settings: Connection, then Variable (`lookup`), then `env`."""
    env = os.environ if env is None else env

    def get(name: str, default: str | None = None) -> str | None:
        value = lookup(variable_name(name))
        if value is None or value.strip() == "":
            value = env.get(name, "")
        value = value.strip()
        return value or default

    warehouse = connection(WAREHOUSE_CONN_ID)
    database_url = postgres_url(warehouse) if warehouse is not None else get("DATABASE_URL")
    if not database_url:
        raise SettingsError(
            f"DATABASE_URL is not set: define the Airflow Connection {WAREHOUSE_CONN_ID!r}, "
            "the Variable 'shoplens_database_url' or the environment variable DATABASE_URL "
            "(postgres://user:pass@host:port/db)"
        )
    app_env: dict[str, str] = {}
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_PROFILE"):
        value = lookup(variable_name(name))
        if value:
            app_env[name] = value
    lake = connection(LAKE_CONN_ID)
    if lake is not None:
        app_env.update(lake_connection_env(lake))
    s3_endpoint = app_env.pop("S3_ENDPOINT", None) or get("S3_ENDPOINT")

    home = Path(get("SHOPLENS_HOME", str(DEFAULT_HOME)) or DEFAULT_HOME)
    engine = (get("SHOPLENS_ENGINE", "batch") or "batch").lower()
    if engine not in ENGINES:
        raise SettingsError(f"SHOPLENS_ENGINE must be one of {', '.join(ENGINES)}, got {engine!r}")
    return RuntimeSettings(
        home=home,
        node=get("SHOPLENS_NODE", "node") or "node",
        # The batch's own default, relative to the folder it runs in.
        lake_url=get("LAKE_URL", str(home / ".shoplens" / "lake")) or "",
        database_url=database_url,
        app_env=app_env,
        s3_endpoint=s3_endpoint,
        quarantine_max_share=_float(
            get("SHOPLENS_QUARANTINE_MAX_SHARE", "0.05") or "", "SHOPLENS_QUARANTINE_MAX_SHARE", 0.0, 1.0
        ),
        late_data_days=_int(get("SHOPLENS_LATE_DATA_DAYS", "7") or "", "SHOPLENS_LATE_DATA_DAYS", 1, 366),
        settle_minutes=_int(get("SHOPLENS_SETTLE_MINUTES", "60") or "", "SHOPLENS_SETTLE_MINUTES", 0, 7 * 24 * 60),
        allow_empty=(get("SHOPLENS_ALLOW_EMPTY", "false") or "").lower() in ("1", "true", "yes"),
        engine=engine,
        spark_master=get("SPARK_MASTER", "local[*]") or "local[*]",
        spark_submit=get("SHOPLENS_SPARK_SUBMIT"),
        streamer_max_staleness_seconds=_int(
            get("SHOPLENS_STREAMER_MAX_STALENESS_SECONDS", "300") or "",
            "SHOPLENS_STREAMER_MAX_STALENESS_SECONDS",
            1,
            7 * 24 * 3600,
        ),
    )
