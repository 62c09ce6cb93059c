"""The demo exchange's ledger: what the exchange's systems would show for the accounts of the
demo cases (`demo.data.CASES`), so that an investigation in `make run` pulls real records.

Every account gets a quiet background history (opening, KYC, a deposit, logins, a few spot
trades) well before its first incident, and the cases that name an exchange event get the
records of that event, with the numbers of the case description, placed before the case was
received. Amounts are decimal strings with the asset's precision, never floats; times are UTC.

Seeding is idempotent: accounts are keyed by account id and records by (kind, record id), so a
second run, whatever its `now`, creates nothing.

Modules: `book` (one account's records, the helpers per record kind, the background life),
`incidents` (which case is about which event: the table and its windows), the incident
builders by topic (`deposits`, `trading`, `security`, `p2p`), and `seed` (writing it all).
"""

from demo.ledger.incidents import incident_kinds, incident_window
from demo.ledger.seed import ledger_seed

__all__ = ["incident_kinds", "incident_window", "ledger_seed"]
