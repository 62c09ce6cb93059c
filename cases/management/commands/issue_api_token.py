"""Print the API token of an exchange service account, creating the account when missing."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.services.api_intake import api_client_issue_token
from complaints_site.common.actors import SystemActor
from complaints_site.common.exceptions import ApplicationError


class Command(BaseCommand):
    help = (
        "Print the API token of the service account USERNAME (created when missing: not staff, "
        "no password, in the 'Exchange API client' role)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        try:
            issued = api_client_issue_token(username=username, actor=SystemActor("issue_api_token"))
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if issued.user_created:
            self.stderr.write(f"Created service account {issued.user.get_username()}.")
        # Only the token on standard output, so scripts can capture it.
        self.stdout.write(issued.key)
