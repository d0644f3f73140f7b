"""Runs the built batch app (`node dist/apps/batch/main.js`) for one day.

The app's contract (apps/batch): one JSON summary line per day on stdout, pino logs on
stderr, a last `batch: <message>` line on stderr when it fails, and exit status 0 success,
2 bad arguments or configuration, 3 no input for the day, 4 lake or warehouse failing (a
retry may pass), 5 the load was rejected (a constraint violation or bad data: a retry gives
the same answer).
"""
from __future__ import annotations

import json
import logging
import subprocess
import threading
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

#: Exit statuses where running again cannot help: the configuration (2) or the data or
#: schema (5) must change first.
PERMANENT_EXIT_CODES = frozenset({2, 5})

EXIT_MEANINGS = {
    1: "unexpected error",
    2: "bad arguments or configuration",
    3: "no raw input for the day",
    4: "lake or warehouse unreachable or failing",
    5: "rejected by the warehouse or the lake, a retry cannot help",
}


class BatchAppError(RuntimeError):
    def __init__(self, message: str, exit_code: int, permanent: bool) -> None:
        super().__init__(message)
        self.exit_code = exit_code
        self.permanent = permanent


@dataclass(frozen=True)
class BatchCommand:
    node: str
    main_js: Path
    cwd: Path
    args: Sequence[str]
    #: Options of the launcher before the entry point (spark-submit's --master).
    launcher_args: Sequence[str] = ()
    #: Extra environment of the app.
    env: Mapping[str, str] = field(default_factory=dict)
    engine: str = "batch"

    def argv(self) -> list[str]:
        return [self.node, *self.launcher_args, str(self.main_js), *self.args]


def batch_command(node: str, home: Path, day: str, tz: str, allow_empty: bool = False) -> BatchCommand:
    args = ["--date", day, "--tz", tz]
    if allow_empty:
        args.append("--allow-empty")
    return BatchCommand(node=node, main_js=home / "dist" / "apps" / "batch" / "main.js", cwd=home, args=args)


def spark_command(
    spark_submit: str | None, master: str, home: Path, day: str, tz: str, allow_empty: bool = False
) -> BatchCommand:
    """The Spark job for one day (spark/, docs/spark.md), with the batch's arguments and exit codes."""
    venv = home / ".cache" / "spark" / "venv" / "bin"
    args = ["daily", "--date", day, "--tz", tz]
    if allow_empty:
        args.append("--allow-empty")
    # spark-submit starts the JVM before the job runs: its Python workers find the package here.
    env = {"SHOPLENS_ROOT": str(home), "SPARK_MASTER": master, "PYTHONPATH": str(home / "spark" / "src")}
    if (venv / "python").is_file():
        env["PYSPARK_PYTHON"] = str(venv / "python")
    return BatchCommand(
        node=spark_submit or str(venv / "spark-submit"),
        main_js=home / "spark" / "submit.py",
        cwd=home,
        args=args,
        launcher_args=["--master", master],
        env=env,
        engine="spark",
    )


def failure_message(stderr_tail: Sequence[str], exit_code: int) -> str:
    """The app's own `batch: …` (or `spark: …`) message when it wrote one, else the last stderr line."""
    own = [line.split(": ", 1)[1] for line in stderr_tail if line.startswith(("batch: ", "spark: "))]
    detail = own[-1] if own else (stderr_tail[-1] if stderr_tail else "no output")
    meaning = EXIT_MEANINGS.get(exit_code, "killed by a signal" if exit_code < 0 else "unknown status")
    return f"batch exited with status {exit_code} ({meaning}): {detail}"


def run_batch_app(
    command: BatchCommand, env: Mapping[str, str], timeout_s: float, log: logging.Logger
) -> list[dict]:
    """Runs the app, copying its log to `log`; returns its per-day summaries or raises BatchAppError."""
    if command.engine == "spark" and not Path(command.node).is_file():
        raise BatchAppError(
            f"spark-submit is missing: {command.node} (prepare the Spark engine with "
            "`npm run -s stack -- install spark`, or set SHOPLENS_SPARK_SUBMIT)",
            exit_code=2,
            permanent=True,
        )
    if not command.main_js.is_file():
        raise BatchAppError(
            f"the built batch app is missing: {command.main_js} (build it with "
            "`npx nx run @shoplens/batch:bundle`, or set SHOPLENS_HOME to the folder holding dist/)",
            exit_code=2,
            permanent=True,
        )
    log.info("running %s (in %s)", " ".join(command.argv()), command.cwd)
    try:
        proc = subprocess.Popen(
            command.argv(),
            cwd=command.cwd,
            env={**env, **command.env},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    except FileNotFoundError as err:
        raise BatchAppError(f"cannot start {command.node!r}: {err} (set SHOPLENS_NODE)", 2, True) from err

    tail: deque[str] = deque(maxlen=20)
    out: list[str] = []

    def copy_stderr() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            line = line.rstrip("\n")
            tail.append(line)
            log.info("batch: %s", line)

    def read_stdout() -> None:
        assert proc.stdout is not None
        out.extend(proc.stdout)

    readers = [threading.Thread(target=f, daemon=True) for f in (copy_stderr, read_stdout)]
    for r in readers:
        r.start()
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise BatchAppError(f"batch did not finish within {timeout_s:.0f} s and was killed", -9, False) from None
    finally:
        for r in readers:
            r.join(10)
    if proc.returncode != 0:
        raise BatchAppError(
            failure_message(list(tail), proc.returncode),
            proc.returncode,
            proc.returncode in PERMANENT_EXIT_CODES,
        )
    summaries = []
    for line in out:
        line = line.strip()
        if line.startswith("{"):
            summaries.append(json.loads(line))
    if not summaries:
        raise BatchAppError("batch succeeded but printed no summary line", 0, False)
    for s in summaries:
        log.info("batch summary: %s", json.dumps(s, sort_keys=True))
    return summaries
