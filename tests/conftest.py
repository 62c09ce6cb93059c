import os
import shutil

import pytest
from django.conf import settings
from django.utils import translation

from tests.factories.cases import make_case, make_staff, make_team
from tests.support.imap import DOVECOT


def pytest_sessionstart(session):
    # CI sets REQUIRE_POSTGRESQL: a suite that silently ran on SQLite would prove nothing about
    # locks, sequences and triggers.
    engine = settings.DATABASES["default"]["ENGINE"]
    if os.environ.get("REQUIRE_POSTGRESQL") and "postgresql" not in engine:
        pytest.exit(f"REQUIRE_POSTGRESQL is set but the database engine is {engine}", returncode=3)
    # CI (.ci/run) also provides Redis and Dovecot: there the tests that need them (the Celery
    # worker, the bench smoke runs, IMAP polling) must run, never skip.
    if os.environ.get("REQUIRE_POSTGRESQL"):
        missing = [
            need
            for need, present in (
                ("CELERY_BROKER_URL", os.environ.get("CELERY_BROKER_URL")),
                ("dovecot", os.path.exists(DOVECOT)),
            )
            if not present
        ]
        if missing:
            pytest.exit(f"REQUIRE_POSTGRESQL (CI) is set but {missing} is missing", returncode=3)


def pytest_collection_modifyitems(config, items):
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" in engine:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL); CI runs it there")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request through LocaleMiddleware leaves its
    language active on the thread, which would leak into the next test."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_evidence_folder():
    """Each test stores evidence in an empty folder: on SQLite case references restart with
    every test, so a file left by an earlier test would make the storage rename the next."""
    yield
    from django.core.files.storage import FileSystemStorage

    from cases.lib.storage import evidence_storage

    storage = evidence_storage()
    if isinstance(storage, FileSystemStorage):
        shutil.rmtree(storage.location, ignore_errors=True)


@pytest.fixture
def team(db):
    return make_team("complaints", "Complaints")


@pytest.fixture
def other_team(db):
    return make_team("security", "Security")


@pytest.fixture
def staff(db):
    """Factory: staff(role, teams=[...], username=...) -> an active staff user in that role."""
    return make_staff


@pytest.fixture
def case_factory(db):
    return make_case


@pytest.fixture
def portal_user(db):
    """Factory: portal_user("alice") -> an active non-staff user with a CustomerProfile
    (email <name>@example.com, password "pw-for-tests-1")."""
    from tests.factories.portal import make_portal_user

    return make_portal_user


@pytest.fixture(scope="session", autouse=True)
def _flush_passes_the_truncate_guards():
    """Transactional tests are emptied by `flush` (TRUNCATE), which every append-only table
    refuses on PostgreSQL (docs/audit.md). Only the test teardown's flush passes the guards."""
    import pgtrigger
    from django.core.management.commands import flush

    original = flush.Command.handle

    def handle(self, *args, **options):
        with pgtrigger.ignore():
            return original(self, *args, **options)

    flush.Command.handle = handle
    yield
    flush.Command.handle = original
