"""The portal inbox: the user's portal notifications across all their cases, newest first,
read and unread; and the unread count that the portal's navigation shows on every page.

Only the signed-in user's own portal rows are ever shown or marked (anything else is 404).
Reading is a GET; marking read is a POST with CSRF: opening a notification from the inbox
posts, marks it read and shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.models import Case, Notification
from cases.portal.auth import portal_user_required
from cases.portal.selectors import inbox_for_customer, inbox_item_for_customer, inbox_unread_count
from cases.services.notifications import (
    notification_render,
    notification_title,
    notifications_mark_read,
)

INBOX_PAGE_SIZE = 25


class PortalInbox:
    """`portal_inbox` in every template's context: the unread count, read once per request and
    only when a page shows it (the portal's navigation); 0 for anonymous visitors and staff."""

    def __init__(self, request: HttpRequest) -> None:
        self._request = request

    @cached_property
    def unread(self) -> int:
        user = getattr(self._request, "user", None)
        if user is None or not user.is_authenticated or user.is_staff:
            return 0
        return inbox_unread_count(user=user)


def _inbox_of(request: HttpRequest) -> PortalInbox:
    inbox = getattr(request, "_portal_inbox", None)
    if inbox is None:
        inbox = PortalInbox(request)
        request._portal_inbox = inbox  # type: ignore[attr-defined]
    return inbox


def portal_inbox(request: HttpRequest) -> dict[str, Any]:
    """Context processor (settings.TEMPLATES): the navigation's unread badge."""
    return {"portal_inbox": _inbox_of(request)}


@dataclass(frozen=True)
class InboxItem:
    """One line of the inbox, as the user reads it."""

    pk: int
    title: str
    case: Case | None
    at: datetime
    unread: bool


def _item(notification: Notification) -> InboxItem:
    return InboxItem(
        pk=notification.pk,
        title=notification_title(notification),
        case=notification.case,
        at=notification.created_at,
        unread=notification.read_at is None,
    )


def _own(request: HttpRequest, notification_id: int) -> Notification:
    notification = inbox_item_for_customer(user=request.user, notification_id=notification_id)
    if notification is None:
        raise Http404
    return notification


@require_GET
@portal_user_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(inbox_for_customer(user=request.user), INBOX_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "items": [_item(n) for n in page.object_list],
        "any_unread": _inbox_of(request).unread > 0,
    }
    return render(request, "cases/portal/inbox.html", context)


@require_POST
@portal_user_required
def inbox_read_all(request: HttpRequest) -> HttpResponse:
    marked = notifications_mark_read(user=request.user)
    if marked:
        messages.success(
            request,
            ngettext(
                "%(n)s notification marked as read.",
                "%(n)s notifications marked as read.",
                marked,
            )
            % {"n": marked},
        )
    return redirect("portal:inbox")


@require_http_methods(["GET", "POST"])
@portal_user_required
def inbox_item(request: HttpRequest, notification_id: int) -> HttpResponse:
    """One notification in full, in the language the portal is read in. A GET only shows it;
    a POST (the inbox's links are buttons) marks it read, then shows it."""
    notification = _own(request, notification_id)
    if request.method == "POST":
        notifications_mark_read(user=request.user, ids=[notification.pk])
        return redirect("portal:inbox_item", notification_id=notification.pk)
    _subject, body = notification_render(notification, locale=get_language() or "")
    context = {"item": _item(notification), "body": body}
    return render(request, "cases/portal/inbox_item.html", context)
