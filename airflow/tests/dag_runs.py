"""Running DAGs for real in the test process, and reading what they did."""
from __future__ import annotations


def run_dag(dagbag, dag_id: str, logical_date):
    """One real run of a DAG in this process (dag.test), returning the DagRun."""
    dag = dagbag.get_dag(dag_id)
    assert dag is not None, f"{dag_id} not in the DagBag: {dagbag.import_errors}"
    return dag.test(logical_date=logical_date)


def state(value) -> str | None:
    """A DagRun or TaskInstance state as plain text (enums in some places, strings in others)."""
    return None if value is None else str(getattr(value, "value", value))


def task_states(dag_run) -> dict[str, str | None]:
    return {
        (ti.task_id if ti.map_index < 0 else f"{ti.task_id}[{ti.map_index}]"): state(ti.state)
        for ti in dag_run.get_task_instances()
    }
