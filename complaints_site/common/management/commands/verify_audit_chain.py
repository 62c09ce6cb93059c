"""`manage.py verify_audit_chain`: exit 0 when the audit history is intact, 1 naming the first
entry that was altered or removed."""

from django.core.management.base import BaseCommand, CommandError

from complaints_site.common.audit import audit_chain_verify
from complaints_site.common.models import AuditSeal
from complaints_site.common.services import audit_seal_pending


class Command(BaseCommand):
    help = "Seal pending audit rows, then check the whole hash chain against the live rows."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-seal",
            action="store_true",
            help="Only verify; do not seal rows written since the last sealing run first.",
        )
        parser.add_argument(
            "--anchor",
            metavar="SEQ:HASH",
            help="A head printed by an earlier run and kept outside the database: the chain "
            "must still contain that seal with that hash (catches a rewritten or cut tail).",
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
        if options["anchor"]:
            self._check_anchor(options["anchor"])
        self.stdout.write(
            f"Audit chain intact: {result.entries} entries over {result.tables} tables "
            f"(sealed now: {sealed}; head #{result.head_seq} {result.head_hash})."
        )

    def _check_anchor(self, anchor: str) -> None:
        seq_text, _, expected = anchor.partition(":")
        if not seq_text.isdigit() or len(expected) != 64:
            raise CommandError("--anchor takes SEQ:HASH as printed by an earlier run.")
        seal = AuditSeal.objects.filter(seq=int(seq_text)).first()
        if seal is None:
            raise CommandError(
                f"Audit chain broken: seal removed at seal #{seq_text} (the anchor is gone; "
                "the tail of the chain was cut).",
                returncode=1,
            )
        if seal.seal_hash != expected:
            raise CommandError(
                f"Audit chain broken: seal altered at seal #{seal.seq}: table {seal.table}, "
                f"row {seal.row_id} (differs from the anchor; the chain was rewritten).",
                returncode=1,
            )
