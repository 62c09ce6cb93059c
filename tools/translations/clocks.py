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
    "No regulatory deadline": "无监管期限",
    "UK FCA (DISP 1.6)": "英国 FCA（DISP 1.6）",
    "EU MiCA (RTS 2025/294)": "欧盟 MiCA（RTS 2025/294）",
    "US CFPB": "美国 CFPB",
    "First response": "首次回复",
    "Next response": "下次回复",
    "Response or holding reply (regulatory)": "答复或暂缓答复（监管）",
    "Final response (regulatory)": "最终答复（监管）",
    "Holding reply": "暂缓答复函",
    "Summary resolution communication": "简易解决通知",
    # Models (cases/models/clocks.py, case.py, staff.py).
    "jurisdiction": "司法辖区",
    "regulatory regime": "监管制度",
    "next response due": "下次回复期限",
    "next deadline": "下一个期限",
    "time zone": "时区",
    "holidays of (country code)": "公众假期所属国家（代码）",
    "ISO 3166 code whose public holidays are days off, e.g. GB, DE, US.": "以该 ISO 3166 代码所属国家的"
    "公众假期为休息日，例如 GB、DE、US。",
    "region": "地区",
    "e.g. ENG for England.": "例如 ENG 表示英格兰。",
    "opens": "开始时间",
    "closes": "结束时间",
    "working days": "工作日",
    "Monday is 0, Sunday is 6.": "周一为 0，周日为 6。",
    "business hours": "工作时间",
    "Empty: every category of this priority.": "留空：此优先级的所有类别。",
    "first response within": "首次回复时限",
    "next response within": "下次回复时限",
    "After each message from the customer.": "在客户每次来信之后。",
    "resolution within": "解决时限",
    "warn when this much of the time is used (%)": "时间用去多少时提醒（%）",
    "service target": "服务目标",
    "service targets": "服务目标",
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
    "Empty: the team's service targets run 24/7.": "留空：该团队的服务目标全天候计时。",
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
