"""Fill locale/zh_Hans/LC_MESSAGES/django.po from this table (run after makemessages).

Usage: python tools/zh_hans.py  — fills empty msgstr entries it knows and lists those it does not.
"""

import re
import sys
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"

ZH = {
    "Arbitration": "仲裁",
    "Timeline": "时间线",
    "Reason for this change": "变更原因",
    "Required when you change triage or assignment; kept in the history.": "修改分类或分派时必填；将记录在历史中。",
    "Say why you change this case.": "请说明修改此案件的原因。",
    "Reason": "原因",
    "Where the user should go instead": "用户应转往何处",
    "Responsible party": "责任方",
    "Rationale": "认定理由",
    "Proposed resolution": "处理方案",
    "Final response": "最终答复",
    "Triage and assignment": "分类与分派",
    "Complainant": "投诉人",
    "Findings": "认定结果",
    "Clocks (UTC)": "时限（UTC）",
    "Change": "变更",
    "status": "状态",
    "%(t)s: done.": "%(t)s：已完成。",
    "History of %(ref)s": "%(ref)s 的历史记录",
    "Cases": "案件",
    "Received": "已受理",
    "Preliminary assessment": "初步评估",
    "Investigating": "调查取证中",
    "Responsibility determined": "已完成责任认定",
    "Resolution proposed": "已提出处理方案",
    "Resolution accepted": "方案已接受",
    "Executing resolution": "方案执行中",
    "Resolved (follow-up)": "已解决（回访中）",
    "Closed": "已结案",
    "Awaiting customer": "等待用户补充",
    "Proposal rejected": "方案被拒绝",
    "Final response issued": "已发出最终答复",
    "In arbitration": "仲裁中",
    "Reopened": "已重新打开",
    "Out of scope": "不予受理",
    "Withdrawn": "已撤回",
    "Trade dispute": "交易纠纷",
    "Deposit / withdrawal": "充值 / 提现",
    "Account security": "账户安全",
    "Account freeze / KYC": "账户冻结 / 身份认证",
    "P2P dispute": "P2P 纠纷",
    "Fees": "手续费",
    "Service quality": "服务质量",
    "Other": "其他",
    "P1 - critical (funds at risk)": "P1 - 紧急（资金有风险）",
    "P2 - high": "P2 - 高",
    "P3 - normal": "P3 - 普通",
    "P4 - low": "P4 - 低",
    "Web form": "网页表单",
    "API": "API",
    "Email": "电子邮件",
    "Live chat": "在线客服",
    "Social media": "社交媒体",
    "Entered by staff": "工作人员录入",
    "English": "英语",
    "Simplified Chinese": "简体中文",
    "Platform: system fault": "平台：系统故障",
    "Platform: staff error": "平台：员工失误",
    "User: operation error": "用户：操作失误",
    "User: security negligence": "用户：安全疏忽",
    "Third party: hack": "第三方：黑客攻击",
    "Third party: phishing": "第三方：钓鱼诈骗",
    "Third party: fraud": "第三方：欺诈",
    "Third party: P2P counterparty": "第三方：P2P 交易对手",
    "Shared": "共同责任",
    "Undetermined": "无法认定",
    "Set the category, priority and team first.": "请先设置分类、优先级和处理团队。",
    "Say where the user should go instead (out-of-scope referral).": "请说明用户应转往何处（不予受理的转介）。",
    "A responsibility finding needs a party and a written rationale.": "责任认定需要责任方和书面理由。",
    "Describe the proposed resolution.": "请描述处理方案。",
    "Write the final response to the user.": "请撰写给用户的最终答复。",
    "The reopening window after resolution has passed.": "解决后可重新打开的期限已过。",
    "reference counter": "编号计数器",
    "reference": "受理编号",
    "category": "分类",
    "priority": "优先级",
    "channel": "渠道",
    "subject": "主题",
    "description": "描述",
    "portal user": "门户用户",
    "exchange account id": "交易所账户 ID",
    "email": "电子邮件",
    "preferred language": "首选语言",
    "team": "团队",
    "assignee": "处理人",
    "out-of-scope referral": "不予受理的转介",
    "responsibility": "责任",
    "responsibility rationale": "责任认定理由",
    "proposed resolution": "处理方案",
    "final response": "最终答复",
    "received": "受理时间",
    "first response due": "首次答复期限",
    "first response": "首次答复时间",
    "resolution due": "解决期限",
    "final response due": "最终答复期限",
    "clock paused since": "计时暂停自",
    "time paused": "暂停时长",
    "resolved": "解决时间",
    "final response issued": "最终答复时间",
    "reopened": "重新打开时间",
    "closed": "结案时间",
    "case": "案件",
    "cases": "案件",
    "Can see every case (auditors, compliance)": "可查看所有案件（审计、合规）",
    "Can assign and reassign cases": "可分派和重新分派案件",
    "Can assess cases (triage, scope)": "可评估案件（分类、受理范围）",
    "Can investigate and ask the customer": "可调查并向用户询问",
    "Can record the responsibility finding": "可记录责任认定",
    "Can propose a resolution": "可提出处理方案",
    "Can record the customer's decision": "可记录用户的决定",
    "Can approve a resolution over the threshold": "可审批超过限额的处理方案",
    "Can execute a resolution": "可执行处理方案",
    "Can issue a final response": "可发出最终答复",
    "Can refer a case to arbitration": "可将案件提交仲裁",
    "Can reopen a resolved case": "可重新打开已解决的案件",
    "Can close a case": "可结案",
    "transaction id": "交易 ID",
    "related transaction": "相关交易",
    "related transactions": "相关交易",
    "type": "类型",
    "actor": "操作人",
    "from": "从",
    "to": "到",
    "reason": "原因",
    "time": "时间",
    "case event": "案件事件",
    "case events": "案件事件",
    "code": "代码",
    "name": "名称",
    "team lead": "团队负责人",
    "teams": "团队",
    "team membership": "团队成员",
    "team memberships": "团队成员",
    "languages": "语言",
    "Language codes, e.g. en, zh-hans.": "语言代码，例如 en、zh-hans。",
    "skills": "技能",
    "Case categories this person handles.": "此人处理的案件分类。",
    "own exchange account id": "本人的交易所账户 ID",
    "Linked so that recusal rules can spot a case about one's own account.": "用于回避规则识别涉及本人账户的案件。",
    "available for assignment": "可接受分派",
    "staff profile": "员工资料",
    "staff profiles": "员工资料",
    "Only active staff can join a team.": "只有在职员工可以加入团队。",
    "A reason is required.": "必须填写原因。",
    "You may not assign this case.": "您无权分派此案件。",
    "A closed case cannot be reassigned.": "已结束的案件不能重新分派。",
    "%(user)s cannot handle cases.": "%(user)s 不能处理案件。",
    "Not an active case handler.": "不是在职的案件处理人员。",
    "Start assessment": "开始评估",
    "Accept for investigation": "受理并开始调查",
    "Reject as out of scope": "不予受理",
    "Ask the customer for information": "请用户补充材料",
    "Resume (customer answered)": "继续处理（用户已答复）",
    "Record responsibility finding": "记录责任认定",
    "Propose resolution": "提出处理方案",
    "Customer accepted the proposal": "用户接受方案",
    "Customer rejected the proposal": "用户拒绝方案",
    "Start execution": "开始执行",
    "Execution complete": "执行完毕",
    "Issue final response": "发出最终答复",
    "Refer to arbitration": "提交仲裁",
    "Reopen": "重新打开",
    "Investigate again": "重新调查",
    "Close": "结案",
    "Customer withdrew the complaint": "用户撤回投诉",
    "Unknown transition '%(name)s'.": "未知的操作“%(name)s”。",
    "Unknown.": "未知。",
    "These fields do not belong to this transition: %(f)s": "这些字段不属于此操作：%(f)s",
    "Not accepted here.": "此处不接受。",
    "Unknown responsibility party.": "未知的责任方。",
    "Not one of the listed parties.": "不是列出的责任方之一。",
    "Required.": "必填。",
    "The case changed meanwhile: it is now '%(state)s'. Reload and retry.": "案件已被他人更改，当前状态为“%(state)s”。请刷新后重试。",
    "'%(t)s' is not possible while the case is '%(state)s'.": "案件处于“%(state)s”状态时不能执行“%(t)s”。",
    "You may not run this transition on this case.": "您无权对此案件执行此操作。",
    "The case changed meanwhile. Reload and retry.": "案件已被他人更改。请刷新后重试。",
    "Home": "首页",
    "History": "历史记录",
    "History is read-only. Nothing here can be changed or reverted.": "历史记录为只读，任何内容都不能修改或还原。",
    "When (UTC)": "时间（UTC）",
    "Who": "操作人",
    "Status": "状态",
    "Why": "原因",
    "Changes": "变更内容",
    "Created": "已创建",
    "Case %(ref)s is now <strong>%(state)s</strong>.": "案件 %(ref)s 当前状态为<strong>%(state)s</strong>。",
    "Cancel": "取消",
    "Intake channels": "受理渠道",
    "Education and risk notices": "投资者教育与风险提示",
    "'%(value)s' is not one of %(choices)s.": "“%(value)s”不是以下之一：%(choices)s。",
    "This field may not be blank.": "此字段不能为空。",
    "Enter a valid email address.": "请输入有效的电子邮件地址。",
    "A transaction id is too long.": "交易 ID 过长。",
    "At most 200 characters.": "最多 200 个字符。",
    "Invalid case.": "案件信息无效。",
    "A closed case cannot be re-triaged.": "已结束的案件不能重新分类。",
    "Invalid triage.": "分类信息无效。",
    "Exact reference, exchange account id, email or transaction id.": "精确匹配受理编号、交易所账户 ID、电子邮件或交易 ID。",
    "Complaints back office": "投诉处理后台",
    "Case work": "案件处理",
}


def _unquote(block: str) -> str:
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', block)).replace('\\"', '"')


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _all_translations() -> dict[str, str]:
    """This table plus one table per area in tools/translations/<area>.py (each a ZH dict)."""
    import importlib.util

    table = dict(ZH)
    for path in sorted((Path(__file__).parent / "translations").glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"zh_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        table.update(getattr(module, "ZH", {}))
    return table


def main() -> int:
    table = _all_translations()
    text = PO.read_text(encoding="utf-8")
    entries = text.split("\n\n")
    missing = []
    out = []
    for entry in entries:
        plural = re.search(r'^msgid ((?:".*"\n?)+)msgid_plural ', entry, re.M)
        if plural and _unquote(plural.group(1)) in table:
            # Chinese has one plural form: msgstr[0] is all it needs.
            text_zh = table[_unquote(plural.group(1))]
            # The whole msgstr[0], continuation lines included (a re-run meets it wrapped).
            ending = "\n" if entry.endswith("\n") else ""
            entry = (
                re.sub(
                    r'^msgstr\[0\] (?:".*"\n?)+',
                    lambda _m, zh=text_zh: "msgstr[0] " + _quote(zh) + "\n",
                    entry,
                    flags=re.M,
                ).rstrip("\n")
                + ending
            )
            entry = entry.replace("#, fuzzy\n", "").replace("#, fuzzy, ", "#, ")
            entry = re.sub(r"^#\| .*\n", "", entry, flags=re.M)
        m = re.search(r'^msgid ((?:".*"\n?)+)msgstr ((?:".*"\n?)+)', entry, re.M)
        # (a fuzzy match's previous msgid, "#| msgid_plural", is a comment, not a plural)
        if m and not re.search(r"^msgid_plural ", entry, re.M):
            msgid = _unquote(m.group(1))
            if msgid:
                if msgid in table:
                    entry = (
                        entry[: m.start(2)] + _quote(table[msgid]) + entry[m.end(2) :].lstrip('"')
                    )
                    entry = re.sub(
                        r"^msgstr .*$", "msgstr " + _quote(table[msgid]), entry, flags=re.M
                    )
                    entry = entry.replace("#, fuzzy\n", "").replace("#, fuzzy, ", "#, ")
                    # A fuzzy match's "previous msgid" lines go with the fuzzy flag.
                    entry = re.sub(r"^#\| .*\n", "", entry, flags=re.M)
                else:
                    missing.append(msgid)
        out.append(entry)
    result = "\n\n".join(out).replace('#, fuzzy\nmsgid ""', 'msgid ""', 1)
    result = result.replace('"Language: \\n"', '"Language: zh_Hans\\n"', 1)
    PO.write_text(result, encoding="utf-8")
    for msgid in missing:
        print(f"untranslated: {msgid}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
