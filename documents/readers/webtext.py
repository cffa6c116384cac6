"""Text copied from a web page or a document mirror, before it is read as a document.

- Page furniture goes: site banners and menus ("设为首页", "加入收藏", "无障碍阅读"), share and
  print links ("分享到", "打印本页 关闭窗口", "听全文"), view counters, "扫一扫在手机打开当前页",
  mirror-site stamps ("第 1 页共 5 页", "下载后可任意编辑"), even when glued inside a line.
- Tables rendered with pipes become tables again: a line "a | b | c |" is a row (written as the
  tab-separated row the text reader understands); a line "cell |" or "| cell |" is one cell of
  a table laid out one cell per line; lines of bare pipes separate cells and rows.
- A row of two cells "标签: | 值 |" is a field line ("标签:值"), and a row whose cells are
  labels and values of page metadata ("索引号: | … | 成文日期: | …") is a paragraph.
"""

from __future__ import annotations

import re

_FURNITURE_LINE = re.compile(
    r"^\s*(?:[-•·*]\s*)?(?:设为首页|加入收藏|无障碍(?:阅读|浏览)?|长者(?:版|模式|助手)|关怀版|适老版|登录|注册|返回(?:首页|顶部)|"
    r"网站地图|English|繁體|繁体|简体|听全文|分享到[:：]?|【?打印(?:本页|此文|整页|内容|文章)?】?|【?关闭(?:窗口|本页)?】?|"
    r"扫一扫在手机(?:上)?(?:打开|查看)当前页(?:面)?|字号[:：]?.{0,12}|【?字体[:：]?.{0,12}|背景色[:：]?.{0,12}|"
    r"[-—]|相关(?:内容|阅读|链接|新闻)|上一篇.*|下一篇.*|责任编辑[:：].*|初审编辑[:：].*|编辑[:：].{0,12}|"
    r"(?:来源|作者)[:：]\s*(?:作者[:：]\s*)?(?:编辑[:：].{0,12})?)\s*$"
)
# glued inside a line: "第 1 页共 5 页下载后可任意编辑", "打印本页 关闭窗口", "浏览次数:123"
_FURNITURE_INLINE = re.compile(
    r"第\s*\d+\s*页\s*共\s*\d+\s*页|下载后可任意编辑|【?打印本页】?\s*【?关闭窗口】?|"
    r"(?:浏览次数|点击数|点击量|阅读数|浏览量|访问量)\s*[:：]\s*\d*|【\s*字体\s*[:：][^】]*】"
)
# navigation before the document: "首页 > 政务公开 > 通知公告", "当前位置：…", "您现在的位置：…"
_BREADCRUMB = re.compile(r"^\s*(?:(?:您|你)?(?:当前|现在)?(?:所在|的)?(?:位置|所在位置)\s*[:：].*|首页\s*[>＞»›/].*)$")
# page metadata glued to a line (often the title): "…通知发布日期：2024-09-20 来源：区政府办 点击数："
_META_TAIL = re.compile(
    r"\s*(?:发布(?:日期|时间)|信息来源|来源|作者|点击数|点击量|点击率|浏览次数|阅读数|访问量)\s*[:：](?:(?!。).){0,80}$"
)
_META_KEYS = re.compile(r"(?:发布(?:日期|时间)|信息来源|来源|作者|点击数|点击量|点击率|浏览次数|阅读数|访问量)\s*[:：]")

_PIPE_ONLY = re.compile(r"^\s*\|[\s|]*$")
_ONE_CELL = re.compile(r"^\s*\|?\s*([^|]*?)\s*\|\s*$")


def strip_furniture(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        if _FURNITURE_LINE.match(line) or _BREADCRUMB.match(line):
            continue
        cleaned = _FURNITURE_INLINE.sub("", line)
        if _META_KEYS.search(cleaned) and "|" not in cleaned:
            cleaned = _META_TAIL.sub("", cleaned)
        if cleaned != line and not cleaned.strip():
            continue
        out.append(cleaned)
    return out


def _cells(line: str) -> list[str]:
    parts = [p.strip() for p in line.strip().split("|")]
    if parts and not parts[0]:
        parts = parts[1:]
    while parts and not parts[-1]:
        parts.pop()
    return parts


def _is_metadata(cells: list[str]) -> bool:
    labels = sum(1 for c in cells if re.search(r"[:：]$", c))
    return labels >= 1 and labels * 2 >= len(cells) - 1


def has_pipes(lines: list[str]) -> bool:
    return sum(1 for line in lines if "|" in line) >= 3


def unpipe(lines: list[str]) -> list[str]:
    """Pipe-rendered tables → tab rows (a blank line after each) and one-cell lines."""
    out: list[str] = []
    for line in lines:
        if "|" not in line:
            out.append(line)
            continue
        if _PIPE_ONLY.match(line):
            out.append("")
            continue
        cells = _cells(line)
        if len(cells) <= 1:
            m = _ONE_CELL.match(line)
            out.append(m.group(1) if m else (cells[0] if cells else ""))
            continue
        if (len(cells) == 2 and re.search(r"[:：]$", cells[0])) or (len(cells) > 2 and _is_metadata(cells)):
            out.append("".join(cells) if len(cells) == 2 else " ".join(cells))
            continue
        out.append("\t" + "\t".join(cells))
        out.append("")
    return out
