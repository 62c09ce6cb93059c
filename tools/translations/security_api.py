"""Simplified Chinese for the API's security work (issue 11: tokens, parse limits, input)."""

ZH = {
    "Invalid token.": "令牌无效。",
    "The token has expired.": "令牌已过期。",
    "The JSON body is nested deeper than %(limit)s levels.": "JSON 请求体的嵌套层数超过 %(limit)s 层。",
    "JSON parse error - %(error)s": "JSON 解析错误 - %(error)s",
    "The request body is larger than %(limit)s bytes.": "请求体大于 %(limit)s 字节。",
    "Enter text, not only spaces; no NUL characters.": "请输入文字，不能只有空白，也不能包含 NUL 字符。",
    "A whole number %(bounds)s.": "须为整数 %(bounds)s。",
    "The Idempotency-Key header must be 1 to 255 visible ASCII characters (spaces only inside).": (
        "Idempotency-Key 请求头须为 1 至 255 个可见 ASCII 字符（空格只能在中间）。"
    ),
    "No account %(username)s.": "没有账户 %(username)s。",
    "Give at least 8 characters of the token id.": "请至少提供令牌编号的 8 个字符。",
    "No such token for %(username)s.": "%(username)s 没有这个令牌。",
    "API token": "API 令牌",
    "API tokens": "API 令牌",
    "token id": "令牌编号",
    "valid": "有效",
    "Revoke the selected API tokens": "吊销所选的 API 令牌",
    "%(count)d token revoked.": "已吊销 %(count)d 个令牌。",
    "%(count)d tokens revoked.": "已吊销 %(count)d 个令牌。",
}
