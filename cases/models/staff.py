"""Teams and staff. A team's members are the members of its auth group: guardian grants a case
to the group, so membership and access are one fact. TeamMembership keeps the audited record."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints_site.common.history import audited_history, make_history_append_only


class Team(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="team", editable=False
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team lead"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_teams",
    )
    # When the team works; empty: around the clock. Service targets count working time only.
    business_hours = models.ForeignKey(
        "cases.BusinessHours",
        verbose_name=_("business hours"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="teams",
        help_text=_("Empty: the team's service targets run 24/7."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="TeamMembership", related_name="teams", blank=True
    )
    history = audited_history()

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="team_memberships"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = audited_history()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="team_membership_unique")
        ]
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


class StaffProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff_profile"
    )
    languages = models.JSONField(
        _("languages"), default=list, blank=True, help_text=_("Language codes, e.g. en, zh-hans.")
    )
    skills = models.JSONField(
        _("skills"), default=list, blank=True, help_text=_("Case categories this person handles.")
    )
    exchange_account_id = models.CharField(
        _("own exchange account id"),
        max_length=64,
        blank=True,
        db_index=True,
        help_text=_("Linked so that recusal rules can spot a case about one's own account."),
    )
    is_available = models.BooleanField(_("available for assignment"), default=True)
    history = audited_history()

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return str(self.user)


for _model in (Team, TeamMembership, StaffProfile):
    make_history_append_only(_model)
