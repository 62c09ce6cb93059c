"""Simplified Chinese for the audit ledgers (complaints_site/common/models.py, services.py).
"actor", "reason" and "time" are already in zh_hans.py / core.py."""

ZH = {
    "audit seal": "审计封签",
    "audit seals": "审计封签",
    "sequence": "序号",
    "table": "数据表",
    "row id": "行 ID",
    "row hash": "行哈希",
    "previous hash": "前一哈希",
    "seal hash": "封签哈希",
    "sealed at": "封签时间",
    "tombstone": "删除记录",
    "tombstones": "删除记录",
    "model": "模型",
    "object id": "对象 ID",
    "object": "对象",
    "A deletion needs a reason.": "删除必须说明原因。",
    "Give the reason for this deletion.": "请填写删除的原因。",
    "Only a saved record can be deleted.": "只能删除已保存的记录。",
}
