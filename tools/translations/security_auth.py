"""Simplified Chinese for sign-in protection and the staff second factor
(complaints_site/accounts, its templates, the admin's "Second factor" link)."""

ZH = {
    # Lockout page (admin and portal)
    "Sign-in paused": "登录已暂停",
    "Too many failed sign-in attempts. For your protection, signing in is paused.": (
        "登录失败次数过多。为保护您的账户，登录已暂停。"
    ),
    "Try again after %(time)s UTC (in about %(minutes)s min).": (
        "请在 UTC %(time)s 之后重试（约 %(minutes)s 分钟后）。"
    ),
    "If you forgot your password, wait and try again, or contact support.": (
        "如果您忘记了密码，请稍后重试，或联系客服。"
    ),
    "Back to sign-in": "返回登录",
    # Second factor screens
    "Second factor": "双重验证",
    "Set up your second factor": "设置双重验证",
    "Your recovery codes": "您的恢复码",
    "Code": "验证码",
    "The 6-digit code from your authenticator app, or one of your recovery codes.": (
        "身份验证器应用显示的 6 位验证码，或您的一个恢复码。"
    ),
    "Verify": "验证",
    "Confirm": "确认",
    "Sign out": "退出登录",
    "Key:": "密钥：",
    "Your account is protected by a second factor. Enter the code your authenticator app "
    "shows now, or one of your recovery codes.": (
        "您的账户已启用双重验证。请输入身份验证器应用当前显示的验证码，或您的一个恢复码。"
    ),
    "Lost your phone and your recovery codes? Ask an administrator to reset your second "
    "factor.": "手机和恢复码都丢失了？请联系管理员重置您的双重验证。",
    "Staff sign in with a password and a code from an authenticator app (for example "
    "FreeOTP, Aegis, Google Authenticator or 1Password).": (
        "员工登录需要密码和身份验证器应用（例如 FreeOTP、Aegis、Google Authenticator 或 "
        "1Password）生成的验证码。"
    ),
    "Scan this QR code with the app, or type the key below into it.": (
        "用应用扫描此二维码，或在应用中输入下方的密钥。"
    ),
    "Enter the 6-digit code the app then shows.": "然后输入应用显示的 6 位验证码。",
    "Keep these recovery codes somewhere safe, away from your phone. Each one signs you in "
    "once if you lose the app. They are shown only now.": (
        "请将这些恢复码保存在安全的地方，不要与手机放在一起。如果丢失应用，每个恢复码可用于"
        "登录一次。恢复码只显示这一次。"
    ),
    "I have stored them": "我已保存",
    "Your account has a second factor. To move it to a new phone, ask an administrator to "
    "reset it; you then set it up again at your next sign-in.": (
        "您的账户已启用双重验证。如需换到新手机，请联系管理员重置，然后在下次登录时重新设置。"
    ),
    "New recovery codes replace the old ones, which stop working.": (
        "新的恢复码将替换旧的恢复码，旧码随即失效。"
    ),
    "Issue new recovery codes": "生成新的恢复码",
    "Back to the back office": "返回后台",
    "That code is not valid. Wait for the next code, or use a recovery code.": (
        "验证码无效。请等待下一个验证码，或使用恢复码。"
    ),
    "That code is not valid. Check the time on your phone and retry.": (
        "验证码无效。请检查手机时间后重试。"
    ),
    "This account already has an authenticator app.": "此账户已绑定身份验证器应用。",
    "%(n)s recovery codes left.": "剩余 %(n)s 个恢复码。",
    # Reset and unlock
    "Reset second factor": "重置双重验证",
    "Reset the second factor of %(user)s": "重置 %(user)s 的双重验证",
    "All second-factor devices and recovery codes of %(user)s will be removed. They set up "
    "a new one at their next sign-in. The reset is recorded with your name and the reason.": (
        "%(user)s 的所有双重验证设备和恢复码将被删除，其下次登录时需重新设置。此次重置将连同"
        "您的姓名和原因一并记录。"
    ),
    "%(user)s has no second factor. A reset is still recorded.": (
        "%(user)s 未设置双重验证。重置仍会被记录。"
    ),
    "The second factor of %(user)s was reset (%(n)s devices removed).": (
        "%(user)s 的双重验证已重置（删除了 %(n)s 个设备）。"
    ),
    "You may not reset this account's second factor.": "您无权重置此账户的双重验证。",
    "A reset needs a reason.": "重置需要说明原因。",
    "Give the reason for this reset.": "请说明重置原因。",
    "Reason": "原因",
    "Recorded with your name in the sign-in security log.": "将连同您的姓名记入登录安全日志。",
    "Lift sign-in lockouts": "解除登录锁定",
    "Lift the lockout (with a reason)": "解除锁定（需说明原因）",
    "Lift the lockout": "解除锁定",
    "%(n)s lockouts lifted.": "已解除 %(n)s 个锁定。",
    "You may not lift sign-in lockouts.": "您无权解除登录锁定。",
    "Lifting a lockout needs a reason.": "解除锁定需要说明原因。",
    "Give the reason for lifting it.": "请说明解除原因。",
    "These sign-in counters will be cleared, so these sign-ins may be tried again at once. "
    "The change is recorded with your name and the reason.": (
        "这些登录失败计数将被清除，相关登录可立即重试。此操作将连同您的姓名和原因一并记录。"
    ),
    # Models and permissions
    "Sign-in security": "登录安全",
    "sign-in security event": "登录安全事件",
    "sign-in security events": "登录安全事件",
    "second factor enrolled": "已设置双重验证",
    "second factor reset": "双重验证已重置",
    "recovery codes issued": "已生成恢复码",
    "recovery code used": "已使用恢复码",
    "sign-in lockout lifted": "登录锁定已解除",
    "event": "事件",
    "account": "账户",
    "sign-in name": "登录名",
    "address": "地址",
    "actor": "操作人",
    "reason": "原因",
    "time": "时间",
    "Can reset another user's second factor": "可以重置其他用户的双重验证",
    "Can lift a sign-in lockout": "可以解除登录锁定",
}
