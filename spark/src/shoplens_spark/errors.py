"""Error codes and exit statuses, the same as the TypeScript batch's (docs/batch.md)."""
from __future__ import annotations

EXIT_CODES = {
    "bad_arguments": 2,
    "bad_config": 2,
    "no_input": 3,
    "lake_failed": 4,
    "warehouse_failed": 4,
    "rejected": 5,
}


class JobError(Exception):
    """A failure with one of the batch's error codes; `retriable` as the batch says."""

    def __init__(self, code: str, message: str) -> None:
        if code not in EXIT_CODES:
            raise ValueError(f"unknown error code {code}")
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def retriable(self) -> bool:
        return self.code in ("lake_failed", "warehouse_failed")

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.code]


# PostgreSQL SQLSTATE classes where the same load fails again (docs/batch.md, exit 5).
PERMANENT_SQLSTATE_CLASSES = frozenset({"21", "22", "23", "28", "3D", "42", "44", "0A"})


def database_error(what: str, cause: BaseException) -> JobError:
    """`rejected` for data or a request PostgreSQL refused, else `warehouse_failed`."""
    sqlstate = getattr(cause, "sqlstate", None)
    permanent = isinstance(sqlstate, str) and sqlstate[:2] in PERMANENT_SQLSTATE_CLASSES
    return JobError("rejected" if permanent else "warehouse_failed", f"{what}: {cause}")
