"""zh-hans for the regulators' letters (issue 14, section 1): the holding reply, the delay
notice and the summary resolution communication (their text and subjects), the
acknowledgement's paragraph on the regime and its deadline, the final response's referral
section per regime, the staff case page's Letters section and form, and the portal's list of
letters. The letter kinds, the models' fields and the emails `case.letter` and
`case.deadline_extended` are translated with the clocks and the notifications (clocks.py,
notify.py).

Terms follow tools/translations/calendars.py: 暂缓答复函 (holding reply), 延迟通知 (delay
notice), 简易解决通知 (summary resolution communication), 最终答复 (final response), 英国金融申诉
专员服务机构 (the Financial Ombudsman Service)."""

ZH: dict[str, str] = {
    # The letters' subjects (cases.services.regulatory_letters).
    "Your complaint %(ref)s is resolved": "您的投诉 %(ref)s 已解决",
    "Your complaint %(ref)s is in progress": "您的投诉 %(ref)s 正在处理中",
    "Your complaint %(ref)s: our decision will take longer": (
        "您的投诉 %(ref)s：我们的决定需要更长时间"
    ),
    "Your complaint %(ref)s: our final response will take longer": (
        "您的投诉 %(ref)s：我们的最终答复需要更长时间"
    ),
    # The service's refusals.
    "Only a team lead may send a holding reply or a delay notice.": (
        "只有组长可以发送暂缓答复函或延迟通知。"
    ),
    "Choose a holding reply or a delay notice.": "请选择暂缓答复函或延迟通知。",
    "Write the reasons for the delay.": "请填写延迟的原因。",
    "Give the date by which the customer will have our answer.": "请填写客户将收到我们答复的日期。",
    "This case runs under no regulator's deadline: it takes no such letter.": (
        "此案件不受监管机构的期限约束，无需发送此类函件。"
    ),
    "Under %(regime)s this complaint takes a %(allowed)s, not a %(kind)s.": (
        "根据%(regime)s，此投诉应发送%(allowed)s，而不是%(kind)s。"
    ),
    "No %(kind)s can be sent while the case is '%(state)s'.": (
        "案件处于“%(state)s”状态时不能发送%(kind)s。"
    ),
    "Give a date after today.": "请填写今天之后的日期。",
    "The rules allow a date up to %(limit)s at the latest.": "规则允许的日期最迟为%(limit)s。",
    # The letters' text (cases/templates/cases/letters/*.txt).
    "Your complaint is in progress. We are still looking into it and cannot yet give you our "
    "full response; this letter tells you why, and when you will have it.": (
        "您的投诉正在处理中。我们仍在调查，暂时无法给您完整的答复；本函向您说明原因，"
        "以及您何时会收到答复。"
    ),
    "We have not yet been able to give you our final response to your complaint. This letter "
    "tells you why, and when you will have it.": (
        "我们尚未能就您的投诉作出最终答复。本函向您说明原因，以及您何时会收到最终答复。"
    ),
    "Why we need more time": "我们需要更多时间的原因",
    "When you will have our final response": "您何时会收到我们的最终答复",
    "We will send you our final response by %(expected_by)s.": (
        "我们将在%(expected_by)s之前向您发送最终答复。"
    ),
    "The rules allow us until %(limit)s at the latest.": "规则允许的最迟日期为%(limit)s。",
    "If you do not have our final response by %(limit)s, or if you are not satisfied with it, "
    "you may refer your complaint to %(body)s, free of charge. Its website is %(website)s.": (
        "如果您在%(limit)s之前未收到我们的最终答复，或对最终答复不满意，可以免费将投诉提交至"
        "%(body)s。其网站为 %(website)s。"
    ),
    "You may also submit a complaint to %(body)s at %(website)s.": (
        "您也可以通过 %(website)s 向%(body)s提交投诉。"
    ),
    "You can follow your case, and write to us, in our customer portal at any time.": (
        "您可以随时在我们的客户门户中查看案件进展并给我们留言。"
    ),
    "We are not able to give you our decision on your complaint within two months of receiving "
    "it, as we normally would. This letter tells you why, and when you will have our "
    "decision.": (
        "我们无法像通常那样在受理您的投诉后两个月内作出决定。本函向您说明原因，"
        "以及您何时会收到我们的决定。"
    ),
    "We have not been able to give you our final response to your complaint within eight "
    "weeks of receiving it. This letter tells you why, and when you will have it.": (
        "我们未能在受理您的投诉后八周内作出最终答复。本函向您说明原因，以及您何时会收到最终答复。"
    ),
    "When you will have our decision": "您何时会收到我们的决定",
    "We expect to give you our decision by %(expected_by)s.": (
        "我们预计在%(expected_by)s之前向您作出决定。"
    ),
    "We expect to send you our final response by %(expected_by)s.": (
        "我们预计在%(expected_by)s之前向您发送最终答复。"
    ),
    "Your right to refer your complaint now": "您现在即可提交投诉的权利",
    "You do not have to wait for our final response: you may refer your complaint to %(body)s "
    "now, free of charge. Its website is %(website)s. If you wait for our final response, you "
    "may refer it within six months of the date of that response.": (
        "您无需等待我们的最终答复：现在即可免费将投诉提交至%(body)s。其网站为 %(website)s。"
        "如果您等待我们的最终答复，可以在该答复日期起六个月内提交。"
    ),
    "If you are not satisfied with how we are handling your complaint, you may complain to "
    "%(body)s.": "如您对我们处理投诉的方式不满意，可以向%(body)s投诉。",
    "Thank you for accepting our offer. You made a complaint to us, and we now consider it "
    "resolved: this letter confirms what we agreed.": (
        "感谢您接受我们的方案。您曾向我们提出投诉，我们现认为该投诉已解决：本函确认双方达成的内容。"
    ),
    "What we agreed": "双方达成的内容",
    "If you later become dissatisfied": "如果您之后感到不满意",
    "We will write to you again once everything we agreed has been carried out.": (
        "双方达成的所有事项执行完毕后，我们会再次通知您。"
    ),
    # The final response's referral section (cases/templates/cases/letters/final_response.txt).
    "Your right to refer your complaint": "您提交投诉的权利",
    "Referring your complaint does not affect any other rights you have in law.": (
        "提交投诉不影响您依法享有的其他权利。"
    ),
    "Last day to refer the complaint": "提交投诉的最后日期",
    "Last day to refer the complaint: %(by)s": "提交投诉的最后日期：%(by)s",
    "If you do not agree, the letter says where you may refer your complaint, until %(by)s.": (
        "如您不同意，函中说明了您可以向何处提交投诉，截止日期为 %(by)s。"
    ),
    # The acknowledgement's paragraph on the regime (case_acknowledged.txt).
    "Your complaint concerns a payment service and is handled under the complaint rules of "
    "the UK Financial Conduct Authority. We will send you our final response by "
    "%(first_due)s, within 15 business days after the day we received it. In exceptional "
    "situations we will write to you by then to explain the delay, and you will have our "
    "final response by %(final_due)s at the latest.": (
        "您的投诉涉及支付服务，按照英国金融行为监管局（FCA）的投诉规则处理。我们将在"
        "%(first_due)s之前（即受理之日后 15 个工作日内）向您发送最终答复。特殊情况下，"
        "我们会在此之前写信向您说明延迟原因，您最迟将在%(final_due)s之前收到最终答复。"
    ),
    "Your complaint is handled under the complaint rules of the UK Financial Conduct "
    "Authority. We will send you our final response by %(final_due)s, within eight weeks of "
    "receiving it. If we cannot, we will write to you by then to explain why and when to "
    "expect it, and you may then refer your complaint to the Financial Ombudsman Service.": (
        "您的投诉按照英国金融行为监管局（FCA）的投诉规则处理。我们将在%(final_due)s之前"
        "（即受理起八周内）向您发送最终答复。如无法做到，我们会在此之前写信向您说明原因及"
        "预计答复时间，届时您可以将投诉提交至英国金融申诉专员服务机构（Financial Ombudsman "
        "Service）。"
    ),
    "Your complaint is handled under the EU rules for crypto-asset service providers (MiCA). "
    "We will give you our decision by %(final_due)s, within two months of receiving your "
    "complaint. If exceptionally we cannot, we will write to tell you why and when you will "
    "have it.": (
        "您的投诉按照欧盟加密资产服务提供商规则（MiCA）处理。我们将在%(final_due)s之前"
        "（即受理起两个月内）向您作出决定。如特殊情况下无法做到，我们会写信告知原因"
        "以及您何时会收到决定。"
    ),
    "Your complaint is handled under the rules of the US Consumer Financial Protection "
    "Bureau. We will respond by %(first_due)s. If our review needs more time, we will tell "
    "you by then that your complaint is in progress, and you will have our final response by "
    "%(final_due)s at the latest.": (
        "您的投诉按照美国消费者金融保护局（CFPB）的规则处理。我们将在%(first_due)s之前答复您。"
        "如果我们的审查需要更多时间，我们会在此之前告知您投诉正在处理中，"
        "您最迟将在%(final_due)s之前收到最终答复。"
    ),
    # The staff case page's Letters section, the form and the letter page (cases.admin.letters).
    "Send holding reply": "发送暂缓答复函",
    "Send delay notice": "发送延迟通知",
    "Reasons for the delay": "延迟原因",
    "Final response by": "最终答复日期",
    "The date the customer will have the final response (the customer's day).": (
        "客户将收到最终答复的日期（按客户所在地日期）。"
    ),
    "The date the customer will have the final response (the customer's day); the rules "
    "allow %(limit)s at the latest.": (
        "客户将收到最终答复的日期（按客户所在地日期）；规则允许的最迟日期为 %(limit)s。"
    ),
    "Send this letter to the customer": "将此函发送给客户",
    "The letter is stored for good and sent to the customer at once.": (
        "此函将永久保存并立即发送给客户。"
    ),
    "Confirm that the letter goes to the customer.": "请确认将此函发送给客户。",
    "The %(kind)s was sent to the customer.": "已向客户发送%(kind)s。",
    " or ": "或",
    "Letters": "函件",
    "Required": "须发送",
    "Answered by": "满足方式",
    "Last day": "最后一天",
    "The customer was told to expect the final response by %(day)s.": (
        "已告知客户预计在 %(day)s 之前收到最终答复。"
    ),
    "Final response expected by": "预计最终答复日期",
    "Sent by": "发送人",
    "Written automatically": "系统自动生成",
    "Read the letter as sent": "查看所发函件",
    "No letter sent yet.": "尚未发送任何函件。",
    "Under %(regime)s this complaint takes a <strong>%(kind)s</strong>: the reasons for the "
    "delay and the date the customer will have the final response.": (
        "根据%(regime)s，此投诉应发送<strong>%(kind)s</strong>：说明延迟原因及客户将收到最终答复的日期。"
    ),
    "The letter is written in the customer's language: <strong>%(locale)s</strong>.": (
        "此函以客户的语言撰写：<strong>%(locale)s</strong>。"
    ),
    "Regime": "监管制度",
    # The portal's list of letters (cases/templates/cases/portal/_letters.html).
    "Our letters to you": "我们给您的函件",
    "Read our final response": "阅读我们的最终答复",
    "final response by %(by)s": "最终答复日期 %(by)s",
    "Fingerprint of this letter (SHA-256):": "此函的指纹（SHA-256）：",
}
