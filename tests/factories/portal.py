"""Portal users: a Django user with a CustomerProfile linking it to an exchange account."""

import itertools

from cases.models import CustomerProfile
from complaints_site.common.history import stamp
from tests.factories.cases import SYSTEM, UserFactory

_accounts = itertools.count(70000001)
PASSWORD = "pw-for-tests-1"


def make_portal_user(username: str, *, locale: str = "en", active: bool = True):
    user = UserFactory(username=username, is_staff=False, is_active=active)
    if not hasattr(user, "customer_profile"):
        profile = CustomerProfile(
            user=user, exchange_account_id=f"UID{next(_accounts)}", locale=locale
        )
        stamp(profile, actor=SYSTEM, reason="test setup")
        profile.save()
    return type(user).objects.select_related("customer_profile").get(pk=user.pk)
