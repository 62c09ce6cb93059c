"""Social-media mentions: receive them from the signed webhook, triage them, and turn the ones
that need it into cases.

A public post is not a case: we do not know who wrote it, and a public thread is no place for
account details. The standard public reply sends the author to an official, private channel
(portal, email, in-app chat) and never asks for personal data in public. Once the author has
contacted us privately, an agent records who they are (`mention_identify`) and may then open a
case from the post (`mention_convert`), which goes through the one door into cases,
`cases.services.intake.intake_submit`, with the post kept as evidence.

We have no platform adapter: the reply text is stored on the mention and shown to the agent,
who posts it on the platform by hand.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.enums import Category, Channel, Locale
from cases.lib.redaction import redact_secrets
from cases.models import EvidenceKind
from cases.services.evidence import evidence_add
from cases.services.intake import IntakeSubmission, intake_submit
from channels.models import MentionStatus, SocialMention
from complaints_site.common.actors import Actor, actor_user
from complaints_site.common.exceptions import ApplicationError, ConflictError
from complaints_site.common.history import stamp

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Open mentions: the only ones an agent may still reply to, identify, convert or dismiss.
OPEN_STATUSES = (MentionStatus.NEW, MentionStatus.REPLIED)

# First match wins; a post that matches nothing is OTHER (the agent re-triages on the case).
_CATEGORY_HINTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        Category.ACCOUNT_SECURITY,
        re.compile(r"hack|stolen|phish|unauthori[sz]ed|drained|被盗|盗号|黑客|钓鱼", re.I),
    ),
    (Category.P2P_DISPUTE, re.compile(r"\bp2p\b|otc|merchant|承兑|商家|场外", re.I)),
    (
        Category.ACCOUNT_FREEZE_KYC,
        re.compile(r"frozen|freeze|kyc|verif|locked|blocked|冻结|封号|认证|实名", re.I),
    ),
    (
        Category.DEPOSIT_WITHDRAWAL,
        re.compile(r"withdraw|deposit|not (been )?credited|提现|提币|充值|充币|到账", re.I),
    ),
    (Category.FEES, re.compile(r"\bfees?\b|overcharg|charged twice|手续费|扣费|多扣", re.I)),
    (
        Category.TRADE_DISPUTE,
        re.compile(r"order|trade|liquidat|slippage|订单|交易|爆仓|强平|滑点", re.I),
    ),
    (
        Category.SERVICE_QUALITY,
        re.compile(r"support|no (reply|response|answer)|customer service|客服|没人回", re.I),
    ),
)


@dataclass(frozen=True)
class MentionPayload:
    """A mention as the webhook delivered it (already validated)."""

    platform: str
    post_id: str
    author_handle: str
    text: str
    posted_at: datetime
    url: str = ""


def mention_locale(*, text: str) -> str:
    """The language of the post: Simplified Chinese when it has Chinese characters."""
    return Locale.ZH_HANS if _CJK.search(text or "") else Locale.EN


def mention_guess_category(*, text: str) -> str:
    for category, pattern in _CATEGORY_HINTS:
        if pattern.search(text or ""):
            return category
    return Category.OTHER


def mention_reply_text(*, locale: str) -> str:
    """The standard public reply, in `locale`.

    Rule: it points to the official channels only and never asks for an account id, email,
    phone number, screenshot or any other personal data in public (scammers answer public
    complaints pretending to be support; we must not teach users to post such things).
    """
    with translation.override(locale):
        return _(
            "We are sorry to hear about this and want to help. Please contact us privately "
            "through an official channel: the complaints portal on our website, the live chat "
            "in our app, or the support email address listed on our website. Please do not "
            "post account details or any personal information here. Our staff will never ask "
            "for your password, 2FA codes or recovery phrase."
        )


def _locked(mention: SocialMention) -> SocialMention:
    return SocialMention.objects.select_for_update().get(pk=mention.pk)


def _require_open(mention: SocialMention) -> None:
    if mention.status not in OPEN_STATUSES:
        raise ConflictError(
            _("This mention is already %(status)s.") % {"status": mention.get_status_display()}
        )


def mention_receive(*, payload: MentionPayload, actor: Actor) -> tuple[SocialMention, bool]:
    """Store a mention once per (platform, post id); returns (mention, created).

    The text is redacted (`redact_secrets`) before it is stored. A repeated delivery returns
    the stored mention with created=False and changes nothing; two concurrent deliveries are
    settled by the database's unique constraint, not by a read-then-write.
    """
    platform = payload.platform.strip().lower()
    post_id = payload.post_id.strip()
    redacted = redact_secrets(payload.text)
    mention = SocialMention(
        platform=platform,
        post_id=post_id,
        author_handle=payload.author_handle.strip(),
        text=redacted.text,
        url=payload.url,
        posted_at=payload.posted_at,
    )
    stamp(mention, actor=actor, reason="Mention received")
    try:
        with transaction.atomic():
            mention.save()
    except IntegrityError:
        existing = SocialMention.objects.filter(platform=platform, post_id=post_id).first()
        if existing is None:  # not the duplicate we thought: another integrity problem
            raise
        return existing, False
    return mention, True


@transaction.atomic
def mention_reply(*, mention: SocialMention, actor: Actor) -> SocialMention:
    """Record the standard public reply (in the post's language) for the agent to post.

    Replying twice keeps the first reply. Raises ConflictError when the mention is converted
    or dismissed.
    """
    locked = _locked(mention)
    _require_open(locked)
    if locked.status == MentionStatus.REPLIED:
        return locked
    locked.reply_text = mention_reply_text(locale=mention_locale(text=locked.text))
    locked.status = MentionStatus.REPLIED
    locked.handled_by = actor_user(actor)
    locked.handled_at = timezone.now()
    stamp(locked, actor=actor, reason="Standard public reply")
    locked.save()
    return locked


@transaction.atomic
def mention_identify(
    *, mention: SocialMention, actor: Actor, account_id: str, email: str
) -> SocialMention:
    """Record the exchange account id and email of the author, once they contacted us privately.

    Both are required (a case needs somebody to answer). Raises ApplicationError per field,
    ConflictError when the mention is no longer open.
    """
    account_id, email = (account_id or "").strip(), (email or "").strip().lower()
    errors: dict[str, list[str]] = {}
    if not account_id:
        errors["account_id"] = [_("Required.")]
    if not email or "@" not in email:
        errors["email"] = [_("Enter a valid email address.")]
    if errors:
        raise ApplicationError(_("The author cannot be identified yet."), extra={"errors": errors})
    locked = _locked(mention)
    _require_open(locked)
    locked.identified_account_id = account_id[:64]
    locked.identified_email = email
    locked.handled_by = actor_user(actor)
    locked.handled_at = timezone.now()
    stamp(locked, actor=actor, reason="Author identified")
    locked.save()
    return locked


def _post_record(mention: SocialMention) -> bytes:
    return json.dumps(
        {
            "platform": mention.platform,
            "post_id": mention.post_id,
            "author_handle": mention.author_handle,
            "text": mention.text,
            "url": mention.url,
            "posted_at": mention.posted_at.isoformat(),
            "received_at": mention.received_at.isoformat(),
        },
        ensure_ascii=False,
        indent=2,
    ).encode()


@transaction.atomic
def mention_convert(*, mention: SocialMention, actor: Actor) -> SocialMention:
    """Open a case from an identified mention, with the post kept as evidence.

    The mention row is locked first, so two agents (or a double click) never open two cases:
    the second waits and then gets ConflictError. Raises ApplicationError before the author
    is identified.
    """
    locked = _locked(mention)
    if locked.status == MentionStatus.CONVERTED:
        raise ConflictError(_("This mention is already a case."))
    _require_open(locked)
    if not (locked.identified_account_id and locked.identified_email):
        raise ApplicationError(
            _("Identify the author (exchange account id and email) before opening a case."),
            extra={"errors": {"identified_account_id": [_("Required.")]}},
        )
    first_line = locked.text.strip().splitlines()[0] if locked.text.strip() else ""
    result = intake_submit(
        submission=IntakeSubmission(
            channel=Channel.SOCIAL,
            subject=first_line[:200] or f"{locked.platform} @{locked.author_handle}",
            description=locked.text,
            email=locked.identified_email,
            account_id=locked.identified_account_id,
            category=mention_guess_category(text=locked.text),
            locale=mention_locale(text=locked.text),
            source={
                "type": "social",
                "platform": locked.platform,
                "post_id": locked.post_id,
                "url": locked.url,
                "mention": locked.pk,
            },
        ),
        actor=actor,
    )
    evidence_add(
        case=result.case,
        actor=actor,
        name=f"{locked.platform}-{locked.post_id}.json",
        content=_post_record(locked),
        channel=Channel.SOCIAL,
        kind=EvidenceKind.SOCIAL_POST,
        message=result.message,
        description=f"{locked.platform} post by @{locked.author_handle}",
        content_type="application/json",
    )
    locked.status = MentionStatus.CONVERTED
    locked.case = result.case
    locked.handled_by = actor_user(actor)
    locked.handled_at = timezone.now()
    stamp(locked, actor=actor, reason=f"Converted to case {result.case.reference}")
    locked.save()
    return locked


@transaction.atomic
def mention_dismiss(*, mention: SocialMention, actor: Actor, reason: str) -> SocialMention:
    """Close a mention that needs nothing from us (spam, praise, not about us).

    The reason is required and kept as the history row's change reason. Raises
    ApplicationError without a reason, ConflictError when the mention is no longer open.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("A reason is required."), extra={"errors": {"reason": [_("Required.")]}}
        )
    locked = _locked(mention)
    _require_open(locked)
    locked.status = MentionStatus.DISMISSED
    locked.handled_by = actor_user(actor)
    locked.handled_at = timezone.now()
    stamp(locked, actor=actor, reason=f"Dismissed: {reason}"[:100])
    locked.save()
    return locked


def mention_dismiss_reason(*, mention: SocialMention) -> str:
    """The reason given when the mention was dismissed (from its history), or ''."""
    record: Any = (
        mention.history.filter(status=MentionStatus.DISMISSED)
        .order_by("history_date", "history_id")
        .first()
    )
    reason = record.history_change_reason if record else ""
    return (reason or "").removeprefix("Dismissed: ")
