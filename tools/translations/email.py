"""Simplified Chinese for the email channel's strings (merged into locale/ by the lead)."""

ZH = {
    "The message is empty.": "消息为空。",
    "(no subject)": "（无主题）",
    "Original email as received": "收到的原始邮件",
    "Only a quarantined message can be released.": "只有隔离中的邮件才能放行。",
    "This message cannot be read, so it cannot be released.": "此邮件无法读取，因此不能放行。",
    "This message has no valid sender address to reply to.": "此邮件没有可回复的有效发件人地址。",
    "The message is too large.": "邮件过大。",
    "Invalid or missing signature.": "签名无效或缺失。",
    "Temporarily unavailable, please retry.": "暂时无法处理，请稍后重试。",
    "quarantine": "隔离",
    "In quarantine": "隔离中",
    "Not in quarantine": "未隔离",
    "case": "案件",
    "raw message": "原始邮件",
    "Download (.eml)": "下载（.eml）",
    "Release to a new case": "放行为新案件",
    "%(n)s message(s) released to new cases.": "已将 %(n)s 封邮件放行为新案件。",
}
