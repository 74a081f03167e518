"""The ledgers of the navigation list: title, columns, and which roles see them.

Columns follow the paper ledgers the clerk keeps today (DOMAIN.md, "Ledgers as
clerks keep them today"), so a printed page and the screen read the same.
"""
from __future__ import annotations

from dataclasses import dataclass

from app.models.accounts import ROLE_ADMIN, ROLE_CLERK, ROLE_INSPECTOR, ROLE_LEADER


@dataclass(frozen=True)
class Ledger:
    key: str
    title: str
    hint: str
    headers: tuple[str, ...]
    roles: frozenset[str]  # who sees the page at all
    search_hint: str = "搜索标题、编号、人员（输入即查，可用扫码枪）"


_WORK = frozenset({ROLE_CLERK, ROLE_LEADER, ROLE_INSPECTOR})
# 三员分立: the account administrator sees accounts, not the ledgers nor the journal.
LEDGERS: tuple[Ledger, ...] = (
    Ledger("today", "今日", "借出未还、今日须归还、逾期、超期三个月、定密与事件期限、季度清查、口令到期",
           ("事项", "登记号", "标题", "密级", "人员", "期限", "说明"), _WORK),
    Ledger("receipts", "收发登记", "涉密载体逐件登记、编号，收文当日登记，发文经机要渠道（R01、R02、R25）",
           ("登记号", "类别", "标题", "文号", "来文单位", "密级", "份号", "保密期限", "状态", "持有人",
            "存放位置", "登记时间"), _WORK),
    Ledger("loans", "借阅登记", "借阅须经领导批准，当日归还，不得转借（R10–R14）",
           ("登记号", "标题", "密级", "借阅人", "批准人", "借出时间", "应还时间", "归还时间",
            "阅后签名", "状态"), _WORK),
    Ledger("copies", "复制登记", "复制须经批准，绝密不得复制，复制件同原件管理（R20–R22）",
           ("登记号", "标题", "密级", "复制份数", "复制件登记号", "批准人", "复制人", "复制时间", "标记"),
           _WORK),
    Ledger("carry", "外出携带", "携带外出须经领导批准，绝密须主要领导批准（R15）",
           ("登记号", "标题", "密级", "携带人", "批准人", "事由", "带出时间", "应还时间", "归还时间",
            "状态"), _WORK),
    Ledger("clearout", "清查清退", "每季度清查、清退一次，年终一次（R30、R31）",
           ("季度", "登记号", "标题", "密级", "核对结果", "处理", "持有人", "清查时间"), _WORK),
    Ledger("destruction", "销毁登记", "逐件登记，领导批准，两人以上监销（R32）",
           ("批次", "登记号", "标题", "密级", "批准人", "监销人", "销毁方式", "销毁地点", "销毁时间"),
           _WORK),
    Ledger("archive", "归档", "归档登记，专柜存放（R33）",
           ("登记号", "标题", "密级", "档号", "存放位置", "归档时间", "经办人"), _WORK),
    Ledger("handover", "交接", "移交人列出全部载体，双方逐件核对并签字（R40）",
           ("交接时间", "登记号", "标题", "密级", "移交人", "接收人", "核对", "批次"), _WORK),
    Ledger("classify", "定密", "拟稿人提出密级和期限，签发领导确定，十日内完成（R05）",
           ("登记号", "标题", "事项", "原密级", "密级", "保密期限", "拟定人", "确定人", "依据", "日期",
            "标记"), _WORK),
    Ledger("incidents", "失泄密事件", "发现后 24 小时内书面报告，3 个月内报告查处结果（R45）",
           ("编号", "发现时间", "登记号", "密级", "责任人", "书面报告", "查处结果", "状态", "下一期限"),
           _WORK),
    Ledger("people", "涉密人员", "保密承诺书、脱密期、培训记录（R62、R63）",
           ("姓名", "部门", "涉密等级", "领导", "承诺书日期", "状态", "脱密期至", "持有载体", "培训次数"),
           _WORK),
    Ledger("devices", "计算机与介质", "涉密计算机、存储介质、复印机、传真机（R06、R50、R64）",
           ("编号", "类别", "型号／名称", "序列号", "密级", "存放位置", "责任人", "状态", "维修记录"),
           _WORK),
    Ledger("journal", "日志", "全部操作的哈希链日志，供检查人员审查（R54）",
           ("序号", "时间", "账户", "操作", "对象", "摘要"), frozenset({ROLE_INSPECTOR}),
           "搜索账户、操作（如 借出）、对象或登记号"),
    Ledger("accounts", "账户管理", "账户、角色、口令重置、停用与解锁（R51、R56）",
           ("用户名", "姓名", "角色", "状态", "口令修改时间", "上次登录", "锁定剩余（分钟）"),
           frozenset({ROLE_ADMIN}), "搜索用户名、姓名、角色"),
)

BY_KEY = {ledger.key: ledger for ledger in LEDGERS}


def visible_ledgers(roles: frozenset[str] | set[str]) -> list[Ledger]:
    """What the signed-in account's roles may open; what a role may not do is not offered."""
    return [ledger for ledger in LEDGERS if ledger.roles & set(roles)]


def read_only(roles: frozenset[str] | set[str]) -> bool:
    """Leaders and inspectors look; only the clerk registers movements.

    The administrator is not "read-only": it sees no ledger, only the accounts it manages.
    """
    return ROLE_CLERK not in roles and ROLE_ADMIN not in roles
