"""Who is on the outside: a customer signed in to the portal, or the exchange's own systems
calling the intake API. Neither is staff."""

from __future__ import annotations

from typing import Any

USE_INTAKE_API = "cases.use_intake_api"


def is_api_client(user: Any) -> bool:
    """The exchange's systems: a service account in the API client role (not a person)."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and not user.is_staff
        and user.has_perm(USE_INTAKE_API)
    )


def is_portal_customer(user: Any) -> bool:
    """A signed-in exchange user, known by their exchange account (customer profile)."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and not user.is_staff
        and hasattr(user, "customer_profile")
    )


def may_answer_offer(user: Any, case: Any) -> bool:
    """The customer's own answer to an offer, outside the back office: the portal customer whose
    case it is, or the exchange's API client that opened the case for them. Staff never answer
    for the customer here; they record an answer given another way, citing the message."""
    if is_api_client(user):
        return case.intake_client_id == user.pk
    if is_portal_customer(user):
        return case.customer_id == user.pk
    return False
