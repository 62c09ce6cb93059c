"""Every permission predicate lives in a policies module (CONVENTIONS.md: nothing named may_*
elsewhere)."""

import importlib
import inspect
import pkgutil
import re

import cases
import channels

PREDICATE = re.compile(r"^(may_|is_)|^leads_a_team$")
# Not about who may act: a reference's checksum, a transition condition on the case, and a
# calendar question (clock arithmetic).
NOT_POLICIES = {
    "cases.services.references.is_valid_reference",
    "cases.models.case.is_triaged",
    "cases.lib.business_time.is_business_day",
}


def _modules(package):
    for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        if ".migrations" in info.name or info.name.endswith(".tests"):
            continue
        yield importlib.import_module(info.name)


def test_permission_predicates_live_in_policies():
    stray = []
    for package in (cases, channels):
        for module in _modules(package):
            if ".policies" in module.__name__ or module.__name__.endswith(".policies"):
                continue
            for name, function in vars(module).items():
                if not inspect.isfunction(function) or function.__module__ != module.__name__:
                    continue
                dotted = f"{module.__name__}.{name}"
                if PREDICATE.search(name) and dotted not in NOT_POLICIES:
                    stray.append(dotted)
    assert stray == []


def test_the_package_re_exports_the_access_predicates():
    from cases import policies
    from cases.policies import access

    for name in policies.__all__:
        assert getattr(policies, name) is getattr(access, name)
