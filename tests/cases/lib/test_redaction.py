"""Secrets never reach a case file; evidence that merely looks like them stays."""

import pytest

from cases.lib.redaction import redact_secrets

SEED_12 = "legal winner thank year wave sausage worth useful legal winner thank yellow"
SEED_24 = " ".join(["abandon"] * 23 + ["art"])
TX_HASH = "0x" + "5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060"[:64]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (f"The support guy asked for my phrase: {SEED_12}. Now my coins are gone.", "seed_phrase"),
        (f"words:\n1. {SEED_24.replace(' ', chr(10) + '2. ', 1)}", "seed_phrase"),
        ("助记词 的 一 是 在 不 了 有 和 人 这 中 大 为 上 个 国 全部被盗", "seed_phrase"),
        (
            "my private key is e9873d79c6d87dc0fb6a5778633389f4453213303da61f20bd67fc233aa33262",
            "private_key",
        ),
        ("私钥: 0x" + "ab" * 32, "private_key"),
        ("WIF 5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ please help", "private_key"),
        ("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIE\n-----END EC PRIVATE KEY-----", "private_key"),
        ("They asked for the Google Authenticator code 492817 and I gave it", "one_time_code"),
        ("验证码 839201 被骗子拿走了", "one_time_code"),
        ("I paid with card 4111 1111 1111 1111 exp 12/29", "card_number"),
        ("card 5500-0000-0000-0004 was charged twice", "card_number"),
        ("my visa 4012888888881881 was charged", "card_number"),
    ],
)
def test_secret_is_redacted_and_named(text, kind):
    result = redact_secrets(text)
    assert kind in result.kinds
    assert f"[redacted: {kind.replace('_', ' ')}]" in result.text
    for secret in ("winner thank year", "492817", "839201", "4111 1111", "5HueCGU8", "MHcCAQEEIE"):
        if secret in text:
            assert secret not in result.text


@pytest.mark.parametrize(
    "text",
    [
        f"My withdrawal {TX_HASH} has not arrived after 3 days.",
        "Order 1234567890123456789 was filled at the wrong price.",
        "I deposited 123456 USDT on Monday.",
        "Please help me, I cannot access my account and the support never answers my emails.",
        "我的提现没有到账，已经等了三天了，请尽快处理这个问题谢谢你们的帮助",
        "Case CX-2026-00001234 is still open.",
    ],
)
def test_ordinary_evidence_is_kept(text):
    result = redact_secrets(text)
    assert result.kinds == ()
    assert result.text == text


def test_only_the_secret_is_removed():
    text = f"Pls. {SEED_12}. After, tx {TX_HASH}."
    result = redact_secrets(text)
    assert result.text.startswith("Pls. [redacted: seed phrase]")
    assert TX_HASH in result.text
