"""Complaint or plain query, decided at intake.

MiCA's complaint-handling standard (RTS 2025/294) calls a complaint a statement of
dissatisfaction addressed to the provider by a client about its crypto-asset services. A
complaint starts the regulatory clocks; a plain query ("how do I ...?") does not. When in doubt
we say complaint: a missed complaint costs the user their rights, a query handled as a
complaint costs us a little time. Staff can change the flag, with a recorded reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cases.enums import Category

_DISSATISFACTION = re.compile(
    r"complain|unacceptable|not (been )?(received|credited|arrived|processed|returned)|"
    r"never (received|arrived)|missing|lost|stolen|hack|scam|fraud|phish|refund|compensat|"
    r"unfair|wrong(ly)?|disappoint|angry|terrible|awful|ridiculous|still (waiting|not|no)|"
    r"no (reply|response|answer)|frozen|blocked|locked|stuck|deducted|overcharg|charged twice|"
    r"liquidat|unauthori[sz]ed|dispute|demand|legal action|regulator|ombudsman|"
    r"投诉|不满|没有到账|未到账|没到账|被骗|诈骗|退款|赔偿|冻结|丢失|被盗|盗号|错误|不公平|"
    r"太差|差劲|不合理|扣款|多扣|爆仓|强平|卡住|维权|起诉|监管",
    re.I,
)
_QUERY = re.compile(
    r"^\s*(how|what|where|when|which|can i|could you|is it possible|do you|does|is there)\b|"
    r"how (do|can|to)|what is|\?\s*$|请问|如何|怎么|怎样|是否|能否|可以.*吗|什么是",
    re.I | re.M,
)
# Categories that are complaints by their nature, whatever the wording.
_ALWAYS_COMPLAINT = {Category.ACCOUNT_SECURITY, Category.P2P_DISPUTE}


@dataclass(frozen=True)
class Classification:
    is_complaint: bool
    note: str


def classify_submission(*, subject: str, description: str, category: str) -> Classification:
    text = f"{subject}\n{description}"
    grievance = _DISSATISFACTION.search(text)
    if category in _ALWAYS_COMPLAINT:
        return Classification(True, f"complaint: category {category}")
    if grievance:
        return Classification(True, f"complaint: dissatisfaction ({grievance.group(0)!r})")
    query = _QUERY.search(text)
    if query:
        return Classification(False, f"query: a question ({query.group(0).strip()!r})")
    return Classification(True, "complaint: no sign of a plain query (default)")
