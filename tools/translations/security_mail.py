"""Simplified Chinese for issue 11, mail area: webhook limits, portal reply tokens, own address."""

ZH = {
    "A Content-Length header is required.": "请求须带有 Content-Length 头。",
    "Mail about your cases goes to your account's email address only.": (
        "有关您案件的邮件只会发送到您账户的电子邮箱地址。"
    ),
    "This form has expired. Please send your message again.": "此表单已过期，请重新发送您的留言。",
    "This message was already sent.": "此留言已经发送过了。",
    "Where the acknowledgement goes. Required for API clients; a signed-in portal user's "
    "mail always goes to their account's address (another one is refused).": (
        "确认邮件的收件地址。API 客户端必填；已登录的门户用户的邮件始终发送到其账户地址"
        "（填写其他地址将被拒绝）。"
    ),
}
