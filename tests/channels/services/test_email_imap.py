"""`poll_imap` against a real Dovecot on 127.0.0.1, started here with its own configuration."""

import imaplib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from cases.models import Case
from channels.models import ImapCursor, InboundEmail, InboundEmailStatus
from channels.services.email import imap_poll
from tests.support.django_process import run_python
from tests.support.email import ACTOR, raw_of
from tests.support.imap import DOVECOT

pytestmark = pytest.mark.skipif(not Path(DOVECOT).exists(), reason="dovecot is not installed")

MESSAGES = [
    "01_outlook_plain_qp.eml",
    "02_gmail_alternative.eml",
    "13_outlook_auto_reply.eml",
    "07_thunderbird_latin1.eml",
    "08_apple_utf8_base64.eml",
]


def _append(url: str, names) -> None:
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    client = imaplib.IMAP4("127.0.0.1", port)
    client.login("complaints", "mailbox-pass")
    for name in names:
        status, _data = client.append("INBOX", None, None, raw_of(name))
        assert status == "OK"
    client.logout()


@pytest.mark.django_db
def test_poll_takes_each_message_once_and_moves_the_cursor(imap_server):
    _append(imap_server, MESSAGES)
    result = imap_poll(url=imap_server, actor=ACTOR)
    assert result.fetched == 5
    assert result.outcomes == {"new_case": 4, "dropped": 1}
    assert InboundEmail.objects.filter(source="imap").count() == 5
    cursor = ImapCursor.objects.get()
    assert cursor.last_uid == 5
    # Nothing new: nothing fetched.
    assert imap_poll(url=imap_server, actor=ACTOR).fetched == 0
    _append(imap_server, ["11_no_message_id.eml"])
    assert imap_poll(url=imap_server, actor=ACTOR).outcomes == {"new_case": 1}
    # A new UIDVALIDITY reads the mailbox again; every message is a duplicate by then.
    cursor = ImapCursor.objects.get()
    cursor.uidvalidity = 1
    cursor.save()
    again = imap_poll(url=imap_server, actor=ACTOR)
    assert again.fetched == 6
    assert again.outcomes == {"dropped": 6}
    assert InboundEmail.objects.count() == 6
    assert Case.objects.count() == 5


@pytest.mark.django_db
def test_command_polls_once(imap_server, capsys):
    _append(imap_server, MESSAGES[:2])
    call_command("poll_imap", url=imap_server)
    assert "fetched 2" in capsys.readouterr().out
    assert Case.objects.count() == 2


CRASH_AFTER_THIRD = """
import os
from channels.services import email as svc
from complaints_site.common.actors import SystemActor
real, seen = svc.inbound_email_process, []
def crashing(**kwargs):
    result = real(**kwargs)
    seen.append(result.pk)
    if len(seen) == 3:
        os._exit(9)  # killed after storing the third message, before its cursor moved
    return result
svc.inbound_email_process = crashing
svc.imap_poll(url=os.environ["IMAP_URL"], actor=SystemActor("poll-crash"))
"""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_poll_killed_midway_loses_nothing_and_takes_nothing_twice(imap_server):
    _append(imap_server, MESSAGES)
    db = connection.settings_dict
    out = run_python(
        CRASH_AFTER_THIRD,
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        IMAP_URL=imap_server,
        EVIDENCE_STORAGE=settings.STORAGES["evidence"]["OPTIONS"]["location"],
    )
    assert out.returncode == 9, out.stderr
    assert InboundEmail.objects.count() == 3
    assert ImapCursor.objects.get().last_uid == 2  # the third was in flight
    result = imap_poll(url=imap_server, actor=ACTOR)
    assert result.fetched == 3  # the in-flight one again, then the two never seen
    assert result.outcomes == {"dropped": 1, "new_case": 2}  # the repeat dropped by Message-ID
    assert InboundEmail.objects.count() == 5
    statuses = sorted(InboundEmail.objects.values_list("status", flat=True))
    assert statuses == sorted([InboundEmailStatus.NEW_CASE] * 4 + [InboundEmailStatus.DROPPED])
    assert Case.objects.count() == 4
    assert ImapCursor.objects.get().last_uid == 5


@pytest.mark.django_db
def test_periodic_task_polls_the_configured_mailbox(imap_server, settings):
    from channels.tasks import email_poll_imap

    settings.IMAP_URL = ""
    assert email_poll_imap.delay().get() == 0  # not configured: nothing to do
    settings.IMAP_URL = imap_server
    _append(imap_server, MESSAGES[:3])
    assert email_poll_imap.delay().get() == 3
    assert email_poll_imap.delay().get() == 0  # running again takes nothing twice
    assert InboundEmail.objects.count() == 3
    assert "channels.tasks.email_poll_imap" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
