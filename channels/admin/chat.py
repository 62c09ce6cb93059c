"""Admin for the chat channel: the agent console.

The console lists waiting chats and the agent's own; an agent takes one, answers (the page
polls every second, which also keeps the agent's presence fresh so the portal offers chat),
ends it or turns it into a case. Who may use it: `channels.services.chat.may_chat_as_agent`.
Every action is a POST calling a chat service.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from cases.enums import Category
from channels.models import ChatSession
from channels.policies import may_chat_as_agent
from channels.portal.views import chat_state, post_message
from channels.services.chat import (
    chat_accept,
    chat_agent_seen,
    chat_close,
    chat_convert_to_case,
    chat_get_for_agent,
    chat_list_for_agent,
)
from complaints_site.common.exceptions import ApplicationError


@admin.register(ChatSession)
class ChatSessionAdmin(admin.ModelAdmin):
    """No add/change/delete forms: chats change only through the console's services."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_chat_as_agent(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return may_chat_as_agent(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        changelist = f"{self.opts.app_label}_{self.opts.model_name}_changelist"
        return [
            # The console is this model's "changelist", so the admin index links to it.
            path("", wrap(self.console_view), name=changelist),
            path("console/", wrap(self.console_view), name="chat_console"),
            path("state/", wrap(self.console_state_view), name="chat_console_state"),
            path("<int:pk>/answer/", wrap(self.answer_view), name="chat_answer"),
            path("<int:pk>/messages/", wrap(self.messages_view), name="chat_messages"),
            path("<int:pk>/post/", wrap(self.post_view), name="chat_post"),
            path("<int:pk>/accept/", wrap(self.accept_view), name="chat_accept"),
            path("<int:pk>/close/", wrap(self.close_view), name="chat_close"),
            path("<int:pk>/convert/", wrap(self.convert_view), name="chat_convert"),
        ]

    # --- helpers --------------------------------------------------------------------------

    def _agent(self, request: HttpRequest) -> None:
        if not may_chat_as_agent(request.user):
            raise PermissionDenied

    def _session(self, request: HttpRequest, pk: int) -> ChatSession:
        self._agent(request)
        session = chat_get_for_agent(user=request.user, pk=pk)
        if session is None:
            raise Http404
        return session

    def _rows(self, request: HttpRequest) -> list[dict]:
        rows = []
        for session in chat_list_for_agent(user=request.user)[:100]:
            profile = getattr(session.customer, "customer_profile", None)
            rows.append(
                {
                    "id": session.pk,
                    "status": session.status,
                    "status_label": str(session.get_status_display()),
                    "topic": session.topic,
                    "account": profile.exchange_account_id if profile else "",
                    "started": session.created_at.strftime("%H:%M:%S"),
                    "url": reverse("admin:chat_answer", args=[session.pk]),
                }
            )
        return rows

    # --- views ----------------------------------------------------------------------------

    @property
    def _labels(self) -> dict:
        return {
            "customer": _("Customer"),
            "agent": _("You"),
            "system": _("Notice"),
            "offline": _("Connection lost; please try again."),
        }

    def console_view(self, request: HttpRequest) -> HttpResponse:
        self._agent(request)
        chat_agent_seen(actor=request.user)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Live chat console"),
            "opts": self.model._meta,
            "rows": self._rows(request),
        }
        return TemplateResponse(request, "channels/chat/console.html", context)

    def console_state_view(self, request: HttpRequest) -> JsonResponse:
        self._agent(request)
        chat_agent_seen(actor=request.user)
        return JsonResponse({"chats": self._rows(request)})

    def answer_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        session = self._session(request, pk)
        chat_agent_seen(actor=request.user)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Chat %(id)s") % {"id": session.pk},
            "opts": self.model._meta,
            "session": session,
            "mine": session.agent_id == request.user.pk,
            "categories": Category.choices,
            "labels": self._labels,
        }
        return TemplateResponse(request, "channels/chat/answer.html", context)

    def messages_view(self, request: HttpRequest, pk: int) -> JsonResponse:
        session = self._session(request, pk)
        chat_agent_seen(actor=request.user)
        try:
            after = max(0, int(request.GET.get("after", "0")))
        except ValueError:
            after = 0
        return JsonResponse(chat_state(session, after))

    def post_view(self, request: HttpRequest, pk: int) -> JsonResponse:
        if request.method != "POST":
            return JsonResponse({"error": "POST only"}, status=405)
        return post_message(request, self._session(request, pk))

    def _act(self, request: HttpRequest, pk: int, action, done: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponse(status=405)
        session = self._session(request, pk)
        try:
            action(session)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, done)
        return redirect("admin:chat_answer", pk=session.pk)

    def accept_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._act(
            request,
            pk,
            lambda s: chat_accept(session=s, actor=request.user),
            _("You have taken this chat."),
        )

    def close_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._act(
            request, pk, lambda s: chat_close(session=s, actor=request.user), _("Chat ended.")
        )

    def convert_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if request.method != "POST":
            return HttpResponse(status=405)
        session = self._session(request, pk)
        category = request.POST.get("category", Category.OTHER)
        try:
            case = chat_convert_to_case(
                session=session,
                actor=request.user,
                category=category if category in Category.values else Category.OTHER,
                subject=request.POST.get("subject", ""),
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Case %(reference)s opened from this chat, with its transcript.")
                % {"reference": case.reference},
            )
        return redirect("admin:chat_answer", pk=session.pk)
