"""zh-hans for the intake core (cases: intake, evidence, notifications)."""

ZH: dict[str, str] = {}
