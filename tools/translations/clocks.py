"""zh-hans for the clocks (issue 14): the clock and regime vocabulary, the clock models shown
in the admin, the staff emails of the SLA sweep, and the API's help on deadlines."""

ZH: dict[str, str] = {
    # API help (cases/api/serializers.py).
    "The final response is due by then: the regulator's deadline of the case's regime for a "
    "complaint (docs/clocks.md).": "最终答复须在此时间之前发出：对投诉而言，即案件所适用监管制度的期限"
    "（见 docs/clocks.md）。",
    "Where the user is (ISO 3166 code): chooses the complaint rules.": "用户所在地（ISO 3166 代码），"
    "决定适用的投诉规则。",
    "The complaint rules whose deadlines apply: fca, mica, cfpb or none.": "适用其期限的投诉规则："
    "fca、mica、cfpb 或 none。",
    # Events and enums (cases/enums.py).
    "Deadline approaching": "期限将至",
    "Deadline missed": "期限已过",
    "Letter issued": "已发出函件",
    "Deadline extended": "期限已延后",
    # Models (cases/models/clocks.py, case.py, staff.py).
    "jurisdiction": "司法辖区",
    "next response due": "下次回复期限",
    "next deadline": "下一个期限",
    "clock": "计时",
    "regime": "监管制度",
    "warn from": "提醒时间",
    "paused since": "暂停自",
    "met": "已达成",
    "met by": "达成方式",
    "warned": "已提醒",
    "missed": "已超期",
    "missed during": "超期时所处步骤",
    "customer told to expect by": "已告知客户的预计日期",
    "clocks": "计时",
    "step": "步骤",
    "entered": "进入时间",
    "left": "离开时间",
    "lifecycle step": "流程步骤",
    "lifecycle steps": "流程步骤",
    "final response expected by": "预计最终答复日期",
    "regulatory letter": "监管函件",
    "regulatory letters": "监管函件",
    # The staff emails of the SLA sweep (cases/templates/cases/notifications/staff_*.txt).
    "[%(ref)s] Deadline approaching: %(clock)s": "[%(ref)s] 期限将至：%(clock)s",
    "[%(ref)s] Deadline missed: %(clock)s": "[%(ref)s] 期限已过：%(clock)s",
    'Case %(ref)s is assigned to you and its deadline "%(clock)s" is due on %(due)s (UTC).': (
        "案件 %(ref)s 已分配给您，其期限“%(clock)s”将于 %(due)s（UTC）到期。"
    ),
    'The deadline "%(clock)s" of case %(ref)s was due on %(due)s (UTC) and has been missed.': (
        "案件 %(ref)s 的期限“%(clock)s”已于 %(due)s（UTC）到期，现已超期。"
    ),
    "You are told as the team lead: please see that the case is handled now, or reassign it.": (
        "作为团队负责人，您收到此通知：请确保该案件立即得到处理，或将其重新分配。"
    ),
    "Please handle the case now; your team lead has been told.": "请立即处理该案件；您的团队负责人"
    "已收到通知。",
    "This is a regulatory deadline (%(regime)s). The customer must be sent a letter with the "
    "reasons for the delay and the date by which they will have our answer.": "这是监管期限"
    "（%(regime)s）。必须向客户发出函件，说明延迟的原因以及客户将收到我们答复的日期。",
    "This is a regulatory deadline (%(regime)s): missing it is reported to the regulator.": (
        "这是监管期限（%(regime)s）：超期将向监管机构报告。"
    ),
    "Open the case:": "打开案件：",
}
