"""`python manage.py second_factor_reset USERNAME --reason TEXT`: the operator's break-glass
reset of a user's second factor, for when no other administrator can sign in to do it in the
admin. Recorded in the sign-in security ledger as `system:manage.py second_factor_reset`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from complaints_site.accounts.services import second_factor_reset
from complaints_site.common.actors import SystemActor
from complaints_site.common.exceptions import ApplicationError


class Command(BaseCommand):
    help = "Remove a user's second-factor devices and recovery codes (recorded, with a reason)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--reason", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        user = User._default_manager.filter(**{User.USERNAME_FIELD: options["username"]}).first()
        if user is None:
            raise CommandError(f"No user {options['username']!r}.")
        try:
            removed = second_factor_reset(
                user=user,
                actor=SystemActor("manage.py second_factor_reset"),
                reason=options["reason"],
            )
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Removed {removed} second-factor devices of {user.get_username()}.")
