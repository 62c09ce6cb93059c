"""Account security and compliance: takeovers, SIM swaps, phishing, KYC and sanctions freezes.

Each builder writes one incident into the account's book at `anchor`, the moment of the event;
`demo.ledger.incidents` says which case it belongs to and which window a handler pulls.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from demo.ledger.book import (
    AccountBook,
    btc_address,
    evm_address,
    minutes_after,
    percent_fee,
    tron_address,
    txid_for,
)


def kyc_frozen(book: AccountBook, anchor: datetime) -> None:
    book.freeze(
        "FRZ-40028871-1",
        anchor,
        scope="account",
        reason="KYC refresh required (periodic review)",
        by="Compliance",
    )
    book.operation(
        f"OPS-{book.number}-KYC1",
        minutes_after(anchor, 5),
        "kyc_resubmission_requested",
        "ID and proof of address",
        ip="10.0.0.2",
    )
    book.operation(
        f"OPS-{book.number}-KYC2",
        minutes_after(anchor, 1500),
        "kyc_documents_uploaded",
        "National ID card; utility bill (proof of address)",
    )


def takeover_api(book: AccountBook, anchor: datetime) -> None:
    ip = "203.0.113.77"
    book.login(
        f"LGN-{book.number}-ATO1",
        anchor,
        ip=ip,
        location="Ho Chi Minh City, VN",
        device="Windows 10 / Chrome 126 (new device)",
    )
    book.operation(
        f"OPS-{book.number}-ATO1",
        minutes_after(anchor, 1),
        "new_device_email_sent",
        "Login from a new device",
        ip=ip,
    )
    book.operation(
        f"OPS-{book.number}-ATO2",
        minutes_after(anchor, 12),
        "api_key_created",
        "Label 'bot1'; permissions: read, spot trading; no IP restriction",
        ip=ip,
    )
    for i, (price, quantity) in enumerate([("0.08412", "52000.0"), ("0.08590", "48000.0")]):
        book.filled_order(
            f"ORD-5532{book.number[-4:]}{i}",
            minutes_after(anchor, 30 + i * 7),
            trade_id=f"TRD-5532{book.number[-4:]}{i}",
            symbol="XYZUSDT",
            side="buy",
            order_type="market",
            price=price,
            quantity=quantity,
            fee=percent_fee(price, quantity, rate="0.001"),
        )
    book.operation(
        f"OPS-{book.number}-ATO3",
        minutes_after(anchor, 150),
        "password_changed",
        "By the user from a known device",
    )
    book.freeze(
        "FRZ-33094418-1",
        minutes_after(anchor, 170),
        scope="withdrawals, API",
        reason="Suspected account takeover; API key revoked",
        by="Security",
    )


def passport(book: AccountBook, anchor: datetime) -> None:
    book.freeze(
        "FRZ-45510983-1",
        anchor,
        scope="withdrawals",
        reason="Identity document expired",
        by="KYC system",
    )
    for i in range(2):
        book.operation(
            f"OPS-{book.number}-PP{i}",
            minutes_after(anchor, 600 + i * 1440),
            "kyc_document_upload_failed",
            "Passport upload: error 'image could not be processed'",
        )


def sim_swap(book: AccountBook, anchor: datetime) -> None:
    ip = "203.0.113.141"
    book.login(
        f"LGN-{book.number}-SIM1",
        anchor,
        ip=ip,
        location="Busan, KR",
        device="Android 13 / App 5.12 (new device)",
    )
    book.operation(
        f"OPS-{book.number}-SIM1",
        anchor,
        "sms_2fa_verified",
        "Login code sent to +82 ••• 4471",
        ip=ip,
    )
    book.operation(
        f"OPS-{book.number}-SIM2",
        minutes_after(anchor, 4),
        "withdrawal_address_added",
        "ETH and TRC20 addresses; whitelist off",
        ip=ip,
    )
    book.withdrawal(
        "WD-88093110",
        minutes_after(anchor, 6),
        asset="ETH",
        network="ERC20",
        amount="1.900000000000000000",
        fee="0.001200000000000000",
        address=evm_address("simswap"),
        txid=txid_for("WD-88093110"),
        status="completed",
    )
    book.withdrawal(
        "WD-88093117",
        minutes_after(anchor, 19),
        asset="USDT",
        network="TRC20",
        amount="4000.00",
        fee="1.00",
        address=tron_address("simswap"),
        txid=txid_for("WD-88093117"),
        status="completed",
    )
    book.freeze(
        "FRZ-50218834-1",
        minutes_after(anchor, 95),
        scope="account",
        reason="Reported SIM swap; withdrawals to new addresses",
        by="Security",
        lifted_at=minutes_after(anchor, 1300),
    )


def sanctions(book: AccountBook, anchor: datetime) -> None:
    book.freeze(
        "FRZ-26630048-1",
        anchor,
        scope="account",
        reason="Sanctions screening: name match (list entry 4471)",
        by="Compliance",
    )
    book.operation(
        f"OPS-{book.number}-SN1",
        minutes_after(anchor, 900),
        "kyc_documents_uploaded",
        "Passport; proof of address",
    )


def twofa_stuck(book: AccountBook, anchor: datetime) -> None:
    book.operation(
        f"OPS-{book.number}-2F1",
        anchor,
        "2fa_reset_requested",
        "Lost phone; selfie with ID submitted",
    )
    book.operation(
        f"OPS-{book.number}-2F2",
        minutes_after(anchor, 1320),
        "2fa_reset_approved",
        "Approved; reset not triggered",
        ip="10.0.0.8",
    )
    for i in range(3):
        book.login(
            f"LGN-{book.number}-2F{i}", minutes_after(anchor, 2000 + i * 2200), result="failed_2fa"
        )


def phished(book: AccountBook, anchor: datetime) -> None:
    ip = "203.0.113.45"
    book.operation(
        f"OPS-{book.number}-PH0",
        anchor - timedelta(days=20),
        "withdrawal_whitelist_delay_disabled",
        "24-hour delay for new addresses turned off",
    )
    book.login(
        f"LGN-{book.number}-PH1",
        anchor,
        ip=ip,
        location="Bucharest, RO",
        device="Linux / Chrome 125 (new device)",
    )
    book.operation(
        f"OPS-{book.number}-PH1",
        minutes_after(anchor, 3),
        "2fa_reset",
        "Authenticator re-bound after code entry",
        ip=ip,
    )
    book.operation(
        f"OPS-{book.number}-PH2",
        minutes_after(anchor, 6),
        "api_key_created",
        "Label 'sync'; read, withdraw",
        ip=ip,
    )
    address = btc_address("phish-drain")
    book.operation(
        f"OPS-{book.number}-PH3",
        minutes_after(anchor, 8),
        "withdrawal_address_added",
        f"Unlabelled {address}",
        ip=ip,
    )
    book.withdrawal(
        "WD-87990312",
        minutes_after(anchor, 11),
        asset="BTC",
        network="BTC",
        amount="2.10000000",
        fee="0.00020000",
        address=address,
        txid=txid_for("WD-87990312"),
        status="completed",
        note="New address; no whitelist delay",
    )
    book.login(f"LGN-{book.number}-PH2", minutes_after(anchor, 170))
    book.freeze(
        "FRZ-32287764-1",
        minutes_after(anchor, 185),
        scope="account",
        reason="Account takeover reported (phishing)",
        by="Security",
        lifted_at=minutes_after(anchor, 2 * 1440),
    )
