"""`manage.py verify_audit_chain`: exit 0 when the audit history is intact, 1 naming the first
entry that was altered or removed."""

from django.core.management.base import BaseCommand, CommandError

from complaints_site.common.audit import audit_chain_verify
from complaints_site.common.services import audit_seal_pending


class Command(BaseCommand):
    help = "Seal pending audit rows, then check the whole hash chain against the live rows."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-seal",
            action="store_true",
            help="Only verify; do not seal rows written since the last sealing run first.",
        )
        parser.add_argument("--chunk-size", type=int, default=2000)

    def handle(self, *args, **options):
        chunk_size = options["chunk_size"]
        sealed = 0 if options["no_seal"] else audit_seal_pending(full=True, chunk_size=chunk_size)
        result = audit_chain_verify(chunk_size=chunk_size)
        if result.first_break is not None:
            raise CommandError(
                f"Audit chain broken: {result.first_break}. "
                f"{result.entries} entries verified before it.",
                returncode=1,
            )
        self.stdout.write(
            f"Audit chain intact: {result.entries} entries over {result.tables} tables "
            f"(sealed now: {sealed}; head #{result.head_seq} {result.head_hash})."
        )
