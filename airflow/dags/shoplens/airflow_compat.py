"""The Airflow names the DAGs use, from Airflow 3's `airflow.sdk` or Airflow 2's modules."""
from __future__ import annotations

try:  # Airflow 3
    from airflow.sdk import Asset, Param, PokeReturnValue, dag, get_current_context, task
    from airflow.sdk.exceptions import AirflowException, AirflowFailException
    from airflow.sdk import CronDataIntervalTimetable

    AIRFLOW_3 = True
except ImportError:  # Airflow 2.x (2.5 or later: @task.sensor)
    from airflow.datasets import Dataset as Asset  # type: ignore[no-redef]
    from airflow.decorators import dag, task  # type: ignore[no-redef]
    from airflow.exceptions import AirflowException, AirflowFailException  # type: ignore[no-redef]
    from airflow.models.param import Param  # type: ignore[no-redef]
    from airflow.operators.python import get_current_context  # type: ignore[no-redef]
    from airflow.sensors.base import PokeReturnValue  # type: ignore[no-redef]
    from airflow.timetables.interval import CronDataIntervalTimetable  # type: ignore[no-redef]

    AIRFLOW_3 = False


def airflow_variable(key: str) -> str | None:
    """An Airflow Variable (or AIRFLOW_VAR_<KEY> from the environment), None when unset."""
    if AIRFLOW_3:
        from airflow.sdk import Variable

        try:
            value = Variable.get(key, default=None)
        except KeyError:
            return None
    else:
        from airflow.models import Variable  # type: ignore[no-redef]

        value = Variable.get(key, default_var=None)
    return None if value is None else str(value)


def airflow_connection(conn_id: str):
    """An Airflow Connection, or None when it is not defined."""
    try:
        if AIRFLOW_3:
            from airflow.sdk import Connection

            return Connection.get(conn_id)
        from airflow.hooks.base import BaseHook

        return BaseHook.get_connection(conn_id)
    except Exception as err:  # AirflowNotFoundException lives in different modules across versions
        if type(err).__name__ == "AirflowNotFoundException":
            return None
        raise


__all__ = [
    "AIRFLOW_3",
    "AirflowException",
    "AirflowFailException",
    "Asset",
    "CronDataIntervalTimetable",
    "Param",
    "PokeReturnValue",
    "airflow_connection",
    "airflow_variable",
    "dag",
    "get_current_context",
    "task",
]
