"""The private evidence storage: a local folder by default, S3-compatible when configured.

`EVIDENCE_STORAGE` is either a folder (default `var/evidence`, outside the public media root)
or `s3://bucket/prefix` (django-storages; credentials and endpoint from the usual `AWS_*`
variables). Either way nothing is served from it directly: downloads go through a view that
checks permissions and logs.

On disk the files are readable by the service's own user only: files 0o600, folders 0o700
(whatever the process umask), so another local account or a misconfigured web server cannot read
passports and statements. The folder given in `EVIDENCE_STORAGE` is created 0o700 when missing;
an existing one keeps its mode (docs/operations.md: `chmod 700` it).
"""

from __future__ import annotations

from django.core.files.storage import FileSystemStorage, Storage, storages

# Owner-only modes for everything the evidence storage writes.
FILE_MODE = 0o600
DIRECTORY_MODE = 0o700


class PrivateFileSystemStorage(FileSystemStorage):
    """A folder with no public address (asking for a URL is a programming error), written with
    owner-only permissions."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("file_permissions_mode", FILE_MODE)
        kwargs.setdefault("directory_permissions_mode", DIRECTORY_MODE)
        super().__init__(**kwargs)

    def url(self, name: str | None) -> str:
        raise NotImplementedError("evidence has no public URL; use the download view")


def evidence_storage() -> Storage:
    return storages["evidence"]


def evidence_storage_settings(value: str, *, base_dir) -> dict:
    """The `STORAGES["evidence"]` entry for an `EVIDENCE_STORAGE` value."""
    if value.startswith("s3://"):
        bucket, _, prefix = value.removeprefix("s3://").partition("/")
        return {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "location": prefix.strip("/"),
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
                "object_parameters": {"ContentDisposition": "attachment"},
            },
        }
    return {
        "BACKEND": "cases.lib.storage.PrivateFileSystemStorage",
        "OPTIONS": {
            "location": value or str(base_dir / "var" / "evidence"),
            "file_permissions_mode": FILE_MODE,
            "directory_permissions_mode": DIRECTORY_MODE,
        },
    }
