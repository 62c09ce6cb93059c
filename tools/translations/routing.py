"""Simplified Chinese for teams, routing rules and the team lead's queue view
(cases/admin/routing.py, cases/services/routing.py, cases/templates/admin/cases/case/queues.html,
assign_to.html, change_list.html, cases/templates/admin/cases/routingrule/history.html).
"Agent", "Reason", "Who", "Why", "Changes", "When (UTC)", "Created", "Required.", "A reason is
required.", "Reason for this change" and the read-only history line are already in zh_hans.py and
core.py."""

ZH = {
    # Queue filter of the case list
    "queue": "队列",
    "Open (being worked)": "处理中",
    "Open and unassigned": "处理中且未分配",
    "SLA at risk": "SLA 临近超时",
    "SLA breached": "SLA 已超时",
    # Bulk "Assign to…"
    "Assign to…": "分配给…",
    "Assign to": "分配给",
    "Assign": "分配",
    "unassigned": "未分配",
    "%(n)d case assigned to %(user)s.": "已将 %(n)d 个案件分配给 %(user)s。",
    "%(n)d cases assigned to %(user)s.": "已将 %(n)d 个案件分配给 %(user)s。",
    "%(ref)s not assigned: %(why)s": "%(ref)s 未分配：%(why)s",
    "not in a team you lead": "不属于您领导的团队",
    "%(user)s is not in this case's team": "%(user)s 不是该案件所属团队的成员",
    "Each case keeps its team and goes to the person you choose, who must be a member of that "
    "team. The reason is kept in each case's history.": (
        "每个案件保留其所属团队，并分配给您选择的人员（须为该团队成员）。原因会记录在每个案件的历史中。"
    ),
    # Queue page
    "Team queues": "团队队列",
    "Open": "处理中",
    "Unassigned": "未分配",
    "Open cases by status": "按状态统计的处理中案件",
    "No open cases.": "没有处理中的案件。",
    "Workload per agent": "各处理人员的工作量",
    "No case is assigned to anyone in this team.": "该团队中没有分配给任何人的案件。",
    "You lead no team.": "您没有领导任何团队。",
    '"At risk": a first response or resolution is due within %(risk_hours)s hours. "Breached": '
    "it is overdue. Cases whose clock is paused (awaiting the customer) are neither.": (
        "“临近超时”：首次回复或解决期限在 %(risk_hours)s 小时内到期。“已超时”：已过期限。"
        "计时暂停（等待用户回复）的案件不计入两者。"
    ),
    # Routing rules
    "A routing rule needs a team.": "路由规则必须指定团队。",
    "Kept in the rule's history.": "记录在该规则的历史中。",
    "History of routing rule %(rule)s": "路由规则 %(rule)s 的历史",
}
