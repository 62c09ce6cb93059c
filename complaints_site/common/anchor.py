"""The chain head kept outside the database: signed anchors (docs/audit.md, "Anchors").

After each sealing pass that sealed something, the head of the chain (seq and seal hash) is
written as a new object, `YYYY-MM-DD/<seq>.json`, to `AUDIT_ANCHOR_LOCATION` (a folder, or
`s3://bucket/prefix` through django-storages), signed with HMAC-SHA256 under
`AUDIT_ANCHOR_KEY`. Objects are only ever added (never overwritten), so the folder is the
history of the chain's heads. Verification reads the newest anchor: the chain must still hold
that seal with that hash, so a chain rewritten or cut from any point before it (seals deleted
and the rows sealed again, say) fails, whatever was done inside the database. Someone with
database rights cannot forge an anchor without the key, which the database never sees.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage
from django.utils import timezone

from complaints_site.common.audit import ChainBreak
from complaints_site.common.models import AuditSeal


class AnchorError(Exception):
    """An anchor that cannot be read or whose signature does not hold."""


@dataclass(frozen=True)
class Anchor:
    seq: int
    seal_hash: str
    written_at: str
    name: str = ""


def anchor_configured() -> bool:
    return bool(settings.AUDIT_ANCHOR_KEY and settings.AUDIT_ANCHOR_LOCATION)


def anchor_storage() -> Storage:
    location = settings.AUDIT_ANCHOR_LOCATION
    if location.startswith("s3://"):
        from storages.backends.s3 import S3Storage

        bucket, _, prefix = location.removeprefix("s3://").partition("/")
        # Object versioning / object lock on the bucket keeps anchors from being deleted by
        # whoever holds these credentials; the application itself only ever adds objects.
        return S3Storage(
            bucket_name=bucket,
            location=prefix.strip("/"),
            default_acl="private",
            file_overwrite=False,
            querystring_auth=True,
        )
    return FileSystemStorage(location=location, file_permissions_mode=0o640)


def _mac(payload: dict) -> str:
    body = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(settings.AUDIT_ANCHOR_KEY.encode(), body, hashlib.sha256).hexdigest()


def anchor_write(*, seq: int, seal_hash: str, storage: Storage | None = None) -> Anchor:
    """Add a signed anchor for the head `seq` / `seal_hash`. Never overwrites: a name taken
    (two passes at once) gets a suffix from the storage."""
    storage = storage or anchor_storage()
    now = timezone.now().astimezone(dt.UTC)
    payload = {"seq": seq, "seal_hash": seal_hash, "written_at": now.isoformat()}
    document = {**payload, "mac": _mac(payload)}
    name = f"{now:%Y-%m-%d}/{seq:012d}.json"
    name = storage.save(name, ContentFile(json.dumps(document, sort_keys=True).encode()))
    return Anchor(seq=seq, seal_hash=seal_hash, written_at=payload["written_at"], name=name)


def anchor_latest(*, storage: Storage | None = None) -> Anchor | None:
    """The newest anchor (highest seq of the newest day), signature checked; None when there
    is none yet. Raises AnchorError for an unreadable or forged one."""
    storage = storage or anchor_storage()
    try:
        days, _ = storage.listdir("")
    except FileNotFoundError:
        return None
    for day in sorted(days, reverse=True):
        _, files = storage.listdir(day)
        files = sorted(f for f in files if f.endswith(".json"))
        if files:
            return anchor_read(f"{day}/{files[-1]}", storage=storage)
    return None


def anchor_read(name: str, *, storage: Storage | None = None) -> Anchor:
    storage = storage or anchor_storage()
    try:
        with storage.open(name) as handle:
            document = json.loads(handle.read())
        payload = {k: document[k] for k in ("seq", "seal_hash", "written_at")}
        mac = document["mac"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise AnchorError(f"anchor {name} cannot be read ({exc})") from exc
    if not hmac.compare_digest(str(mac), _mac(payload)):
        raise AnchorError(f"anchor {name} has an invalid signature")
    return Anchor(
        seq=int(payload["seq"]),
        seal_hash=str(payload["seal_hash"]),
        written_at=str(payload["written_at"]),
        name=name,
    )


def anchor_check(*, seq: int, seal_hash: str, source: str = "anchor") -> ChainBreak | None:
    """The chain must still hold seal `seq` with `seal_hash` (the head it had when the anchor
    was written): a missing seal means the chain was cut or is behind the anchor, another
    hash that it was rewritten."""

    seal = AuditSeal.objects.filter(seq=seq).first()
    if seal is None:
        head = AuditSeal.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        return ChainBreak(
            "seal removed",
            seq,
            "common_auditseal",
            None,
            f"the chain ends at #{head}, behind the {source}; its tail was cut",
        )
    if seal.seal_hash != seal_hash:
        return ChainBreak(
            "seal altered",
            seal.seq,
            seal.table,
            seal.row_id,
            f"differs from the {source}; the chain was rewritten",
        )
    return None


def anchor_verify_latest() -> ChainBreak | None:
    """Check the chain against the newest signed anchor (nothing to check when anchoring is
    not configured or no anchor was written yet)."""
    if not anchor_configured():
        return None
    try:
        latest = anchor_latest()
    except AnchorError as exc:
        return ChainBreak("anchor invalid", None, "common_auditseal", None, str(exc))
    if latest is None:
        return None
    return anchor_check(
        seq=latest.seq, seal_hash=latest.seal_hash, source=f"signed anchor {latest.name}"
    )
