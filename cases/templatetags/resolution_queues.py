"""The queues of steps 5 and 6 on the admin home: each link shown only to who may open it,
with its count (one count query per queue shown)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.policies.approvals import may_approve_offers, may_see_attention_queue
from cases.selectors.resolution import actions_needing_attention_for, offers_awaiting_approval_for

register = template.Library()


@register.inclusion_tag("cases/resolution/_home.html", takes_context=True)
def resolution_queues(context: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    queues = []
    if user is None:
        return {"queues": queues}
    if may_approve_offers(user) and user.has_perm("cases.view_approval_queue"):
        queues.append(
            {
                "id": "approval-queue-link",
                "label": _("Offers awaiting my approval"),
                "url": reverse("admin:cases_resolutionoffer_approvals"),
                "count": offers_awaiting_approval_for(user=user).count(),
            }
        )
    if may_see_attention_queue(user):
        queues.append(
            {
                "id": "attention-queue-link",
                "label": _("Actions needing attention"),
                "url": reverse("admin:cases_resolutionoffer_attention"),
                "count": actions_needing_attention_for(user=user).count(),
            }
        )
    return {"queues": queues}
