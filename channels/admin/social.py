"""Admin for the social channel: the triage queue of public mentions.

Support agents, team leads (``cases.assess_case``) and superusers work it. Nothing is edited
in a form: every change goes through a service of `channels.services.social`, either as a
list action (standard reply, convert) or from the buttons on a mention's page (identify the
author, reply, convert, dismiss with a reason), each a POST with CSRF.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from channels.models import MentionStatus, SocialMention
from channels.policies import may_triage
from channels.services.social import (
    OPEN_STATUSES,
    mention_convert,
    mention_dismiss,
    mention_dismiss_reason,
    mention_identify,
    mention_reply,
)
from complaints_site.common.exceptions import ApplicationError


class IdentifyForm(forms.Form):
    account_id = forms.CharField(label=_("Exchange account id"), max_length=64)
    email = forms.EmailField(label=_("Email"))


class DismissForm(forms.Form):
    # The reason is kept as the history's change reason (100 characters with its prefix).
    reason = forms.CharField(label=_("Reason"), max_length=80)


class EmptyForm(forms.Form):
    pass


# name -> (button label, form class, service call)
MENTION_ACTIONS: dict[str, tuple[Any, type[forms.Form]]] = {
    "reply": (_("Post the standard public reply"), EmptyForm),
    "identify": (_("Identify the author"), IdentifyForm),
    "convert": (_("Convert to a case"), EmptyForm),
    "dismiss": (_("Dismiss"), DismissForm),
}


def _run(name: str, mention: SocialMention, actor: Any, data: dict[str, Any]) -> SocialMention:
    if name == "reply":
        return mention_reply(mention=mention, actor=actor)
    if name == "identify":
        return mention_identify(
            mention=mention, actor=actor, account_id=data["account_id"], email=data["email"]
        )
    if name == "convert":
        return mention_convert(mention=mention, actor=actor)
    return mention_dismiss(mention=mention, actor=actor, reason=data["reason"])


@admin.register(SocialMention)
class SocialMentionAdmin(admin.ModelAdmin):
    list_display = [
        "posted_at",
        "platform",
        "author_handle",
        "excerpt",
        "status",
        "case_reference",
        "handled_by",
    ]
    list_filter = ["status", "platform"]
    # Exact matches: a handle or post id is copied from the platform, never half-typed.
    search_fields = ["=author_handle", "=post_id"]
    search_help_text = _("Exact author handle or post id.")
    list_select_related = ["case", "handled_by"]
    show_full_result_count = False
    list_per_page = 50
    ordering = ["-posted_at", "-id"]
    actions = ["reply_selected", "convert_selected"]
    fields = [
        "platform",
        "post_id",
        "author_handle",
        "posted_at",
        "received_at",
        "post_link",
        "text",
        "status",
        "identified_account_id",
        "identified_email",
        "reply_text",
        "dismiss_reason",
        "handled_by",
        "handled_at",
        "case_reference",
        "mention_buttons",
    ]
    readonly_fields = fields

    # --- permissions: the triage role, and no editing outside the services -----------------

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_triage(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_triage(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest):
        # Django offers actions only to users with some permission; ours need the triage role.
        return super().get_actions(request) if may_triage(request.user) else {}

    # --- columns ------------------------------------------------------------------------------

    @admin.display(description=_("text"))
    def excerpt(self, obj: SocialMention) -> str:
        return Truncator(obj.text).chars(80)

    @admin.display(description=_("case"), ordering="case__reference")
    def case_reference(self, obj: SocialMention) -> str:
        if obj.case_id is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:cases_case_change", args=[obj.case_id]),
            obj.case.reference,
        )

    @admin.display(description=_("link"))
    def post_link(self, obj: SocialMention) -> str:
        if not obj.url:
            return "—"
        return format_html(
            '<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>', obj.url, obj.url
        )

    @admin.display(description=_("dismissed because"))
    def dismiss_reason(self, obj: SocialMention) -> str:
        if obj.status != MentionStatus.DISMISSED:
            return "—"
        return mention_dismiss_reason(mention=obj)

    @admin.display(description=_("actions"))
    def mention_buttons(self, obj: SocialMention) -> str:
        if obj.status not in OPEN_STATUSES:
            return "—"
        offered = [
            name
            for name in MENTION_ACTIONS
            if not (name == "reply" and obj.status == MentionStatus.REPLIED)
            and not (name == "convert" and not obj.identified_account_id)
        ]
        return format_html_join(
            " ",
            '<a class="button mention-action" data-action="{}" href="{}">{}</a>',
            ((name, self._action_url(obj, name), MENTION_ACTIONS[name][0]) for name in offered),
        )

    # --- list actions ---------------------------------------------------------------------------

    @admin.action(description=_("Post the standard public reply"))
    def reply_selected(self, request: HttpRequest, queryset) -> None:
        self._bulk(request, queryset, "reply")

    @admin.action(description=_("Convert to a case (identified authors only)"))
    def convert_selected(self, request: HttpRequest, queryset) -> None:
        self._bulk(request, queryset, "convert")

    def _bulk(self, request: HttpRequest, queryset, name: str) -> None:
        done, refused = 0, []
        for mention in queryset:
            try:
                _run(name, mention, request.user, {})
            except ApplicationError as exc:
                refused.append(f"{mention}: {exc.message}")
            else:
                done += 1
        if done:
            self.message_user(request, _("%(n)s mention(s) done.") % {"n": done}, messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.WARNING)

    # --- per-mention actions ------------------------------------------------------------------

    def _action_url(self, obj: SocialMention, name: str) -> str:
        return reverse("admin:intake_channels_socialmention_act", args=[obj.pk, name])

    def get_urls(self):
        return [
            path(
                "<int:object_id>/act/<str:name>/",
                self.admin_site.admin_view(self.action_view),
                name="intake_channels_socialmention_act",
            ),
            *super().get_urls(),
        ]

    def action_view(self, request: HttpRequest, object_id: int, name: str) -> HttpResponse:
        """GET shows the form (or a confirmation); POST runs the service."""
        if not may_triage(request.user):
            raise PermissionDenied
        if name not in MENTION_ACTIONS:
            raise Http404
        mention = SocialMention.objects.select_related("case").filter(pk=object_id).first()
        if mention is None:
            raise Http404
        label, form_class = MENTION_ACTIONS[name]
        change_url = reverse("admin:intake_channels_socialmention_change", args=[mention.pk])
        if request.method == "POST":
            form = form_class(request.POST)
            if form.is_valid():
                try:
                    done = _run(name, mention, request.user, form.cleaned_data)
                except ApplicationError as exc:
                    form.add_error(None, exc.message)
                    for field, errors in exc.extra.get("errors", {}).items():
                        if field in form.fields:
                            for error in errors:
                                form.add_error(field, error)
                else:
                    self._report(request, name, done)
                    return HttpResponseRedirect(change_url)
        else:
            form = form_class(
                initial={
                    "email": mention.identified_email,
                    "account_id": mention.identified_account_id,
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "mention": mention,
            "form": form,
            "action_label": label,
            "action_name": name,
            "change_url": change_url,
            "title": label,
        }
        return render(request, "channels/social/action.html", context)

    def _report(self, request: HttpRequest, name: str, mention: SocialMention) -> None:
        if name == "reply":
            self.message_user(
                request,
                format_html(
                    "{}<br><q>{}</q>",
                    _("Post this reply on the platform under the post:"),
                    mention.reply_text,
                ),
                messages.SUCCESS,
            )
        elif name == "convert":
            self.message_user(
                request,
                _("Case %(ref)s opened from the post.") % {"ref": mention.case.reference},
                messages.SUCCESS,
            )
        else:
            self.message_user(request, _("Done."), messages.SUCCESS)
