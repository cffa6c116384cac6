"""The demo accounts `load_demo` creates, one per role (password printed by `make run`)."""

from accounts.models import Role

DEMO_PASSWORD = "duban2026"  # noqa: S105 - printed by `make run` and the README: demo only

# (username, full name, role, unit as people write it or None)
DEMO_ACCOUNTS = [
    ("admin", "系统管理员", Role.ADMIN, None),
    ("duchashi", "督查室 王主任", Role.SUPERVISOR, None),
    ("lingdao", "李副区长", Role.LEADER, None),
    ("fgw_lly", "发改委联络员 张敏", Role.STAFF, "区发改委"),
    ("fgw_fzr", "发改委主任 陈刚", Role.HEAD, "区发改委"),
    ("gxj_lly", "工信局联络员 刘洋", Role.STAFF, "区工信局"),
    ("swj_lly", "商务局联络员 赵磊", Role.STAFF, "区商务局"),
    ("jtj_lly", "教体局联络员 孙丽", Role.STAFF, "区教体局"),
]
