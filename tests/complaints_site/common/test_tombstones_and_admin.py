"""Nothing that matters is hard-deleted: a deletion leaves a tombstone, and the admin offers no
delete on tracked models, their history or the audit ledgers."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory

from complaints_site.common.actors import SystemActor
from complaints_site.common.audit import audited_models
from complaints_site.common.exceptions import ApplicationError
from complaints_site.common.history import HistoryBase
from complaints_site.common.models import AuditSeal, Tombstone
from complaints_site.common.services import audit_seal_pending, tombstone_record
from tests.factories.cases import make_staff, make_team

pytestmark = pytest.mark.django_db


def test_a_tombstone_says_what_was_deleted_by_whom_and_why():
    team = make_team("complaints", "Complaints")
    lead = make_staff(None, username="lead1")
    stone = tombstone_record(instance=team, actor=lead, reason="  Duplicate team  ")
    stone.refresh_from_db()
    assert (stone.model_label, stone.object_pk) == ("cases.Team", str(team.pk))
    assert stone.object_repr == str(team)
    assert stone.actor_label == f"user:{lead.pk}:lead1"
    assert stone.actor == lead
    assert stone.reason == "Duplicate team"
    assert stone.created_at is not None

    system = tombstone_record(instance=team, actor=SystemActor("cleanup"), reason="retention")
    assert (system.actor_label, system.actor) == ("system:cleanup", None)

    # Tombstones are part of the sealed audit trail.
    audit_seal_pending()
    assert AuditSeal.objects.filter(table="common_tombstone", row_id=stone.pk).exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_tombstone_needs_a_reason(reason):
    team = make_team("complaints", "Complaints")
    with pytest.raises(ApplicationError) as exc:
        tombstone_record(instance=team, actor=SystemActor("t"), reason=reason)
    assert "reason" in exc.value.extra["errors"]
    assert not Tombstone.objects.exists()


def test_an_unsaved_instance_has_no_tombstone():
    from cases.models import Team

    with pytest.raises(ApplicationError):
        tombstone_record(instance=Team(code="x", name="x"), actor=SystemActor("t"), reason="r")


def _tracked_models():
    return [
        model
        for model in apps.get_models()
        if not issubclass(model, HistoryBase)
        and getattr(getattr(model, "history", None), "model", None) is not None
        and issubclass(model.history.model, HistoryBase)
    ]


def test_admin_offers_no_delete_on_tracked_models_history_and_ledgers():
    superuser = make_staff(None, username="root", superuser=True)
    request = RequestFactory().get("/admin/")
    request.user = superuser
    protected = {*_tracked_models(), *audited_models()}
    assert Tombstone in protected
    checked, allowed = [], []
    for model, model_admin in admin.site._registry.items():
        if model not in protected:
            continue
        checked.append(model._meta.label)
        if model_admin.has_delete_permission(request) or "delete_selected" in (
            model_admin.get_actions(request)
        ):
            allowed.append(model._meta.label)
    # Ending a team membership is the one delete the admin offers: it goes through
    # team_member_remove, whose history row keeps who, when and why (test below).
    assert allowed == ["cases.TeamMembership"]
    # The admin registers the case, its ledgers and the history tables; the check above must
    # have covered them (an empty loop would prove nothing).
    for label in ("cases.Case", "cases.CaseEvent", "cases.HistoricalCase", "common.Tombstone"):
        assert label in checked
    assert AuditSeal in admin.site._registry
    assert not admin.site._registry[AuditSeal].has_delete_permission(request)


def test_removing_a_team_member_in_admin_leaves_who_when_and_why():
    from cases.models import TeamMembership

    team = make_team("complaints", "Complaints")
    member = make_staff(None, username="member1", teams=[team])
    lead = make_staff(None, username="lead2", superuser=True)
    membership = TeamMembership.objects.get(team=team, user=member)
    request = RequestFactory().post("/admin/")
    request.user = lead
    admin.site._registry[TeamMembership].delete_model(request, membership)

    assert not TeamMembership.objects.filter(pk=membership.pk).exists()
    gone = TeamMembership.history.get(id=membership.pk, history_type="-")
    assert gone.history_actor == f"user:{lead.pk}:lead2"
    assert gone.history_change_reason == "Removed in admin"
    assert gone.history_date is not None
