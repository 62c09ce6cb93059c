"""Sign-in protection for staff and portal users: one password backend, throttling with
django-axes, the staff second factor with django-otp, and the audited ledger of who reset a
lockout or a second factor. See docs/accounts.md."""
