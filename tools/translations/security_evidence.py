"""Simplified Chinese for evidence files (issue 11, finding 8): the allow-list, active content,
the image budget and malware scanning (cases/lib/uploads.py, cases/services/evidence.py,
cases/models/evidence.py, admin/cases/case/evidence.html)."""

ZH = {
    "Web pages, scripts and programs are not accepted as evidence. "
    "Please send a screenshot or a PDF instead.": (
        "网页、脚本和程序不能作为证据提交。请改为发送截图或 PDF 文件。"
    ),
    "The image has very many pixels for its file size. Please crop it or send it as a JPEG "
    "or PDF.": "该图片的像素数相对于文件大小过多。请裁剪后再发送，或以 JPEG 或 PDF 格式发送。",
    "Files ending in %(extension)s are not accepted.": "不接受扩展名为 %(extension)s 的文件。",
    "The file could not be checked for viruses just now. Please try again in a few minutes.": (
        "目前无法对该文件进行病毒检查。请几分钟后再试。"
    ),
    "The file contains a virus or other malware and was not accepted.": (
        "该文件含有病毒或其他恶意软件，未被接受。"
    ),
    "This file is held by the malware check and cannot be opened.": (
        "该文件因恶意软件检查而被扣留，无法打开。"
    ),
    "Not scanned (a record we generated)": "未扫描（系统生成的记录）",
    "Not scanned (no scanner configured)": "未扫描（未配置扫描服务）",
    "Scanned: clean": "已扫描：安全",
    "Held: waiting for the malware scan": "已扣留：等待恶意软件扫描",
    "Held: malware found": "已扣留：发现恶意软件",
    "malware scan": "恶意软件扫描",
    "malware found": "发现的恶意软件",
    "Malware scan": "恶意软件扫描",
    "The file is kept but cannot be downloaded or shown.": "该文件已保留，但不能下载或显示。",
    "The message could not be checked for viruses just now. Try again later.": "暂时无法对该邮件进行病毒检查，请稍后再试。",
    "The message contains malware (%(signature)s) and cannot be downloaded.": "该邮件含有恶意软件（%(signature)s），不能下载。",
}
