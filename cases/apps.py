from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, **kwargs):
    # Roles are created by migration 0002; this keeps them after a database flush (which
    # TransactionTestCase and `manage.py flush` do) and is a no-op when they are in place.
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    from cases.roles import sync_role_groups

    # Roles hold permissions of apps migrated after this one (the intake channels): make sure
    # every app's permissions exist before the sync, whatever order post_migrate runs in.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    sync_role_groups(apps)
    # A flush (TransactionTestCase, `manage.py flush`) empties the seeded assets too.
    from cases.enums import default_assets_ensure

    default_assets_ensure(apps.get_model("cases", "Asset"))


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="cases.sync_roles")
        # Registers the deploy check that a malware scanner is configured.
        # Registers the tasks that services queue by name (`cases.services.jobs`) in every
        # process, not only in a worker that autodiscovers them.
        from cases import tasks  # noqa: F401
        from cases.lib import scanning  # noqa: F401
