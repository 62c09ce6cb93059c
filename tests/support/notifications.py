"""Notifications shared by the tests of the outbox, its kinds, the anti-phishing code and the
inbox."""

# A context for each kind as the service that queues it writes it (ids and short values).
CONTEXTS = {
    "case.acknowledged": {},
    "case.message": {"body": "Please send the transaction hash."},
    "case.attachments_refused": {"refused": [{"name": "a.exe", "reason": "not allowed"}]},
    "case.status_changed": {},
    "case.info_requested": {"body": "Which network did you use?"},
    "case.info_reminder": {"question": "Which network did you use?"},
    "case.closed_unanswered": {"question": "Which network did you use?"},
    "case.offer_sent": {"version": 1},
    "case.offer_expired": {"version": 1},
    "case.resolved": {
        "actions": [
            {"kind": "refund", "amount": "25 USDT", "state": "done", "reference": "R-1"},
        ]
    },
    "case.survey": {"reopen_by": "2027-01-31"},
    "case.final_response": {"letter_id": 1, "subject": "Final", "body": "Letter text."},
    "case.decision_recorded": {"offer_id": 1, "version": 2, "accepted": True},
    "case.payment_done": {"action_id": 1, "kind": "refund", "amount": "25.5 USDT"},
    "case.deadline_extended": {"expected_date": "2027-03-01", "reasons": "We wait for a bank."},
    "case.letter": {"letter_id": 1, "subject": "Holding reply", "body": "Holding reply text."},
}


def customer_kinds() -> list[str]:
    """The kinds a customer receives (the "staff." ones go to colleagues)."""
    from cases.services.notifications import KINDS

    return sorted(k for k in KINDS if not k.startswith("staff."))
