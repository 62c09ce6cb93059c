"""Simplified Chinese for the auditor's screens (cases/admin/audit.py, cases/selectors/audit.py,
cases/templates/admin/cases/audit/*.html, the timeline link on the case page).
"Home", "Search", "Case", "status" are Django's or already in core.py."""

ZH = {
    "Audit timeline": "审计时间线",
    "Audit timeline of %(ref)s": "%(ref)s 的审计时间线",
    "Search all history": "检索全部历史记录",
    "Search this case's history": "检索本案件的历史记录",
    "Person": "人员",
    "A username, or an actor label such as system:intake.": "用户名，或操作者标签，例如 system:intake。",
    "From (UTC)": "起始日期（UTC）",
    "To (UTC)": "截止日期（UTC）",
    "Record": "记录",
    "All records": "全部记录",
    "Case reference": "案件编号",
    "When (UTC)": "时间（UTC）",
    "What": "操作",
    "Who": "操作人",
    "Why": "原因",
    "Changed": "修改",
    "Deleted": "删除",
    "Earlier": "更早",
    "Later": "更晚",
    "Newest": "最新",
    "Older": "更早的记录",
    "Export everything this search finds:": "导出本次检索的全部结果：",
    "Nothing recorded matches.": "没有符合条件的记录。",
    # blocktranslate with count: singular and plural msgids
    "%(counter)s record, oldest first. Nothing here can be changed.": (
        "共 %(counter)s 条记录，按时间先后排列。此处内容不可更改。"
    ),
    "%(counter)s records, oldest first. Nothing here can be changed.": (
        "共 %(counter)s 条记录，按时间先后排列。此处内容不可更改。"
    ),
    "Page %(n)s of %(total)s": "第 %(n)s 页，共 %(total)s 页",
}
