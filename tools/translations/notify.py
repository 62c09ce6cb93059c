"""zh-hans for the customer's notifications (issue 14, section 3): the new notification kinds
(decision recorded, done at the exchange, deadline extended, regulatory letter), the
anti-phishing line of every email, the portal inbox and its unread badge, and the security
page where the user sets their anti-phishing code."""

ZH: dict[str, str] = {
    # The new notification kinds (cases/templates/cases/notifications/).
    "[%(ref)s] You accepted our offer": "[%(ref)s] 您已接受我们的方案",
    "[%(ref)s] You rejected our offer": "[%(ref)s] 您已拒绝我们的方案",
    "We have recorded that you accepted version %(version)s of our offer on your case "
    "%(ref)s.": "我们已记录：您接受了我们就您的案件 %(ref)s 提出的第 %(version)s 版方案。",
    "We are now carrying it out at the exchange. We will tell you as each part is done, and "
    "again when everything is done.": "我们正在交易所执行该方案。每完成一项我们都会通知您，"
    "全部完成后还会再通知您一次。",
    "We have recorded that you rejected version %(version)s of our offer on your case "
    "%(ref)s.": "我们已记录：您拒绝了我们就您的案件 %(ref)s 提出的第 %(version)s 版方案。",
    "The team will look at your reasons and contact you with a revised offer or with our "
    "final response.": "处理团队将研究您的理由，并向您提供修订后的方案或我们的最终答复。",
    "If this is not what you answered, reply to this email at once.": "如果这不是您的答复，"
    "请立即回复此邮件。",
    "[%(ref)s] Done at the exchange: %(what)s": "[%(ref)s] 已在交易所完成：%(what)s",
    "Part of the offer you accepted on your case %(ref)s has been carried out at the "
    "exchange:": "您就案件 %(ref)s 接受的方案中，以下一项已在交易所执行完成：",
    "Exchange reference: %(reference)s": "交易所参考号：%(reference)s",
    "It can take a few minutes to show in your account. When every part of the offer is done, "
    "we will write to you once more with a summary.": "可能需要几分钟才会显示在您的账户中。"
    "方案的所有项目完成后，我们会再给您发送一份汇总。",
    "[%(ref)s] We need more time for your complaint": "[%(ref)s] 我们需要更多时间处理您的投诉",
    "We are sorry: we cannot give you our response to your complaint %(ref)s by the date we "
    "told you.": "很抱歉：我们无法在先前告知您的日期之前答复您的投诉 %(ref)s。",
    "Why we need more time:": "我们需要更多时间的原因：",
    "We now expect to send you our response by %(date)s.": "我们现在预计在 %(date)s 之前向您"
    "发送答复。",
    "You can add information or ask us anything in the meantime by replying to this "
    "email.": "在此期间，您可以回复此邮件补充信息或向我们提问。",
    "We have written to you about your complaint %(ref)s. Our letter follows; you can also "
    "read it in the portal:": "我们就您的投诉 %(ref)s 给您写了一封信，内容如下；您也可以在"
    "客户门户中阅读：",
    # The first line of every email (cases.services.notifications).
    "Your anti-phishing code: %(code)s": "您的防钓鱼码：%(code)s",
    "Tip: set an anti-phishing code in the customer portal and every email from us will show "
    "it, so you can tell our emails from fakes: %(url)s": "提示：在客户门户中设置防钓鱼码后，"
    "我们发给您的每封邮件都会显示该码，帮助您分辨我们的邮件与仿冒邮件：%(url)s",
    # The anti-phishing code: model, form, service, page.
    "anti-phishing code": "防钓鱼码",
    "Use 4 to 20 letters (A-Z, a-z) and digits (0-9), with no spaces or other "
    "signs.": "请使用 4 到 20 个字母（A-Z、a-z）和数字（0-9），不要包含空格或其他符号。",
    "Only customers have an anti-phishing code.": "只有客户可以设置防钓鱼码。",
    "Your anti-phishing code": "您的防钓鱼码",
    "4 to 20 letters and digits, for example Blue42Moon.": "4 到 20 个字母和数字，例如 "
    "Blue42Moon。",
    "Your anti-phishing code is saved. Every email we send you shows it.": "您的防钓鱼码已保存。"
    "我们发给您的每封邮件都会显示它。",
    "Your anti-phishing code is removed.": "您的防钓鱼码已删除。",
    "Security": "安全设置",
    "Anti-phishing code": "防钓鱼码",
    "Every email we send you shows this code. An email without it, or with a different one, "
    "is not from us.": "我们发给您的每封邮件都会显示此码。没有此码或显示其他码的邮件都不是我们"
    "发出的。",
    "Choose something only you would recognise. Never tell it to anyone: we will never ask "
    "you for it.": "请选择只有您自己认得的内容。不要告诉任何人：我们绝不会向您索要。",
    "Your current code: <strong>%(code)s</strong>": "您当前的防钓鱼码：<strong>%(code)s</strong>",
    "You have not set a code yet: our emails remind you to set one.": "您尚未设置防钓鱼码："
    "我们的邮件会提醒您设置。",
    "Change the code": "更改防钓鱼码",
    "Set the code": "设置防钓鱼码",
    "Remove the code": "删除防钓鱼码",
    # The inbox (cases.portal.inbox) and the navigation's badge.
    "Inbox": "收件箱",
    "unread notification": "条未读通知",
    "%(n)s notification marked as read.": "已将 %(n)s 条通知标为已读。",
    "Everything we have told you about your cases, newest first. New notifications are "
    "marked.": "我们就您的案件发给您的所有通知，最新的在前。新通知已标出。",
    "Mark all as read": "全部标为已读",
    'About your case <a href="%(url)s">%(ref)s: %(subject)s</a>': '关于您的案件 <a href="%(url)s">'
    "%(ref)s：%(subject)s</a>",
    "Nothing yet: we will tell you here about every step of your cases.": "暂无通知：您的案件"
    "每有进展，我们都会在这里告诉您。",
    "Back to the inbox": "返回收件箱",
    "Mark as read": "标为已读",
    "Open the case": "打开案件",
}
