from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class SecureAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the second-factor admin site as `admin.site`."""

    default = False
    default_site = "complaints_site.accounts.admin_site.SecureAdminSite"


class SignInLockoutsConfig(AxesAppConfig):
    """django-axes under a name staff can read on the admin home (its own is "Axes")."""

    default = False
    verbose_name = _("Sign-in lockouts")


class AccountsConfig(AppConfig):
    name = "complaints_site.accounts"
    label = "accounts"
    default = True
    verbose_name = _("Sign-in security")

    def ready(self) -> None:
        from complaints_site.accounts import checks  # noqa: F401  (registers the deploy checks)
        from complaints_site.common.audit import register_audit_ledger

        register_audit_ledger("accounts.SignInEvent")
