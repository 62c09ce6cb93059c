"""Simplified Chinese for the customer's side of the offer (issue 13, step 5's answer): the portal
(cases/portal/offers.py, selectors, templates), the email link page, the offers API and the mails
of steps 5 to 7; and the labels and refusals of the foundation that the customer reads there."""

ZH = {
    # What an offer holds, as the customer reads it (cases/enums.py).
    "Complaint upheld": "投诉成立",
    "Complaint partly upheld": "投诉部分成立",
    "Complaint not upheld": "投诉不成立",
    "Refund": "退款",
    "Compensation": "补偿",
    "Account unfreeze": "账户解冻",
    "Transaction reversal": "交易撤销",
    "Coupon or voucher": "优惠券或代金券",
    "Security advice": "安全建议",
    "Technical support": "技术支持",
    "No action (with an explanation)": "不采取措施（附说明）",
    "Done": "已完成",
    "Cancelled": "已取消",
    # The customer's answer refused (cases/services/offers.py, cases/lib/customer_links.py).
    "Tell us why you reject the offer.": "请告诉我们您拒绝该方案的原因。",
    "This offer was already %(answer)s.": "该方案此前已有答复：%(answer)s。",
    "This offer is no longer open (%(state)s).": "该方案已不再开放（%(state)s）。",
    "This offer expired; the handler will contact you.": "该方案已过期；处理人员将与您联系。",
    "This link has expired. Sign in to the portal to see your case.": (
        "此链接已过期。请登录门户查看您的案件。"
    ),
    "This link is not valid. Use the link in our latest email.": (
        "此链接无效。请使用我们最新邮件中的链接。"
    ),
    # The portal (cases/portal/).
    "Why do you reject the offer?": "您为什么拒绝该方案？",
    "The team reads this before making you a revised offer or a final response.": (
        "团队会先阅读您的理由，再向您提出修改后的方案或最终答复。"
    ),
    "Thank you: you accepted the offer. We are now carrying it out.": (
        "谢谢：您已接受该方案。我们正在执行。"
    ),
    "You had already accepted this offer.": "您此前已接受该方案。",
    "You rejected the offer. The team will read your reason and come back to you with a "
    "revised offer or our final response.": (
        "您已拒绝该方案。团队会阅读您的理由，并向您提出修改后的方案或最终答复。"
    ),
    "You had already rejected this offer.": "您此前已拒绝该方案。",
    "This link has expired": "此链接已过期",
    "This link does not work": "此链接无法使用",
    "This link is not for this offer": "此链接不对应该方案",
    "This link was not sent for this offer, or not to the person this case belongs to now. "
    "Use the link in our latest email, or sign in to the portal.": (
        "此链接不是为该方案发送的，或不是发给该案件当前所属的用户。"
        "请使用我们最新邮件中的链接，或登录门户。"
    ),
    "Choose to accept or to reject the offer.": "请选择接受或拒绝该方案。",
    "Not started yet": "尚未开始",
    "Scheduled": "已安排",
    "Being carried out at the exchange": "正在交易所执行",
    "Delayed: our team is looking into it": "已延迟：我们的团队正在处理",
    "Nothing to carry out at the exchange": "无需在交易所执行",
    "Waiting for your answer": "等待您的答复",
    "You accepted it": "您已接受",
    "You rejected it": "您已拒绝",
    "Expired without an answer": "未答复，已过期",
    "Withdrawn with your complaint": "随您的投诉一并撤回",
    "Our offer to settle your complaint": "我们为解决您的投诉提出的方案",
    "Our offer": "我们的方案",
    "Version %(version)s, sent %(sent)s UTC": "第 %(version)s 版，发送于 %(sent)s UTC",
    "Please answer by %(date)s UTC.": "请在 %(date)s UTC 之前答复。",
    "If you accept, we carry out what is listed above and tell you when it is done. If you "
    "reject it, tell us why: the team will come back to you with a revised offer or our final "
    "response.": (
        "如果您接受，我们将执行上述各项，并在完成后通知您。如果您拒绝，请告诉我们原因："
        "团队会向您提出修改后的方案或最终答复。"
    ),
    "Accept the offer": "接受方案",
    "Reject the offer": "拒绝方案",
    "This offer expired on %(date)s UTC without an answer. The team will contact you.": (
        "该方案已于 %(date)s UTC 过期，未收到答复。团队将与您联系。"
    ),
    "You accepted this offer on %(date)s UTC.": "您已于 %(date)s UTC 接受该方案。",
    "What was done": "已完成的事项",
    "Everything we offered has been settled. The list above says, for each action, whether it "
    "was done (with the exchange's reference) or cancelled.": (
        "方案中的各项均已处理完毕。上方列表逐项说明已完成（附交易所参考号）或已取消。"
    ),
    "What we are carrying out": "正在执行的事项",
    "You rejected this offer on %(date)s UTC.": "您已于 %(date)s UTC 拒绝该方案。",
    "The team is reviewing your reason and will come back to you with a revised offer or our "
    "final response.": "团队正在审阅您的理由，并将向您提出修改后的方案或最终答复。",
    "Earlier offers": "此前的方案",
    "Version %(version)s": "第 %(version)s 版",
    "Your reason": "您的理由",
    "Applies to": "适用于",
    "Exchange reference": "交易所参考号",
    "What we offer": "我们提供的措施",
    "Our offer on case %(ref)s": "案件 %(ref)s 的方案",
    "Our offer on your case %(ref)s": "关于您的案件 %(ref)s 的方案",
    "Thank you: your answer is recorded.": "谢谢：您的答复已记录。",
    "We are carrying it out and will tell you by email when it is done.": (
        "我们正在执行，完成后将通过邮件通知您。"
    ),
    "We have sent you a newer offer since: use the link in our latest email, or sign in to the "
    "portal.": "我们此后已向您发送了新的方案：请使用最新邮件中的链接，或登录门户。",
    "This page opens from the link in our email and does not sign you in. To see everything "
    "about your case, sign in to the portal.": (
        "此页面通过我们邮件中的链接打开，不会让您登录。如需查看案件的全部信息，请登录门户。"
    ),
    "Open my case in the portal": "在门户中打开我的案件",
    "Nothing was changed on your case.": "您的案件没有任何变更。",
    "Sign in to the portal": "登录门户",
    # The offers API (cases/api/).
    "No such offer on this case.": "此案件没有这个方案。",
    "Only the customer, or the exchange's system that opened the case for them, answers an "
    "offer. Staff record an answer given another way in the back office, citing the message it "
    "came in.": (
        "只有客户本人，或为其提交案件的交易所系统，可以答复方案。"
        "客户通过其他方式给出的答复，由工作人员在后台记录并注明其来源消息。"
    ),
    "The explanation or advice, or a note.": "说明、建议或备注。",
    "e.g. the id of the transaction to reverse.": "例如要撤销的交易 ID。",
    "Where carrying it out at the exchange stands (after acceptance).": (
        "在交易所执行的进度（接受之后）。"
    ),
    "The exchange's reference once the action is done.": "措施完成后交易所的参考号。",
    "How the answer came: portal, api, email_link, staff (recorded from a message), expiry "
    "(the deadline passed); empty for an offer withdrawn with the complaint.": (
        "答复的途径：portal、api、email_link、staff（根据消息记录）、expiry（已过期限）；"
        "随投诉撤回的方案为空。"
    ),
    "sent: waiting for the customer's answer until expires_at.": (
        "sent：在 expires_at 之前等待客户答复。"
    ),
    "What is offered and why, as the customer reads it.": "客户看到的方案内容及理由。",
    "Why the customer rejects the offer.": "客户拒绝该方案的原因。",
    # The mails (cases/templates/cases/notifications/).
    "[%(ref)s] Our offer to settle your complaint": "[%(ref)s] 我们为解决您的投诉提出的方案",
    "We have looked into your case %(ref)s and make you the following offer:": (
        "我们已调查您的案件 %(ref)s，现向您提出以下方案："
    ),
    "Outcome: %(outcome)s": "结论：%(outcome)s",
    "What we offer:": "我们提供的措施：",
    "This is version %(version)s of our offer. Please answer by %(date)s UTC; after that it "
    "expires and the team contacts you.": (
        "这是我们方案的第 %(version)s 版。请在 %(date)s UTC 之前答复；逾期方案失效，团队将与您联系。"
    ),
    "To accept the offer, open:": "如接受该方案，请打开：",
    "To reject it and tell us why, open:": "如拒绝该方案并告诉我们原因，请打开：",
    "These links open this offer only, for you only, and do not sign you in. Or sign in to the "
    "portal to read and answer it there:": (
        "这些链接只打开该方案，仅供您本人使用，且不会让您登录。您也可以登录门户阅读并答复："
    ),
    "We sent you an offer (version %(version)s) to settle your case %(ref)s. Read it and accept "
    "or reject it at the top of this page.": (
        "我们已向您发送解决案件 %(ref)s 的方案（第 %(version)s 版）。请在本页顶部阅读并接受或拒绝。"
    ),
    "[%(ref)s] Our offer expired without an answer": "[%(ref)s] 我们的方案未获答复，已过期",
    "Version %(version)s of our offer on your case %(ref)s has expired: we did not receive your "
    "answer in time.": "关于您的案件 %(ref)s 的方案第 %(version)s 版已过期：我们未能按时收到您的答复。",
    "Your case goes back to the team, who will contact you with a revised offer or our final "
    "response. If you still want to settle, reply to this email: the team will take it into "
    "account.": (
        "您的案件已交回团队，团队将与您联系，提出修改后的方案或最终答复。"
        "如您仍希望和解，请回复此邮件：团队会予以考虑。"
    ),
    "Your case in the portal:": "您在门户中的案件：",
    "[%(ref)s] Your case is resolved: what we did": "[%(ref)s] 您的案件已解决：我们做了什么",
    "We have carried out the offer you accepted on your case %(ref)s. This is what was done:": (
        "我们已执行您在案件 %(ref)s 中接受的方案。完成情况如下："
    ),
    "Done (exchange reference %(reference)s).": "已完成（交易所参考号 %(reference)s）。",
    "Cancelled: this could not be carried out. If it matters to you, reply to this email.": (
        "已取消：此项无法执行。如对您很重要，请回复此邮件。"
    ),
    "Nothing to carry out at the exchange.": "无需在交易所执行。",
    "We will also ask you, in a separate email, how we handled your complaint and what you "
    "think of the outcome.": "我们还会另发邮件，请您评价我们处理投诉的过程以及对结果的看法。",
    "[%(ref)s] How did we do? Two questions about your complaint": (
        "[%(ref)s] 我们做得如何？关于您投诉的两个问题"
    ),
    "Your case %(ref)s is resolved. Please tell us how it went: two separate questions, one "
    "about how we handled your complaint and one about its outcome, each from 1 to 5, with a "
    "comment if you like.": (
        "您的案件 %(ref)s 已解决。请告诉我们您的感受：两个独立的问题，一个关于我们处理投诉的过程，"
        "一个关于处理结果，各按 1 到 5 分评分，也可以留下意见。"
    ),
    "Answer here (the link works once, for you only, and does not sign you in):": (
        "请在此作答（链接仅可使用一次，仅供您本人使用，且不会让您登录）："
    ),
    "You can answer until %(date)s.": "您可以在 %(date)s 之前作答。",
}
