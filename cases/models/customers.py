"""Portal users as the exchange knows them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.enums import Locale
from complaints_site.common.history import audited_history, make_history_append_only


class CustomerProfile(models.Model):
    """Links a portal sign-in to the user's exchange account (filled by the exchange's single
    sign-on in production, by `seed_demo` in the demo). Intake uses it to put cases opened by
    API or email on the right user's portal."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="customer_profile"
    )
    exchange_account_id = models.CharField(_("exchange account id"), max_length=64, unique=True)
    locale = models.CharField(
        _("preferred language"), max_length=8, choices=Locale.choices, default=Locale.EN
    )
    # Where the user lives (ISO 3166 code): chooses the complaint rules of their cases.
    jurisdiction = models.CharField(_("jurisdiction"), max_length=2, blank=True)
    # Printed in every email we send the user, so they can tell our mail from a phishing copy.
    # Set by the user in the portal; never logged.
    anti_phishing_code = models.CharField(_("anti-phishing code"), max_length=20, blank=True)
    history = audited_history(excluded_fields=["anti_phishing_code"])

    class Meta:
        verbose_name = _("customer profile")
        verbose_name_plural = _("customer profiles")

    def __str__(self) -> str:
        return self.exchange_account_id


make_history_append_only(CustomerProfile)
