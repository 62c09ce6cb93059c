"""The demo app: the data `make run` shows and the demo exchange behind it. Nothing imports it
(outside its own modules and the tests); production leaves it out (`DEMO_ENABLED`, off unless
DEBUG), and the gateway default then never names it.

- `data/`: the demo as data — people and teams, the cases and their walks, when each was
  received, consultations and a declared conflict (`demo.data`'s docstring has the map).
- `seed/`: writes `data/` through the real services (`demo_seed`), idempotently.
- `ledger/`: the demo exchange's records for each case's incident (`ledger_seed`).
- `models.py`: the demo exchange ledger's tables (still named `cases_ledger…`: they were moved
  here from `cases` by state-only migrations, rows untouched).
- `gateway.py`: the exchange port's demo adapter over those tables.
- `routing.py`, `channels.py`: demo routing rules; demo mail, chat and social mentions.
- `management/commands/seed_demo.py`: `python manage.py seed_demo`.
"""
