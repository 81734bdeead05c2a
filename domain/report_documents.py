"""The documents of the reporting cadence (docs/domain.md §9): periodic reports and circulars (通报), rendered
from their recorded content as plain text with their SHA-256, like the rungs' documents.

`official_document` is the one door every report and circular goes through, so the PDF rendering of official
documents can take them over in one place (its seam: route `official_document` to the renderer).
"""

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from models.clock import DocumentSpec

KIND_ZH = {"daily": "日报", "weekly": "周调度报告", "monthly": "月分析报告", "quarterly": "季度讲评及隐患排查治理季度统计", "annual": "隐患排查治理年度统计"}
FIGURE_ZH = (
    ("found", "排查发现"), ("rectified", "已整改"), ("rectification_rate", "整改率"), ("on_time_rate", "按期整改率"),
    ("listed", "挂牌督办"), ("closure_rate", "销号率"), ("overdue_now", "当前逾期"),
    ("average_working_days_to_close", "平均销号用时（工作日）"), ("rungs_fired", "升级措施"),
    ("government_deadlines_missed", "机关超期"),
)


def official_document(kind: str, title: str, lines: Sequence[str]) -> DocumentSpec:
    """A document of `kind` with its title and body lines, and the SHA-256 of its content."""
    content = "\n".join([title, "", *lines]) + "\n"
    return DocumentSpec(kind=kind, title=title, content=content, sha256=hashlib.sha256(content.encode()).hexdigest())


def _cell(key: str, value: Any) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.1f}%" if key.endswith("_rate") else str(value)


def figures_line(name: str, figures: Mapping[str, Any]) -> str:
    cells = "；".join(f"{zh} {_cell(key, figures.get(key))}" for key, zh in FIGURE_ZH)
    return f"{name}：{cells}"


def report_document(content: Mapping[str, Any]) -> DocumentSpec:
    """A periodic report: its period and jurisdiction, the totals, each sub-jurisdiction, the overdue hazards and
    the ranking."""
    title = f"{content['region_name']}安全生产{KIND_ZH[content['kind']]}（{content['period_start']} 至 {content['period_end']}）"
    lines = [f"编号：{content['id']}", f"生成时间：{content['generated_at']}", "", figures_line("合计", content["totals"]), ""]
    lines += ["一、分地区情况"] + [figures_line(g["name"], g) for g in content["by_region"]]
    lines += ["", "二、分行业情况"] + [figures_line(g["name"] or "—", g) for g in content["by_industry"]]
    lines += ["", "三、逾期未整改隐患"] + [
        f"{h['code']} {h['title']}（{h['enterprise_name']}，整改期限 {h['deadline'] or '—'}）" for h in content["overdue_hazards"]
    ] + (["无"] if not content["overdue_hazards"] else [])
    lines += ["", "四、打分排队"] + [f"第{r['rank']}名 {r['name']}（{r['region_code']}）得分 {r['score']}" for r in content["ranking"]]
    lines += ["", "五、专项整治"] + [f"{c['id']} {c['title']}" for c in content["campaigns"]] + (["无"] if not content["campaigns"] else [])
    lines += ["", f"依据：安全生产督办策略 {content['policy']}"]
    return official_document(f"report:{content['kind']}", title, lines)


def circular_document(content: Mapping[str, Any]) -> DocumentSpec:
    """A circular (通报): the enterprises named, the fake rectifications found, the jurisdictions at the bottom."""
    title = f"{content['region_name']}安全生产委员会办公室关于事故隐患整改情况的通报（{content['period_start']} 至 {content['period_end']}）"
    lines = [f"编号：{content['id']}", "", "一、隐患逾期未整改或已触发通报的企业"]
    lines += [f"{e['name']}（{e['uscc']}）：{'、'.join(e['hazards'])}" for e in content["enterprises"]] or ["无"]
    lines += ["", "二、虚假整改"]
    lines += [f"{f['enterprise_name']}（{f['enterprise_uscc']}）隐患 {f['hazard_code']}，{f['at']} 核查认定虚假整改" for f in content["fake_rectifications"]] or ["无"]
    lines += ["", "三、打分排队靠后的地区"]
    lines += [f"{r['name']}（{r['region_code']}）得分 {r['score']}，第{r['rank']}名" for r in content["lagging_jurisdictions"]] or ["无"]
    lines += ["", "请被通报的企业和地区立即整改，并按期报送整改情况。", f"日期：{content['issued_on']}"]
    return official_document("circular", title, lines)
