"""Pure predicates: who may do what (access), and the recusal rules (recusal). The access
predicates are re-exported here so callers write `policies.may_reach_case(...)`."""

from cases.policies.access import (
    is_active_staff,
    is_person_concerned,
    is_team_member,
    may_assign,
    may_override_recusal,
    may_reach_case,
    may_review_declaration,
    may_run,
    may_use_case_admin,
    may_view_all_cases,
    may_view_sensitive,
)

__all__ = [
    "is_active_staff",
    "is_person_concerned",
    "is_team_member",
    "may_assign",
    "may_override_recusal",
    "may_reach_case",
    "may_review_declaration",
    "may_run",
    "may_use_case_admin",
    "may_view_all_cases",
    "may_view_sensitive",
]
