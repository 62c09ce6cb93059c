"""Evidence: private storage, hashes, per-case limits, downloads logged."""

import hashlib

import pytest
from django.conf import settings

from cases.models import CaseEvent, Evidence, EvidenceKind
from cases.roles import ROLES
from cases.services.evidence import evidence_add, evidence_open
from complaints_site.common.exceptions import PayloadTooLargeError
from tests.support import files

pytestmark = pytest.mark.django_db


def test_stored_privately_under_its_hash(case_factory):
    case = case_factory()
    evidence = evidence_add(
        case=case,
        actor=case.customer or _system(),
        name="s.pdf",
        content=files.pdf(),
        channel="web",
    )
    assert evidence.sha256 == hashlib.sha256(files.pdf()).hexdigest()
    assert evidence.file.name == f"{case.reference}/{evidence.sha256[:2]}/{evidence.sha256}.pdf"
    location = settings.STORAGES["evidence"]["OPTIONS"]["location"]
    assert not str(location).startswith(str(settings.MEDIA_ROOT))
    with pytest.raises(NotImplementedError):
        evidence.file.url  # noqa: B018 - there is no public URL to build
    assert evidence.history.latest().history_actor == "system:tests"
    assert CaseEvent.objects.filter(case=case, type="evidence.added").count() == 1


def test_generated_records_skip_the_upload_checks(case_factory):
    case = case_factory()
    evidence = evidence_add(
        case=case,
        actor=_system(),
        name="chat.txt",
        content=b"\x00binary transcript",
        channel="chat",
        kind=EvidenceKind.CHAT_TRANSCRIPT,
        content_type="text/plain",
    )
    assert evidence.content_type == "text/plain"


def test_case_quota_and_file_count(case_factory, settings):
    case = case_factory()
    settings.EVIDENCE_MAX_FILES_PER_CASE = 2
    for i in range(2):
        evidence_add(case=case, actor=_system(), name=f"{i}.txt", content=b"x%d" % i, channel="web")
    with pytest.raises(PayloadTooLargeError) as exc_info:
        evidence_add(case=case, actor=_system(), name="3.txt", content=b"y", channel="web")
    assert exc_info.value.extra["code"] == "too_many_files"
    settings.EVIDENCE_MAX_FILES_PER_CASE = 50
    settings.EVIDENCE_MAX_CASE_BYTES = 10
    with pytest.raises(PayloadTooLargeError) as exc_info:
        evidence_add(case=case, actor=_system(), name="4.txt", content=b"z" * 9, channel="web")
    assert exc_info.value.extra["code"] == "case_quota"
    assert Evidence.objects.filter(case=case).count() == 2


def test_every_open_is_logged(case_factory, staff):
    case = case_factory()
    evidence = evidence_add(
        case=case, actor=_system(), name="a.txt", content=b"hello", channel="web"
    )
    auditor = staff("Auditor")
    with evidence_open(evidence=evidence, actor=auditor, via="admin") as handle:
        assert handle.read() == b"hello"
    event = CaseEvent.objects.get(case=case, type="evidence.downloaded")
    assert event.actor == auditor
    assert event.data["evidence"] == evidence.pk


def test_every_role_permission_exists():
    """The role sync skips permissions that do not exist yet (during migrations); after
    migrating, every one must be there, or a typo would silently drop a capability."""
    from django.contrib.auth.models import Group

    for role, perms in ROLES.items():
        assert Group.objects.get(name=role).permissions.count() == len(perms), role


def _system():
    from tests.factories.cases import SYSTEM

    return SYSTEM


def test_files_and_folders_are_readable_by_the_owner_only(case_factory):
    """Low finding: evidence was world-readable on disk (0o644 files under 0o755 folders)."""
    import os
    import stat

    evidence = evidence_add(
        case=case_factory(), actor=_system(), name="s.pdf", content=files.pdf(), channel="web"
    )
    path = evidence.file.path
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    hash_folder = os.path.dirname(path)
    case_folder = os.path.dirname(hash_folder)
    assert stat.S_IMODE(os.stat(hash_folder).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(case_folder).st_mode) == 0o700


@pytest.mark.parametrize(
    ("name", "content", "download_name"),
    [
        ("Statement.PDF", files.pdf(), "Statement.pdf"),
        ("photo.jpeg", files.jpeg_with_exif(), "photo.jpg"),
        ("notes", b"plain words", "notes.txt"),
        ("export.json", b"{not json", "export.txt"),
    ],
)
def test_downloads_carry_the_verified_extension(case_factory, name, content, download_name):
    evidence = evidence_add(
        case=case_factory(), actor=_system(), name=name, content=content, channel="web"
    )
    assert evidence.download_name == download_name
    assert evidence.file.name.endswith(download_name.rsplit(".", 1)[1])
