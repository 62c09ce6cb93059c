"""Simplified Chinese for the strings the code-shape work added (issue 12): the event types'
names in CaseEventType (cases/enums.py), the demo app's name (demo/apps.py) and
the sign-in lockout app's (complaints_site/accounts/apps.py)."""

ZH = {
    "Attachments refused": "附件被拒收",
    "Evidence refused": "证据被拒收",
    "Evidence scanned": "证据已扫描",
    "Raw email downloaded": "原始邮件已下载",
    "Demo data": "演示数据",
}
ZH["Sign-in lockouts"] = "登录锁定"
