"""The roles of DESIGN.md as Django groups and the model permissions each holds.

Role permissions are capabilities ("may assess cases"); which cases a person reaches comes from
object permissions (assignment and team), see `cases.policies`. Only auditors and compliance
officers hold ``view_all_cases``. Nobody but superusers holds model-wide ``change_case``.
`sync_role_groups` is called by data migrations, so a change here ships as a new migration.
"""

from __future__ import annotations

SUPPORT_AGENT = "Support agent"
CASE_HANDLER = "Case handler"
TEAM_LEAD = "Team lead"
APPROVER = "Approver"
COMPLIANCE_OFFICER = "Compliance officer"
AUDITOR = "Auditor"
CONTENT_EDITOR = "Content editor"
ARBITRATION_LIAISON = "Arbitration liaison"
# Tech, Security and Legal staff: they answer the consultations sent to their team and see a
# case only while their team is consulted on it.
SPECIALIST = "Specialist (Tech, Security, Legal)"
# Not a person: the exchange's own systems, holding an API token (`issue_api_token`).
API_CLIENT = "Exchange API client"

_HANDLING = [
    "cases.assess_case",
    "cases.investigate_case",
    "cases.record_customer_decision",
]
_READ_STAFF = ["cases.view_team", "cases.view_staffprofile", "cases.view_teammembership"]
_READ_HISTORY = [
    "cases.view_historicalcase",
    "cases.view_historicalcasetransaction",
    "cases.view_historicalteam",
    "cases.view_historicalteammembership",
    "cases.view_historicalstaffprofile",
    "cases.view_caseevent",
    "cases.view_historicalmessage",
    "cases.view_historicalevidence",
    "cases.view_historicalnotification",
    "cases.view_historicalcustomerprofile",
    "cases.view_historicalconsultation",
    "cases.view_historicalasset",
    "cases.view_historicalresolutionoffer",
    "cases.view_historicalofferaction",
    "cases.view_historicalexecutionattempt",
    "cases.view_historicalsurvey",
    "cases.view_offerapproval",
    "cases.view_finalresponseletter",
]

# Maker-checker: approving offers by their value (`RESOLUTION_APPROVAL_TIERS`).
_APPROVING = ["cases.approve_resolution", "cases.view_approval_queue"]

# Sign-in security (complaints_site/accounts): resets of second factors and lockouts, failed
# and successful sign-ins. Lifting a lockout or resetting a factor is for superusers.
_READ_SIGN_IN = [
    "accounts.view_signinevent",
    "axes.view_accessattempt",
    "axes.view_accessfailurelog",
    "axes.view_accesslog",
]

# The mail quarantine: support staff see it; leads release a message to a new case.
_READ_MAIL = ["intake_channels.view_inboundemail"]

ROLES: dict[str, list[str]] = {
    SUPPORT_AGENT: [*_HANDLING, *_READ_MAIL],
    CASE_HANDLER: [
        *_HANDLING,
        "cases.determine_responsibility",
        "cases.propose_resolution",
        "cases.execute_resolution",
        "cases.reopen_case",
        "cases.close_case",
    ],
    TEAM_LEAD: [
        *_HANDLING,
        "cases.assign_case",
        "cases.determine_responsibility",
        "cases.propose_resolution",
        "cases.execute_resolution",
        "cases.issue_final_response",
        "cases.reopen_case",
        "cases.close_case",
        *_READ_STAFF,
        *_READ_MAIL,
        "intake_channels.change_inboundemail",
        "cases.answer_consultation",
        # Identity documents: the lead decides account-takeover cases that turn on them.
        "cases.view_sensitive_evidence",
        *_APPROVING,
    ],
    APPROVER: [*_APPROVING],
    COMPLIANCE_OFFICER: [
        "cases.view_all_cases",
        "cases.answer_consultation",
        "cases.view_sensitive_evidence",
        *_APPROVING,
        *_READ_STAFF,
        *_READ_HISTORY,
        *_READ_MAIL,
        *_READ_SIGN_IN,
    ],
    AUDITOR: ["cases.view_all_cases", *_READ_STAFF, *_READ_HISTORY, *_READ_MAIL, *_READ_SIGN_IN],
    CONTENT_EDITOR: [],
    ARBITRATION_LIAISON: ["cases.refer_to_arbitration", "cases.close_case"],
    API_CLIENT: ["cases.use_intake_api"],
    SPECIALIST: ["cases.answer_consultation"],
}


def sync_role_groups(apps) -> None:
    """Create the role groups and set each one's permissions to the list above.

    Runs inside migrations too, where a later model's permissions do not exist yet: those are
    skipped here and added by the migration that follows the model (and by post_migrate).
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            found = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if found is not None:
                wanted.append(found)
        group.permissions.set(wanted)
