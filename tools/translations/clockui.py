"""zh-hans for the clocks' staff and customer screens (issue 14, sections 1, 2 and 4): the case
list's "Next deadline" badge and filters, the Deadlines panel of the case page, the service
targets and business hours in the admin with their history, the team's business hours, and
"What happens next and by when" in the portal. Durations have one Chinese plural form
(msgstr[0])."""

ZH: dict[str, str] = {
    # Durations (cases.lib.clock_words).
    "%(n)d day": "%(n)d 天",
    "%(n)d days": "%(n)d 天",
    "%(n)d hour": "%(n)d 小时",
    "%(n)d hours": "%(n)d 小时",
    "%(n)d minute": "%(n)d 分钟",
    "%(n)d minutes": "%(n)d 分钟",
    "less than a minute": "不到 1 分钟",
    # The case list (cases.admin.deadlines).
    "deadline": "时限",
    "Overdue": "已逾期",
    "Due within %(n)s hours": "%(n)s 小时内到期",
    "Paused (waiting for the customer)": "已暂停（等待客户回复）",
    "No running deadline": "无进行中的时限",
    "Due %(when)s": "到期时间：%(when)s",
    "Overdue by %(time)s": "已逾期 %(time)s",
    "Due in %(time)s": "%(time)s后到期",
    "Waiting for the customer since %(when)s": "自 %(when)s 起等待客户回复",
    "Paused": "已暂停",
    "Next deadline": "下一个时限",
    # The Deadlines panel of the case page.
    "a reply to the customer": "回复客户",
    "the resolution": "解决结案",
    "the final response": "最终答复",
    "the customer accepting the offer": "客户接受方案",
    "the out-of-scope answer": "不予受理的答复",
    "the customer withdrawing the case": "客户撤回案件",
    "closing the case": "结案",
    "reopening (a new target started)": "重新开启（开始新的时限）",
    "reclassifying the case as a query": "将案件改归为咨询",
    "Holding reply": "暂缓答复函",
    "Summary resolution communication": "简易解决通知",
    "Met on %(when)s by %(by)s": "已于 %(when)s 通过%(by)s达成",
    "Met on %(when)s": "已于 %(when)s 达成",
    "%(time)s late": "迟了 %(time)s",
    "Paused since %(when)s, waiting for the customer": "自 %(when)s 起暂停，等待客户回复",
    "Missed on %(when)s during %(step)s": "已于 %(when)s 逾期（当时处于“%(step)s”阶段）",
    "Warning sent %(when)s": "已于 %(when)s 发出预警",
    "The customer was told to expect the final response by %(day)s": (
        "已告知客户最终答复将于 %(day)s 前发出"
    ),
    "Service target set by the exchange": "交易所自定的服务时限",
    "now": "现在",
    "Deadlines": "时限",
    "Regulatory regime: %(regime)s. The customer's jurisdiction is %(code)s; its deadlines end "
    "at midnight, %(zone)s time.": (
        "监管制度：%(regime)s。客户所在司法辖区为 %(code)s；其时限截至当地（%(zone)s）午夜。"
    ),
    "A query, not a complaint: only the exchange's own service targets apply.": (
        "这是咨询而非投诉：仅适用交易所自定的服务时限。"
    ),
    "No regulator sets a deadline for this customer: only the exchange's own service targets "
    "apply.": "该客户不受监管时限约束：仅适用交易所自定的服务时限。",
    "Times are shown in %(zone)s.": "时间以 %(zone)s 显示。",
    "Deadline": "时限",
    "Due": "到期时间",
    "What it requires": "要求",
    "last day: %(day)s": "最后一天：%(day)s",
    "This case has no clocks.": "此案件没有计时。",
    "What %(regime)s requires": "%(regime)s 的要求",
    "Lifecycle steps": "处理阶段",
    "Step": "阶段",
    "Started": "开始",
    "Ended": "结束",
    "Took": "用时",
    "Deadlines missed in this step": "本阶段逾期的时限",
    # The clocks' names and regimes (cases.enums), as the screens show them.
    "First response": "首次回复",
    "Next response": "后续回复",
    "Resolution target": "解决时限",
    "Response or holding reply (regulatory)": "答复或暂缓答复（监管）",
    "Final response (regulatory)": "最终答复（监管）",
    "No regulatory deadline": "无监管时限",
    "UK FCA (DISP 1.6)": "英国 FCA（DISP 1.6）",
    "EU MiCA (RTS 2025/294)": "欧盟 MiCA（RTS 2025/294）",
    "US CFPB": "美国 CFPB",
    "regulatory regime": "监管制度",
    # Service targets and business hours (cases.admin.service_targets, cases.models.clocks).
    "minutes": "分钟",
    "hours": "小时",
    "days": "天",
    "Monday": "星期一",
    "Tuesday": "星期二",
    "Wednesday": "星期三",
    "Thursday": "星期四",
    "Friday": "星期五",
    "Saturday": "星期六",
    "Sunday": "星期日",
    "Monday to Friday": "星期一至星期五",
    "Every day": "每天",
    "Kept in the history with your name. Applies to clocks started after.": (
        "将连同您的姓名记入历史。仅适用于此后开始的计时。"
    ),
    "First response within": "首次回复时限",
    "Next response within": "后续回复时限",
    "After each message from the customer.": "客户每次来信后。",
    "Resolution within": "解决时限",
    "Working days": "工作日",
    "A name like Europe/London or America/New_York.": "如 Europe/London 或 America/New_York。",
    "00:00 means until midnight.": "00:00 表示至午夜。",
    "History of the service target %(name)s": "服务时限 %(name)s 的历史",
    "History of the business hours %(name)s": "工作时间 %(name)s 的历史",
    "Every category": "所有分类",
    "first response within": "首次回复时限",
    "next response within": "后续回复时限",
    "resolution within": "解决时限",
    "warning at": "预警点",
    "%(n)s %% of the time": "用时达到 %(n)s%%",
    "working days": "工作日",
    "public holidays of": "公众假期所属地区",
    "teams": "团队",
    "%(opens)s to %(closes)s": "%(opens)s 至 %(closes)s",
    "When": "时间",
    "No history yet.": "暂无历史记录。",
    "service target": "服务时限",
    "service targets": "服务时限",
    "business hours": "工作时间",
    "name": "名称",
    "time zone": "时区",
    "holidays of (country code)": "公众假期所属国家（国家代码）",
    "ISO 3166 code whose public holidays are days off, e.g. GB, DE, US.": (
        "以该国公众假期为休息日的 ISO 3166 代码，如 GB、DE、US。"
    ),
    "region": "地区",
    "e.g. ENG for England.": "如 ENG 表示英格兰。",
    "opens": "上班时间",
    "closes": "下班时间",
    "Monday is 0, Sunday is 6.": "星期一为 0，星期日为 6。",
    "Empty: every category of this priority.": "留空：适用此优先级的所有分类。",
    "warn when this much of the time is used (%)": "用时达到此比例时预警（%）",
    "Empty: the team's service targets run 24/7.": "留空：该团队的服务时限全天候计时。",
    "Kept in the team's history with your name.": "将连同您的姓名记入团队历史。",
    # The services' refusals (cases.services.sla_config).
    "Choose a priority.": "请选择优先级。",
    "Choose a category, or leave it empty.": "请选择分类，或留空。",
    "Enter a length of time.": "请输入时长。",
    "A target is between one minute and one year long.": "时限须在 1 分钟至 1 年之间。",
    "Resolution cannot be due before a response is.": "解决时限不能早于回复时限。",
    "Between 1 and 99 %.": "须在 1% 至 99% 之间。",
    "This priority already has a target for this category; change that one.": (
        "此优先级已有该分类的服务时限，请修改那一条。"
    ),
    "The service target was not saved.": "服务时限未保存。",
    "Already taken.": "已被占用。",
    "Choose at least one working day.": "请至少选择一个工作日。",
    "Enter the opening and closing times.": "请输入上班和下班时间。",
    "Unknown time zone; use a name like Europe/London.": "未知时区；请使用如 Europe/London 的名称。",
    "No public holidays are known for this country and region.": "未找到该国家和地区的公众假期。",
    "Closing time must be after opening time.": "下班时间必须晚于上班时间。",
    "Another calendar has this name.": "已有同名的工作时间。",
    "The business hours were not saved.": "工作时间未保存。",
    # The portal (cases.portal.deadlines, cases/portal/_deadlines.html).
    "What happens next and by when": "接下来会发生什么、何时发生",
    "We have received your complaint and will review it.": "我们已收到您的投诉，将进行审核。",
    "We are reviewing your complaint.": "我们正在审核您的投诉。",
    "We are investigating your complaint and will write to you with what we find.": (
        "我们正在调查您的投诉，并会将调查结果告知您。"
    ),
    "We have finished our investigation and are preparing our answer.": (
        "我们已完成调查，正在准备答复。"
    ),
    "We are waiting for the information we asked you for. Please answer with a message below; "
    "our own reply target is paused until you do.": (
        "我们正在等待您提供所需信息。请在下方留言回复；在您回复之前，我们自己的回复时限暂停计算。"
    ),
    "We have made you a proposal. Please accept or reject it on this page.": (
        "我们已向您提出处理方案。请在本页接受或拒绝。"
    ),
    "You rejected our proposal. We are considering your answer and will write to you.": (
        "您拒绝了我们的方案。我们正在考虑您的答复，并会再与您联系。"
    ),
    "You accepted our proposal. We are preparing to carry it out.": (
        "您已接受我们的方案。我们正在准备执行。"
    ),
    "We are carrying out the resolution you accepted and will tell you when it is done.": (
        "我们正在执行您已接受的处理方案，完成后会通知您。"
    ),
    "Your complaint is resolved.": "您的投诉已解决。",
    "We are looking at your complaint again and will write to you with what we find.": (
        "我们正在重新审查您的投诉，并会将结果告知您。"
    ),
    "UK FCA rules": "英国 FCA 规则",
    "EU MiCA rules": "欧盟 MiCA 规则",
    "US CFPB rules": "美国 CFPB 规则",
    "Our answer was due by %(date)s (%(rules)s) and is late; we are sorry. You may refer your "
    "complaint to %(where)s now.": (
        "我们的答复应于 %(date)s 前发出（%(rules)s），现已逾期，对此我们深表歉意。"
        "您现在即可将投诉提交至%(where)s。"
    ),
    "As we wrote to you, we will send you our final response by %(date)s (%(rules)s).": (
        "如我们此前函告，我们将于 %(date)s 前向您发送最终答复（%(rules)s）。"
    ),
    "By %(date)s at the latest, we will send you our response, or tell you that your complaint "
    "is still in progress and when to expect our final response (%(rules)s).": (
        "我们最迟将于 %(date)s 向您发送答复，或告知您投诉仍在处理中以及预计何时发出最终答复"
        "（%(rules)s）。"
    ),
    "We will send you our final response by %(date)s at the latest. If, exceptionally, we "
    "cannot, we will write to you by then to explain why and to tell you when you will receive "
    "it (%(rules)s).": (
        "我们最迟将于 %(date)s 向您发送最终答复。如遇特殊情况无法按期答复，"
        "我们会在此日期前写信说明原因，并告知您何时可以收到（%(rules)s）。"
    ),
    "We will send you our decision by %(date)s at the latest (%(rules)s).": (
        "我们最迟将于 %(date)s 向您发送我们的决定（%(rules)s）。"
    ),
    "We will send you our final response by %(date)s at the latest (%(rules)s).": (
        "我们最迟将于 %(date)s 向您发送最终答复（%(rules)s）。"
    ),
    "We aimed to reply to you by %(when)s and are late; we are sorry. You will hear from us as "
    "soon as possible.": (
        "我们原定于 %(when)s 前回复您，现已延误，对此深表歉意。我们会尽快与您联系。"
    ),
    "You will hear from us by %(when)s.": "我们将于 %(when)s 前与您联系。",
    "We will answer your latest message by %(when)s.": "我们将于 %(when)s 前回复您的最新留言。",
    "We aim to resolve your case by %(date)s.": "我们力争于 %(date)s 前解决您的案件。",
}
