"""Complaint (dissatisfaction, MiCA RTS 2025/294) or plain query, decided at intake."""

import pytest

from cases.lib.classification import classify_submission


@pytest.mark.parametrize(
    ("subject", "description", "category", "expected"),
    [
        (
            "Withdrawal not received",
            "My BTC withdrawal has not arrived after 3 days.",
            "deposit_withdrawal",
            True,
        ),
        ("How do I enable 2FA?", "Where can I find the setting?", "other", False),
        ("请问如何修改绑定的手机号？", "谢谢", "other", False),
        ("提现没有到账", "我三天前提现的USDT至今未到账，要求退款", "deposit_withdrawal", True),
        ("Question", "What is the fee for a futures trade?", "fees", False),
        ("Fees", "You charged me twice for the same trade, this is unacceptable.", "fees", True),
        ("How can this happen?", "My account was hacked and funds stolen", "other", True),
        ("Login", "I want to know if my login is safe?", "account_security", True),
        ("P2P", "Where is the P2P menu?", "p2p_dispute", True),
        ("Hello", "Please call me back about my account.", "other", True),
    ],
)
def test_classification(subject, description, category, expected):
    result = classify_submission(subject=subject, description=description, category=category)
    assert result.is_complaint is expected
    assert result.note.startswith("complaint" if expected else "query")
