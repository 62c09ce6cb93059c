"""What the handlers did around the demo cases besides walking them: questions to other teams,
identity documents the customer sent, and a conflict of interest a specialist declared."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoConsultation:
    team: str
    question: str
    asked_days_ago: int
    due_days: int
    answer: str = ""


# Questions the handlers asked other teams (by case subject): one answered, one overdue for the
# team lead's view, one still within its time.
CONSULTATIONS: dict[str, list[DemoConsultation]] = {
    "BTC withdrawal marked completed but not received": [
        DemoConsultation(
            team="tech",
            question="Our withdrawal record shows the transaction as completed. Was it actually "
            "broadcast, and in which block was it confirmed?",
            asked_days_ago=2,
            due_days=3,
            answer="Broadcast at once and confirmed two blocks later; the destination address "
            "is the one in the withdrawal record. Node log export attached to the ticket.",
        )
    ],
    "ETH/USDT market order filled 4% away from the last price": [
        DemoConsultation(
            team="tech",
            question=(
                "Was the ETH/USDT order book thin at the time of the order, or did the matching "
                "engine lag? Please send the depth snapshot for that second."
            ),
            asked_days_ago=5,
            due_days=2,
        )
    ],
    "P2P 卖家已收款但未放币": [
        DemoConsultation(
            team="legal",
            question=(
                "The seller confirms payment but refuses to release. May we release the escrowed "
                "USDT to the buyer on the bank receipt alone?"
            ),
            asked_days_ago=0,
            due_days=3,
        )
    ],
}


# Identity documents the customer sent (by case subject), stored as sensitive evidence.
SENSITIVE_UPLOADS = {
    "账户被冻结，KYC 资料已提交两周无回复": "Passport photo page (identity document)",
}


# A conflict the specialist declares: a relative's account on the Security team's takeover case.
# It bars them from that case at once and waits for review, so the `compliance` login finds a
# declaration to review and a recusal it may override (four eyes: never its own).
DEMO_CONFLICT = {
    "staff": "specialist",
    "exchange_account_id": "UID33094418",
    "related_party": "S. Okonkwo, brother-in-law",
    "details": "My sister's husband trades on the exchange under this account.",
}
