"""Live chat for signed-in portal users: start, the chat page, a JSON poll and posting.

The page polls ``messages/?after=<last id>`` every second; nothing here holds a connection
open, so any WSGI server and any number of web nodes serve it.
"""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.enums import Locale
from cases.portal.views import portal_user_required
from channels.models import ChatSession
from channels.services.chat import (
    chat_agents_online,
    chat_close,
    chat_get_for_customer,
    chat_messages_after,
    chat_open_for_customer,
    chat_post,
    chat_start,
)
from complaints_site.common.exceptions import ApplicationError


def _own_chat(request: HttpRequest, pk: int) -> ChatSession:
    session = chat_get_for_customer(user=request.user, pk=pk)
    if session is None:
        raise Http404
    return session


def _after(request: HttpRequest) -> int:
    try:
        return max(0, int(request.GET.get("after", "0")))
    except ValueError:
        return 0


@require_GET
@portal_user_required
def home(request: HttpRequest) -> HttpResponse:
    """An open chat continues; otherwise a chat is offered only while an agent is online, and
    the complaint form instead when nobody is."""
    open_chat = chat_open_for_customer(user=request.user)
    if open_chat is not None:
        return redirect("chat:room", pk=open_chat.pk)
    return render(request, "channels/portal/chat_home.html", {"online": chat_agents_online()})


@require_POST
@portal_user_required
def start(request: HttpRequest) -> HttpResponse:
    if chat_open_for_customer(user=request.user) is None and not chat_agents_online():
        return redirect("chat:home")
    locale = Locale.ZH_HANS if (get_language() or "").startswith("zh") else Locale.EN
    session = chat_start(
        customer=request.user,
        actor=request.user,
        topic=request.POST.get("topic", ""),
        locale=locale,
    )
    return redirect("chat:room", pk=session.pk)


@require_GET
@portal_user_required
def room(request: HttpRequest, pk: int) -> HttpResponse:
    labels = {
        "customer": _("You"),
        "agent": _("Agent"),
        "system": _("Notice"),
        "offline": _("Connection lost; please try again."),
    }
    context = {"session": _own_chat(request, pk), "labels": labels}
    return render(request, "channels/portal/chat_room.html", context)


def chat_state(session: ChatSession, after: int) -> dict:
    return {
        "status": session.status,
        "status_label": str(session.get_status_display()),
        "case": session.case.reference if session.case_id else "",
        "messages": chat_messages_after(session=session, after=after),
    }


@require_GET
@portal_user_required
def messages(request: HttpRequest, pk: int) -> JsonResponse:
    session = _own_chat(request, pk)
    return JsonResponse(chat_state(session, _after(request)))


def post_message(request: HttpRequest, session: ChatSession) -> JsonResponse:
    """Shared by the portal and the agent console: post `body`, answer JSON."""
    try:
        message = chat_post(session=session, actor=request.user, body=request.POST.get("body", ""))
    except ApplicationError as exc:
        return JsonResponse({"error": exc.message}, status=exc.status_code)
    return JsonResponse({"id": message.pk}, status=201)


@require_POST
@portal_user_required
def post(request: HttpRequest, pk: int) -> JsonResponse:
    return post_message(request, _own_chat(request, pk))


@require_POST
@portal_user_required
def close(request: HttpRequest, pk: int) -> HttpResponse:
    chat_close(session=_own_chat(request, pk), actor=request.user)
    flash.info(request, _("The chat has ended. Thank you."))
    return redirect("chat:home")
