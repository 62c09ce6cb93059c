"""Simplified Chinese for the cases API (cases/api/, cases/services/api_intake.py)."""

ZH = {
    "Invalid input.": "输入无效。",
    "No such case.": "没有这个案件。",
    "This field is required.": "此字段为必填项。",
    "You may read this case but not write to it.": "您可以查看此案件，但不能在其中写入。",
    "You may open cases only for your own account.": "您只能为自己的账户提交案件。",
    "Only the exchange's API clients and signed-in customers may open cases.": (
        "只有交易所的 API 客户端和已登录的用户可以提交案件。"
    ),
    "The Idempotency-Key header must be 1 to 255 characters.": (
        "Idempotency-Key 请求头须为 1 至 255 个字符。"
    ),
    "This Idempotency-Key was already used with a different request body.": (
        "此 Idempotency-Key 已用于另一个不同的请求内容。"
    ),
    "A username is required.": "需要提供用户名。",
    "%(username)s is a person's account; API tokens are for service accounts only.": (
        "%(username)s 是个人账户；API 令牌仅用于服务账户。"
    ),
    "What went wrong, in one sentence.": "一句话说明出了什么问题。",
    "Messages per input field (400, 413).": "按输入字段列出的错误信息（400、413）。",
    "A stable machine code for file refusals, e.g. 'disguised'.": (
        "文件被拒绝时的固定机器代码，例如 'disguised'。"
    ),
    "The user's exchange account id. Required for API clients; a signed-in portal user may "
    "leave it out (their own is used) and may not name another.": (
        "用户的交易所账户 ID。API 客户端必填；已登录的门户用户可省略（使用其本人的账户），且不得填写他人的账户。"
    ),
    "Where the acknowledgement goes. Required for API clients; defaults to a portal user's "
    "own address.": "受理确认发送的地址。API 客户端必填；门户用户默认使用其本人的邮箱。",
    "Order, deposit or withdrawal ids (at most 50, each at most 128 characters).": (
        "订单、充值或提现编号（最多 50 个，每个最多 128 个字符）。"
    ),
    "False when intake classified it as a plain query.": "受理时被归类为普通咨询时为 False。",
    "Kinds of secrets removed from the text at intake (e.g. 'seed_phrase').": (
        "受理时从文本中移除的机密信息类型（例如 'seed_phrase'）。"
    ),
    "inbound: from the customer; outbound: from the exchange's staff.": (
        "inbound：来自用户；outbound：来自交易所工作人员。"
    ),
    "One file: image, PDF, text/CSV or office document. Checked by content.": (
        "一个文件：图片、PDF、文本/CSV 或办公文档。按内容检查。"
    ),
    "SHA-256 of the stored file.": "所存文件的 SHA-256。",
    "SHA-256 of the file as received.": "收到时文件的 SHA-256。",
}
