"""The lake of LAKE_URL: a local folder or S3 (S3_ENDPOINT for MinIO or moto).

The driver lists and writes with pyarrow's file systems; Spark reads the listed raw files
itself (file:// or s3a://), so the executors of a cluster fetch them in parallel.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import pyarrow.fs as pafs

from .errors import JobError

HOUR_MS = 3_600_000
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
RAW_KEY = re.compile(r"^raw/topic=([^/]+)/dt=(\d{4}-\d{2}-\d{2})/hour=(\d{2})/([^/+]+)\+(\d+)\+(\d+)\.jsonl\.gz$")


@dataclass(frozen=True)
class RawFile:
    key: str
    topic: str
    hour_start_ms: int
    size: int


@dataclass(frozen=True)
class Lake:
    url: str
    kind: str  # "local" or "s3"
    root: str  # local folder, or "bucket/prefix" (no trailing slash)
    s3_endpoint: str | None

    def path(self, key: str) -> str:
        """The pyarrow file system path of a key."""
        return f"{self.root}/{key}" if self.root else key

    def spark_uri(self, key: str) -> str:
        if self.kind == "local":
            # Not percent-encoded: Hadoop reads `=` and `+` of partition names as they are.
            return "file://" + self.path(key)
        return f"s3a://{self.path(key)}"

    def filesystem(self) -> pafs.FileSystem:
        if self.kind == "local":
            return pafs.LocalFileSystem()
        options: dict = {"region": os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"}
        if self.s3_endpoint:
            endpoint = urlparse(self.s3_endpoint)
            options["endpoint_override"] = endpoint.netloc or self.s3_endpoint
            options["scheme"] = endpoint.scheme or "https"
        if os.environ.get("AWS_ACCESS_KEY_ID"):
            options["access_key"] = os.environ["AWS_ACCESS_KEY_ID"]
            options["secret_key"] = os.environ.get("AWS_SECRET_ACCESS_KEY", "")
            if os.environ.get("AWS_SESSION_TOKEN"):
                options["session_token"] = os.environ["AWS_SESSION_TOKEN"]
        return pafs.S3FileSystem(**options)


def open_lake(url: str, s3_endpoint: str | None) -> Lake:
    """Parses LAKE_URL as the batch does: s3://bucket/prefix, file:// URL or a path."""
    text = url.strip()
    if not text:
        raise JobError("bad_config", "LAKE_URL is empty")
    if re.match(r"^s3://", text, re.I):
        rest = text[5:]
        bucket, _, prefix = rest.partition("/")
        prefix = prefix.strip("/")
        if not _BUCKET.match(bucket):
            raise JobError("bad_config", f'"{bucket}" is not an S3 bucket name in {url}')
        if any(p in (".", "..", "") for p in prefix.split("/")) and prefix:
            raise JobError("bad_config", f'the prefix of {url} has an empty, "." or ".." segment')
        return Lake(url, "s3", f"{bucket}/{prefix}" if prefix else bucket, s3_endpoint)
    if re.match(r"^file:", text, re.I):
        return Lake(url, "local", str(Path(unquote(urlparse(text).path)).resolve()), None)
    if re.match(r"^[a-z][a-z0-9+.-]*://", text, re.I):
        raise JobError("bad_config", f"unsupported lake URL scheme in {url}: use s3://bucket/prefix, file:///dir or a path")
    return Lake(url, "local", str(Path(text).resolve()), None)


def _lake_error(what: str, cause: BaseException) -> JobError:
    text = str(cause)
    # An S3 answer such as 403 is definite: a retry gets the same.
    permanent = bool(re.search(r"AccessDenied|Forbidden|\b403\b|InvalidAccessKeyId|SignatureDoesNotMatch", text))
    return JobError("rejected" if permanent else "lake_failed", f"{what}: {text}")


def _hour_prefix(topic: str, hour_ms: int) -> str:
    from datetime import datetime, timezone

    t = datetime.fromtimestamp(hour_ms // 1000, tz=timezone.utc)
    return f"raw/topic={topic}/dt={t:%Y-%m-%d}/hour={t:%H}/"


def list_raw_files(lake: Lake, from_ms: int, to_ms: int) -> list[RawFile]:
    """The raw files of the UTC hours overlapping [from_ms, to_ms), by topic, hour and key."""
    fs = lake.filesystem()
    try:
        tops = fs.get_file_info(pafs.FileSelector(lake.path("raw"), allow_not_found=True))
        topics = sorted(
            info.base_name[len("topic="):]
            for info in tops
            if info.type == pafs.FileType.Directory and info.base_name.startswith("topic=")
        )
        files: list[RawFile] = []
        for topic in topics:
            hour = (from_ms // HOUR_MS) * HOUR_MS
            while hour < to_ms:
                prefix = _hour_prefix(topic, hour)
                infos = fs.get_file_info(pafs.FileSelector(lake.path(prefix.rstrip("/")), allow_not_found=True))
                for info in sorted(infos, key=lambda i: i.path):
                    key = prefix + info.base_name
                    m = RAW_KEY.match(key)
                    if info.type == pafs.FileType.File and m and m.group(1) == m.group(4):
                        files.append(RawFile(key, topic, hour, info.size or 0))
                hour += HOUR_MS
        return files
    except OSError as cause:
        raise _lake_error(f"cannot list the raw zone of {lake.url}", cause) from cause


def replace_day_objects(lake: Lake, prefix: str, objects: dict[str, bytes]) -> None:
    """Writes each object whole, then removes what else a previous run left under `prefix`."""
    fs = lake.filesystem()
    try:
        if lake.kind == "local":
            fs.create_dir(lake.path(prefix.rstrip("/")), recursive=True)
        for name, data in objects.items():
            path = lake.path(prefix + name)
            if lake.kind == "local":
                # Written next to its name and renamed, so a reader never sees half a file.
                tmp = f"{path}.tmp-{os.getpid()}"
                with fs.open_output_stream(tmp) as out:
                    out.write(data)
                fs.move(tmp, path)
            else:
                with fs.open_output_stream(path) as out:
                    out.write(data)
        for info in fs.get_file_info(pafs.FileSelector(lake.path(prefix.rstrip("/")), allow_not_found=True)):
            if info.type == pafs.FileType.File and info.base_name not in objects:
                fs.delete_file(info.path)
    except OSError as cause:
        raise _lake_error(f"cannot write {prefix} in {lake.url}", cause) from cause
