"""Hand-checked unit strings of the seed documents (testing/gold) and what they name."""

import json
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "testing" / "gold"


def gold_unit_strings() -> list[str]:
    """Every lead_units / support_units string of every gold file, once each, sorted."""
    names: set[str] = set()
    for path in sorted(DATA.glob("*.json")):
        for item in json.loads(path.read_text(encoding="utf-8"))["items"]:
            names.update(item.get("lead_units") or [])
            names.update(item.get("support_units") or [])
    return sorted(names)


# Gold strings whose canonical name is not the string itself.
EXPECTED = {
    "区发改委": "区发展和改革委员会",
    "区发展改革委": "区发展和改革委员会",
    "区交通局": "区交通运输局",
    "区住建局": "区住房和城乡建设局",
    "区住房城乡建设局": "区住房和城乡建设局",
    "区卫健委": "区卫生健康委员会",
    "区卫生健康委": "区卫生健康委员会",
    "区文广新旅局": "区文化广电新闻出版旅游局",
    "区教体局": "区教育体育局",
    "区市监局": "区市场监督管理局",
    "区市场监管局": "区市场监督管理局",
    "区市场监督局": "区市场监督管理局",
    "区委宣传部（文明办）": "区委宣传部",
    "区政府办（外事办）": "区政府办公室",
    "区自然资源和规划局": "市自然资源和规划局昌江分局",
    "市自然资源规划局昌江分局": "市自然资源和规划局昌江分局",
    "各街道（乡、镇）": "各乡镇（街道）",
    "吕蒙乡": "吕蒙街道",
    "昌江公安分局": "景德镇市公安局昌江分局",
    "昌江生态环境局": "景德镇市昌江生态环境局",
    "区人社局": "区人力资源和社会保障局",
    "区医保局": "区医疗保障局",
    "区城管局": "区城市管理局",
    "区委编办": "区委机构编制委员会办公室",
    "区工信局": "区工业和信息化局",
    "区工商联": "区工商业联合会",
    "区政务服务办": "区政务服务管理办公室",
    "区政府金融办": "区政府金融工作办公室",
    "区科技局": "区科学技术局",
    "区税务局": "国家税务总局景德镇市昌江区税务局",
    "区综治中心": "区社会治安综合治理中心",
}

GROUPS = {
    "各乡镇（街道）",
    "各街道（乡、镇）",
    "区直有关单位",
    "涉改相关单位",
    "区安全生产委员会成员单位",
    "区新冠肺炎疫情防控指挥部成员单位",
    "具有政务服务职能的区直单位",
}

# Each family of written forms names one unit.
FAMILIES = [
    ["区市监局", "区市场监管局", "区市场监督局", "区市场监督管理局", "昌江区市场监督管理局"],
    ["区发改委", "区发展改革委", "区发展和改革委员会"],
    ["区文广新旅局", "区文化广电新闻出版旅游局", "区文广新旅管理局", "昌江区文广新旅局"],
    ["区教体局", "区教育体育局", "昌江区教体局"],
    ["市自然资源规划局昌江分局", "市自然资源和规划局昌江分局"],
    ["区城管局", "区城市管理局", "昌江区城市管理局", "昌江区城管局"],
    ["区政府办", "区政府办公室", "区人民政府办公室", "昌江区人民政府办公室", "区政府办（外事办）"],
    ["吕蒙乡", "吕蒙街道"],
]
