"""Read-mostly access to the lake (`LAKE_URL`: s3://bucket/prefix, file:// URL or directory).

Only what the DAGs need: list keys with their modification time, read an object, write a
small marker. Keys are relative to the lake root, as in libs/storage's layout.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Mapping, Protocol
from urllib.parse import unquote, urlparse


@dataclass(frozen=True)
class LakeObject:
    key: str
    last_modified: datetime
    size: int


class Lake(Protocol):
    url: str

    def list(self, prefix: str) -> Iterator[LakeObject]: ...

    def list_dirs(self, prefix: str) -> list[str]: ...

    def read(self, key: str) -> bytes: ...

    def write(self, key: str, data: bytes, content_type: str) -> None: ...


class LocalLake:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.url = str(root)

    def list(self, prefix: str) -> Iterator[LakeObject]:
        base = self.root / prefix
        if not base.is_dir():
            return
        for folder, _dirs, files in os.walk(base):
            for name in sorted(files):
                # Writers put a temporary file next to the target and rename it.
                if name.startswith("."):
                    continue
                path = Path(folder) / name
                st = path.stat()
                yield LakeObject(
                    key=path.relative_to(self.root).as_posix(),
                    last_modified=datetime.fromtimestamp(st.st_mtime, tz=timezone.utc),
                    size=st.st_size,
                )

    def list_dirs(self, prefix: str) -> list[str]:
        base = self.root / prefix
        if not base.is_dir():
            return []
        return sorted(f"{prefix}{entry.name}/" for entry in base.iterdir() if entry.is_dir())

    def read(self, key: str) -> bytes:
        return (self.root / key).read_bytes()

    def write(self, key: str, data: bytes, content_type: str) -> None:
        path = self.root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)


class S3Lake:
    def __init__(self, bucket: str, prefix: str, endpoint: str | None, aws: Mapping[str, str]) -> None:
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.prefix = f"{prefix}/" if prefix else ""
        self.url = f"s3://{bucket}/{prefix}"
        # Path-style addressing: MinIO, moto and other S3-compatible servers need it.
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint or None,
            # Unset ones fall back to boto3's credential chain (environment, profile, role).
            region_name=aws.get("AWS_REGION") or None,
            aws_access_key_id=aws.get("AWS_ACCESS_KEY_ID") or None,
            aws_secret_access_key=aws.get("AWS_SECRET_ACCESS_KEY") or None,
            aws_session_token=aws.get("AWS_SESSION_TOKEN") or None,
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 5, "mode": "standard"}),
        )

    def list(self, prefix: str) -> Iterator[LakeObject]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix + prefix)
        for page in pages:
            for obj in page.get("Contents", []):
                yield LakeObject(
                    key=obj["Key"][len(self.prefix) :],
                    last_modified=obj["LastModified"].astimezone(timezone.utc),
                    size=obj["Size"],
                )

    def list_dirs(self, prefix: str) -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix + prefix, Delimiter="/"
        )
        return sorted(p["Prefix"][len(self.prefix) :] for page in pages for p in page.get("CommonPrefixes", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)["Body"].read()

    def write(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self.prefix + key, Body=data, ContentType=content_type)


_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)


def open_lake(url: str, cwd: Path, s3_endpoint: str | None = None, aws: Mapping[str, str] | None = None) -> Lake:
    """Opens LAKE_URL as the apps do; a relative directory is relative to `cwd` (where the apps run)."""
    text = url.strip()
    if text.lower().startswith("s3://"):
        rest = text[len("s3://") :]
        bucket, _, prefix = rest.partition("/")
        if not bucket:
            raise ValueError(f"no bucket in the lake URL {url!r}")
        return S3Lake(bucket, prefix.strip("/"), s3_endpoint, aws or {})
    if text.lower().startswith("file:"):
        return LocalLake(Path(unquote(urlparse(text).path)))
    if _SCHEME.match(text):
        raise ValueError(f"unsupported lake URL {url!r}: use s3://bucket/prefix, file:///dir or a path")
    return LocalLake((cwd / text).resolve())
