"""The portal inbox (issue 14, "Notifications"): the user's portal notifications across their
cases, newest first, read and unread; the unread badge on every portal page; marking read by
POST only and only for the user's own portal rows; the anti-phishing code page."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import CustomerProfile, Notification
from cases.services.notifications import notification_queue, notifications_mark_read
from complaints_site.common.audit import live_rows_verify
from tests.factories.cases import SYSTEM, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(portal_user):
    return portal_user("alice")


@pytest.fixture
def bob(portal_user):
    return portal_user("bob")


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def own_case(user, **overrides):
    profile = user.customer_profile
    return make_case(
        customer=user,
        complainant_email=user.email,
        complainant_account_id=profile.exchange_account_id,
        complainant_locale=profile.locale,
        **overrides,
    )


_causes = iter(range(1, 100000))


def tell(case, kind="case.info_requested", *, ago=None, context=None):
    """Queue a notification (email and portal); returns the portal row."""
    rows = notification_queue(
        case=case,
        kind=kind,
        cause=f"t{next(_causes)}",
        actor=SYSTEM,
        context={"body": "Which network?"} if context is None else context,
    )
    portal = next(n for n in rows if n.channel == "portal")
    if ago is not None:
        Notification.objects.filter(pk__in=[n.pk for n in rows]).update(
            created_at=timezone.now() - ago
        )
        portal.refresh_from_db()
    return portal


def badge(page: str) -> int:
    found = re.search(r'<span class="badge" id="unread-badge">(\d+)</span>', page)
    return int(found.group(1)) if found else 0


# --- The list ---------------------------------------------------------------------------------


def test_the_inbox_lists_my_portal_notifications_across_my_cases_newest_first(
    alice_client, alice, bob
):
    first = own_case(alice, subject="Deposit missing")
    second = own_case(alice, subject="Order not filled")
    old = tell(first, ago=timedelta(days=2))
    new = tell(second, "case.offer_sent", context={"version": 1})
    theirs = tell(own_case(bob, subject="Bob's case"))

    response = alice_client.get("/portal/inbox/")
    assert response.status_code == 200
    items = response.context["items"]
    assert [i.pk for i in items] == [new.pk, old.pk]
    assert theirs.pk not in {i.pk for i in items}
    page = response.content.decode()
    # A readable line: the title in words (no "[reference]"), the case and its subject as a
    # link, the time.
    assert "We need information from you</button>" in page
    assert "Our offer to settle your complaint</button>" in page
    assert f"[{first.reference}]" not in page
    assert (
        f'About your case <a href="/portal/cases/{first.reference}/">'
        f"{first.reference}: Deposit missing</a>"
    ) in page
    assert "Bob&#x27;s case" not in page
    assert old.created_at.strftime("%Y") in page
    assert "UTC</time>" in page
    # Both unread, marked; the email copies are not in the inbox.
    assert page.count('class="inbox-item unread"') == 2
    assert badge(page) == 2
    assert 'id="read-all"' in page


def test_the_inbox_pages_by_25(alice_client, alice):
    case = own_case(alice)
    for _ in range(27):
        tell(case)
    assert len(alice_client.get("/portal/inbox/").context["items"]) == 25
    assert len(alice_client.get("/portal/inbox/?page=2").context["items"]) == 2


def test_an_empty_inbox_says_so(alice_client):
    page = alice_client.get("/portal/inbox/").content.decode()
    assert "Nothing yet: we will tell you here about every step of your cases." in page
    assert 'id="read-all"' not in page
    assert badge(page) == 0


def test_the_inbox_query_budget_is_flat(alice_client, alice, django_assert_max_num_queries):
    tell(own_case(alice))
    counts = []
    with django_assert_max_num_queries(8) as few:
        alice_client.get("/portal/inbox/")
    counts.append(len(few))
    for _ in range(5):
        case = own_case(alice)
        for _ in range(6):
            tell(case, "case.message", context={"body": "x"})
    with django_assert_max_num_queries(8) as many:
        alice_client.get("/portal/inbox/")
    counts.append(len(many))
    assert counts[0] == counts[1]


def test_the_inbox_reads_in_chinese(alice_client, alice):
    tell(own_case(alice))
    page = alice_client.get("/portal/inbox/", headers={"accept-language": "zh-hans"})
    text = page.content.decode()
    assert "收件箱" in text
    assert "全部标为已读" in text
    assert "年" in text  # the date in the Chinese format


# --- The badge -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/portal/", "/portal/cases/new/", "/portal/settings/security/"])
def test_every_portal_page_shows_the_unread_count(alice_client, alice, path):
    case = own_case(alice)
    tell(case)
    tell(case)
    page = alice_client.get(path).content.decode()
    assert badge(page) == 2
    assert "unread notifications" in page  # for screen readers


def test_the_case_page_and_chat_show_the_badge_too(alice_client, alice):
    case = own_case(alice)
    tell(case)
    assert badge(alice_client.get(f"/portal/cases/{case.reference}/").content.decode()) == 1
    assert badge(alice_client.get("/portal/chat/").content.decode()) == 1


def test_the_badge_is_one_count_query(alice_client, alice, django_assert_max_num_queries):
    case = own_case(alice)
    tell(case)
    # The session, the user with the profile, the badge.
    with django_assert_max_num_queries(4) as page:
        alice_client.get("/portal/settings/security/")
    counts = [q["sql"] for q in page.captured_queries if "COUNT(" in q["sql"]]
    assert len(counts) == 1
    assert "read_at" in counts[0]


# --- Opening and marking read ---------------------------------------------------------------------


def test_opening_a_notification_marks_it_read_and_shows_it(alice_client, alice):
    case = own_case(alice)
    first, second = tell(case), tell(case)
    response = alice_client.post(f"/portal/inbox/{first.pk}/")
    assert response.status_code == 302
    assert response.url == f"/portal/inbox/{first.pk}/"
    first.refresh_from_db()
    assert first.read_at is not None
    assert Notification.objects.get(pk=second.pk).read_at is None
    page = alice_client.get(response.url).content.decode()
    assert "We need information from you</h1>" in page
    assert "Which network?" in page
    assert badge(page) == 1
    assert first.history.latest().history_change_reason == "Read in the portal"
    assert first.history.latest().history_actor == f"user:{alice.pk}:alice"


def test_showing_a_notification_by_get_changes_nothing(alice_client, alice):
    row = tell(own_case(alice))
    page = alice_client.get(f"/portal/inbox/{row.pk}/").content.decode()
    assert "Mark as read" in page
    assert Notification.objects.get(pk=row.pk).read_at is None


def test_someone_elses_or_an_email_notification_is_404(alice_client, alice, bob):
    theirs = tell(own_case(bob))
    mine = tell(own_case(alice))
    email = Notification.objects.get(case=mine.case, channel="email", kind=mine.kind)
    for row in (theirs, email):
        assert alice_client.get(f"/portal/inbox/{row.pk}/").status_code == 404
        assert alice_client.post(f"/portal/inbox/{row.pk}/").status_code == 404
    assert alice_client.get("/portal/inbox/99999999/").status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert Notification.objects.get(pk=email.pk).read_at is None


def test_mark_all_as_read_is_post_only_and_touches_only_my_portal_rows(alice_client, alice, bob):
    mine = [tell(own_case(alice)) for _ in range(3)]
    theirs = tell(own_case(bob))
    assert alice_client.get("/portal/inbox/read/").status_code == 405
    response = alice_client.post("/portal/inbox/read/", follow=True)
    assert "3 notifications marked as read." in response.content.decode()
    assert badge(response.content.decode()) == 0
    assert all(Notification.objects.get(pk=n.pk).read_at for n in mine)
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert not Notification.objects.filter(channel="email", read_at__isnull=False).exists()
    assert live_rows_verify() is None  # each change has its history row


def test_marking_read_needs_the_csrf_token(client, alice):
    client.handler.enforce_csrf_checks = True
    client.force_login(alice)
    row = tell(own_case(alice))
    assert client.post("/portal/inbox/read/").status_code == 403
    assert client.post(f"/portal/inbox/{row.pk}/").status_code == 403
    assert Notification.objects.get(pk=row.pk).read_at is None


def test_anonymous_and_staff_get_no_inbox(client, staff):
    assert client.get("/portal/inbox/").url.startswith("/portal/sign-in/")
    client.force_login(staff("Support agent"))
    assert client.get("/portal/inbox/").status_code == 403


# --- The service ---------------------------------------------------------------------------


def test_mark_read_is_set_based_and_marks_each_row_once(alice, django_assert_max_num_queries):
    case = own_case(alice)
    rows = [tell(case) for _ in range(20)]
    with django_assert_max_num_queries(5):
        assert notifications_mark_read(user=alice) == 20
    assert notifications_mark_read(user=alice) == 0
    for row in rows:
        reasons = row.history.filter(history_change_reason="Read in the portal")
        assert reasons.count() == 1


def test_mark_read_by_ids_ignores_ids_that_are_not_mine(alice, bob):
    mine = tell(own_case(alice))
    theirs = tell(own_case(bob))
    email = Notification.objects.get(case=mine.case, channel="email", kind=mine.kind)
    assert notifications_mark_read(user=alice, ids=[mine.pk, theirs.pk, email.pk]) == 1
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert Notification.objects.get(pk=email.pk).read_at is None
    assert notifications_mark_read(user=alice, ids=[]) == 0


# --- The anti-phishing code page --------------------------------------------------------------


def _code(user):
    return CustomerProfile.objects.get(user=user).anti_phishing_code


def test_the_security_page_explains_and_sets_changes_and_clears_the_code(alice_client, alice):
    page = alice_client.get("/portal/settings/security/").content.decode()
    assert (
        "Every email we send you shows this code. An email without it, or with a different "
        "one, is not from us."
    ) in page
    assert "You have not set a code yet" in page
    response = alice_client.post("/portal/settings/security/", {"code": "Blue42Moon"}, follow=True)
    assert "Your anti-phishing code is saved." in response.content.decode()
    assert "Blue42Moon</strong>" in response.content.decode()
    assert _code(alice) == "Blue42Moon"
    alice_client.post("/portal/settings/security/", {"code": "Red7"})
    assert _code(alice) == "Red7"
    response = alice_client.post("/portal/settings/security/", {"clear": "1"}, follow=True)
    assert "Your anti-phishing code is removed." in response.content.decode()
    assert _code(alice) == ""


@pytest.mark.parametrize("code", ["abc", "has space", "x" * 21, "中文代码", "a-b-c-d"])
def test_a_wrong_code_gets_a_clear_error_and_keeps_the_old_one(alice_client, alice, code):
    alice_client.post("/portal/settings/security/", {"code": "Keep1234"})
    response = alice_client.post("/portal/settings/security/", {"code": code})
    assert response.status_code == 400
    assert (
        "Use 4 to 20 letters (A-Z, a-z) and digits (0-9), with no spaces or other signs."
        in response.content.decode()
    )
    assert _code(alice) == "Keep1234"


def test_the_security_page_is_post_with_csrf(client, alice):
    client.handler.enforce_csrf_checks = True
    client.force_login(alice)
    assert client.post("/portal/settings/security/", {"code": "Blue42Moon"}).status_code == 403
    assert _code(alice) == ""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_mark_all_at_once_mark_each_row_once(alice):
    import time

    from django.db import transaction

    from tests.support.threads import in_thread

    case = own_case(alice)
    rows = [tell(case) for _ in range(5)]
    results = {}
    threads = [
        in_thread(lambda: notifications_mark_read(user=alice), results, key) for key in (1, 2)
    ]
    # Both calls start while a row is locked here, so they meet at its lock.
    with transaction.atomic():
        Notification.objects.select_for_update().get(pk=rows[0].pk)
        for thread in threads:
            thread.start()
        time.sleep(0.5)
    for thread in threads:
        thread.join(20)
    assert sorted(results.values()) == [0, 5]
    for row in rows:
        assert row.history.filter(history_change_reason="Read in the portal").count() == 1
