"""Issue, list and revoke the API tokens of an exchange service account."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cases.services.api_intake import (
    api_client_issue_token,
    api_client_revoke_tokens,
    api_client_tokens,
)
from complaints_site.common.actors import SystemActor
from complaints_site.common.exceptions import ApplicationError
from complaints_site.common.tokens import token_public_id

ACTOR = SystemActor("issue_api_token")


class Command(BaseCommand):
    help = (
        "Print a new API token for the service account USERNAME (created when missing: not "
        "staff, no password, in the 'Exchange API client' role). The token expires after "
        "API_TOKEN_TTL_DAYS and is shown only now: only its digest is stored. With --list, "
        "list the account's tokens; with --revoke ID or --revoke-all, revoke them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--list",
            dest="list_tokens",
            action="store_true",
            help="List the account's tokens (id, issued, expiry).",
        )
        group.add_argument(
            "--revoke", metavar="ID", help="Revoke the token with this id (as --list shows it)."
        )
        group.add_argument(
            "--revoke-all", action="store_true", help="Revoke every token of the account."
        )

    def handle(
        self,
        *args,
        username: str,
        list_tokens: bool = False,
        revoke: str | None = None,
        revoke_all: bool = False,
        **options,
    ) -> None:
        try:
            if list_tokens:
                self._list(username)
            elif revoke or revoke_all:
                count = api_client_revoke_tokens(username=username, actor=ACTOR, token_id=revoke)
                self.stderr.write(f"Revoked {count} token(s) of {username}.")
            else:
                self._issue(username)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc

    def _issue(self, username: str) -> None:
        issued = api_client_issue_token(username=username, actor=ACTOR)
        if issued.user_created:
            self.stderr.write(f"Created service account {issued.user.get_username()}.")
        self.stderr.write(
            f"Token {token_public_id(issued.token)} expires {issued.token.expiry:%Y-%m-%d %H:%M}"
            " UTC; store it now, it cannot be shown again."
        )
        # Only the token on standard output, so scripts can capture it.
        self.stdout.write(issued.key)

    def _list(self, username: str) -> None:
        now = timezone.now()
        for token in api_client_tokens(username=username):
            expired = token.expiry is not None and token.expiry <= now
            expiry = f"{token.expiry:%Y-%m-%d %H:%M}" if token.expiry else "never"
            state = "expired" if expired else "active"
            self.stdout.write(
                f"{token_public_id(token)}  issued {token.created:%Y-%m-%d %H:%M}  "
                f"expires {expiry}  {state}"
            )
