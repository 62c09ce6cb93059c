"""zh-hans for the admin's base template (complaints_site/templates/admin/base_site.html)."""

ZH: dict[str, str] = {
    "Django site admin": "Django 站点管理员",
    "Django administration": "Django 管理",
}
