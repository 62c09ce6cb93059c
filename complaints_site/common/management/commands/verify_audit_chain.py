"""`manage.py verify_audit_chain`: exit 0 when the audit history is intact, 1 naming the first
entry that was altered or removed (or the live row, back-dated row or anchor at fault)."""

from django.core.management.base import BaseCommand, CommandError

from complaints_site.common.anchor import anchor_check, anchor_verify_latest
from complaints_site.common.audit import ChainBreak, audit_chain_verify
from complaints_site.common.services import audit_seal_and_anchor


class Command(BaseCommand):
    help = (
        "Seal pending audit rows, then check the whole hash chain against the live rows, the "
        "live tracked rows against their history, and the chain head against the newest "
        "signed anchor."
    )

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
        if options["anchor"]:
            seq_text, _, expected = options["anchor"].partition(":")
            if not seq_text.isdigit() or len(expected) != 64:
                raise CommandError("--anchor takes SEQ:HASH as printed by an earlier run.")
        # The signed anchor before sealing: sealing (and anchoring) a chain that was rewritten
        # behind the anchor's back would hide nothing, but this names the break first.
        self._fail(anchor_verify_latest(), verified=0)
        sealed = (
            0 if options["no_seal"] else audit_seal_and_anchor(full=True, chunk_size=chunk_size)
        )
        result = audit_chain_verify(chunk_size=chunk_size)
        self._fail(result.first_break, verified=result.entries)
        self._fail(anchor_verify_latest(), verified=result.entries)
        if options["anchor"]:
            seq_text, _, expected = options["anchor"].partition(":")
            self._fail(
                anchor_check(seq=int(seq_text), seal_hash=expected, source="anchor given"),
                verified=result.entries,
            )
        self.stdout.write(
            f"Audit chain intact: {result.entries} entries over {result.tables} tables "
            f"(sealed now: {sealed}; head #{result.head_seq} {result.head_hash})."
        )

    def _fail(self, broken: ChainBreak | None, *, verified: int) -> None:
        if broken is not None:
            raise CommandError(
                f"Audit chain broken: {broken}. {verified} entries verified before it.",
                returncode=1,
            )
