"""zh-hans for the clocks' rules (issue 14, sections 1 and 2): the regulators' deadlines as the
case page, the portal and the letters describe them (cases.policies.regimes), the referral
rights a final response states, and each regime's milestones.

The plural referral sentences ("%(months)s month" / "%(months)s months") have one Chinese form
(msgstr[0])."""

ZH: dict[str, str] = {
    # Deadlines (regulatory_deadlines).
    "Final response within 8 weeks of receipt (FCA DISP 1.6.2)": (
        "自受理起 8 周内作出最终答复（FCA DISP 1.6.2）"
    ),
    "Final response within 15 business days after the day of receipt, or by then a holding "
    "reply giving the reasons for the delay and the date of the final response (FCA DISP "
    "1.6.2A)": (
        "自受理之日后 15 个工作日内作出最终答复，或在此期限前发出暂缓答复函，"
        "说明延迟原因及最终答复日期（FCA DISP 1.6.2A）"
    ),
    "Final response within 35 business days after the day of receipt, at the latest, when a "
    "holding reply was sent (FCA DISP 1.6.2A)": (
        "已发出暂缓答复函的，最迟在受理之日后 35 个工作日内作出最终答复（FCA DISP 1.6.2A）"
    ),
    "Decision within 2 months of receipt; if that is not possible, a letter giving the reasons "
    "for the delay and the date of the decision (MiCA RTS (EU) 2025/294, Art. 6)": (
        "自受理起 2 个月内作出决定；无法按期作出的，须发函说明延迟原因及作出决定的日期"
        "（MiCA RTS (EU) 2025/294 第 6 条）"
    ),
    "Substantive response, or an “in progress” reply, within 15 days of receipt (CFPB)": (
        "自受理起 15 天内作出实质性答复或“处理中”答复（CFPB）"
    ),
    "Final response within 60 days of receipt (CFPB)": "自受理起 60 天内作出最终答复（CFPB）",
    # Referral rights (referral_rights): the bodies...
    "the Financial Ombudsman Service": "英国金融申诉专员服务机构（Financial Ombudsman Service）",
    "the national competent authority for crypto-asset services, or an out-of-court dispute "
    "resolution body": "加密资产服务的国家主管机关，或庭外争议解决机构",
    "the Consumer Financial Protection Bureau": "美国消费者金融保护局（CFPB）",
    "an independent arbitration body listed on the arbitration page of our portal": (
        "我们客户门户仲裁页面所列的独立仲裁机构"
    ),
    # ...and the sentences (singular and plural msgids, one Chinese form).
    "If you are not satisfied with our response, you may refer your complaint to %(body)s, free "
    "of charge, within %(months)s month of the date of this letter, that is by %(deadline)s. Its "
    "website is %(website)s.": (
        "如您对我们的答复不满意，可以在%(deadline)s之前（即本函日期起 %(months)s 个月内）"
        "免费将投诉提交至%(body)s。其网站为 %(website)s。"
    ),
    "If you are not satisfied with our response, you may refer your complaint to %(body)s, free "
    "of charge, within %(months)s months of the date of this letter, that is by %(deadline)s. "
    "Its website is %(website)s.": (
        "如您对我们的答复不满意，可以在%(deadline)s之前（即本函日期起 %(months)s 个月内）"
        "免费将投诉提交至%(body)s。其网站为 %(website)s。"
    ),
    "If you are not satisfied with our decision, you may complain to %(body)s. Please do so "
    "within %(months)s month of the date of this letter, that is by %(deadline)s.": (
        "如您对我们的决定不满意，可以向%(body)s投诉。"
        "请在%(deadline)s之前（即本函日期起 %(months)s 个月内）提出。"
    ),
    "If you are not satisfied with our decision, you may complain to %(body)s. Please do so "
    "within %(months)s months of the date of this letter, that is by %(deadline)s.": (
        "如您对我们的决定不满意，可以向%(body)s投诉。"
        "请在%(deadline)s之前（即本函日期起 %(months)s 个月内）提出。"
    ),
    "If you are not satisfied with our response, you may submit a complaint to %(body)s at "
    "%(website)s. You may also refer the dispute to an independent arbitration body within "
    "%(months)s month of the date of this letter, that is by %(deadline)s.": (
        "如您对我们的答复不满意，可以通过 %(website)s 向%(body)s提交投诉。"
        "您也可以在%(deadline)s之前（即本函日期起 %(months)s 个月内）将争议提交独立的仲裁机构。"
    ),
    "If you are not satisfied with our response, you may submit a complaint to %(body)s at "
    "%(website)s. You may also refer the dispute to an independent arbitration body within "
    "%(months)s months of the date of this letter, that is by %(deadline)s.": (
        "如您对我们的答复不满意，可以通过 %(website)s 向%(body)s提交投诉。"
        "您也可以在%(deadline)s之前（即本函日期起 %(months)s 个月内）将争议提交独立的仲裁机构。"
    ),
    "If you do not agree with our decision, you may refer the dispute to %(body)s within "
    "%(months)s month of the date of this letter, that is by %(deadline)s.": (
        "如您不同意我们的决定，可以在%(deadline)s之前（即本函日期起 %(months)s 个月内）"
        "将争议提交至%(body)s。"
    ),
    "If you do not agree with our decision, you may refer the dispute to %(body)s within "
    "%(months)s months of the date of this letter, that is by %(deadline)s.": (
        "如您不同意我们的决定，可以在%(deadline)s之前（即本函日期起 %(months)s 个月内）"
        "将争议提交至%(body)s。"
    ),
    # Milestones (REGIME_SUMMARY): names...
    "Acknowledgement": "受理确认",
    "Summary resolution": "简易解决",
    "Final response": "最终答复",
    "Payment services and e-money": "支付服务与电子货币",
    "Referral": "外部申诉",
    "Decision": "决定",
    "Delay notice": "延迟通知",
    "Remedies": "救济途径",
    "Response": "答复",
    "Service targets": "服务时限目标",
    # ...and rules.
    "Promptly, in writing, with our complaints procedure.": (
        "及时书面确认受理，并附上我们的投诉处理程序。"
    ),
    "A complaint resolved to the customer's satisfaction by the close of the third business day "
    "after the day of receipt gets a summary resolution communication instead of a final "
    "response.": (
        "在受理之日后第三个工作日结束前已令客户满意地解决的投诉，以简易解决通知代替最终答复。"
    ),
    "Within 8 weeks of receipt; or by then a letter explaining why not yet and when to expect "
    "it, with the right to refer to the Financial Ombudsman Service.": (
        "自受理起 8 周内；或在此期限前发函说明尚未答复的原因及预计答复时间，"
        "并告知客户可向英国金融申诉专员服务机构申诉。"
    ),
    "Final response within 15 business days after the day of receipt; in exceptional "
    "situations a holding reply by then with the reasons and the date, and the final response "
    "within 35 business days.": (
        "自受理之日后 15 个工作日内作出最终答复；特殊情况下，可在此期限前发出暂缓答复函，"
        "说明原因和日期，并在 35 个工作日内作出最终答复。"
    ),
    "The customer may refer to the Financial Ombudsman Service within 6 months.": (
        "客户可在 6 个月内向英国金融申诉专员服务机构申诉。"
    ),
    "At once, stating the time within which we will decide.": (
        "立即确认受理，并说明我们作出决定的期限。"
    ),
    "Within 2 months of receipt, addressing every point, with the reasons.": (
        "自受理起 2 个月内作出决定，逐一回应所有问题并说明理由。"
    ),
    "If the decision cannot be given in time, the reasons for the delay and the date of the "
    "decision, without undue delay.": "如无法按期作出决定，须及时说明延迟原因及作出决定的日期。",
    "A decision that does not fully satisfy the customer states the remedies: the national "
    "competent authority or an out-of-court dispute resolution body.": (
        "未完全满足客户诉求的决定须说明救济途径：国家主管机关或庭外争议解决机构。"
    ),
    "A substantive response, or an “in progress” reply, within 15 days.": (
        "15 天内作出实质性答复或“处理中”答复。"
    ),
    "Within 60 days when an “in progress” reply was sent.": (
        "已发出“处理中”答复的，须在 60 天内作出最终答复。"
    ),
    "The customer may submit a complaint to the Consumer Financial Protection Bureau.": (
        "客户可向美国消费者金融保护局提交投诉。"
    ),
    "Only the exchange's own service targets apply; no regulator sets a deadline.": (
        "仅适用交易所自身的服务时限目标；没有监管机构规定的期限。"
    ),
}
