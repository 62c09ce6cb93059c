"""Simplified Chinese for issue 11's recusal work: four eyes on overrides and declaration
reviews, the recusal check on every staff write (cases/services/recusal.py, cases/policies/access.py,
cases/admin/recusal.py, cases/services/{cases,intake}.py)."""

ZH = {
    "Four eyes: you cannot override your own recusal. Another compliance officer must decide.": (
        "四眼原则：您不能豁免自己的回避。须由另一位合规官决定。"
    ),
    "Four eyes: you cannot review your own declaration. Another compliance officer must decide.": (
        "四眼原则：您不能审核自己的申报。须由另一位合规官决定。"
    ),
    "You have a conflict of interest on this case yourself; another compliance officer must "
    "decide.": "您本人在此案件中存在利益冲突，须由另一位合规官决定。",
    "Give the reason for the override in at least %(n)s characters.": (
        "请至少用 %(n)s 个字符说明豁免理由。"
    ),
    "A note is required.": "须填写备注。",
    "You may not change this case.": "您不能修改此案件。",
    "You may not change the triage of this case.": "您不能修改此案件的分级分类。",
    "You may not change the classification of this case.": "您不能修改此案件的投诉/咨询分类。",
    "review": "审核",
    "Review": "审核",
    "Override": "豁免",
}
