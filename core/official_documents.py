"""Rendering an official document (models/documents.OfficialDocument) to PDF and HTML, after GB/T 9704-2012.

The PDF comes from the Typst compiler of the `typst` wheel with the Noto Sans CJK collection of the
`noto-cjk-sans-otc` wheel (`font_paths`), system fonts ignored: pip-only, nothing downloaded at run time, the
same bytes on every machine. The data reaches the template as JSON (`sys.inputs`), never spliced into markup.
Workflows never call this: the render activity does (activities/documents.py).
"""

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2
import noto_cjk_sans_otc
import typst

from models.documents import KIND_ZH, OfficialDocument

TEMPLATE = Path(__file__).parent / "typst" / "official.typ"

HTML = jinja2.Environment(autoescape=True).from_string("""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ d.title }}</title>
<style>
body{font-family:"Noto Sans CJK SC","Noto Sans SC",sans-serif;max-width:46em;margin:2em auto;padding:0 1em;font-size:16pt;line-height:1.7}
.header{color:#d40000;text-align:center;font-size:28pt;letter-spacing:.05em}
.number{text-align:center}.signer{float:left;font-size:13pt}
hr.red{border:0;border-top:2px solid #d40000}
h1{text-align:center;font-size:22pt;font-weight:normal}
p.body{text-indent:2em}.closing{text-align:right;margin-top:3em}.seal{color:#d40000;font-size:12pt}
.attachment{border-top:1px dashed #999;margin-top:2em;font-size:13pt}
</style></head><body>
<article class="official-document" data-kind="{{ d.kind }}">
<div class="header">{{ d.authority }}{{ header_suffix }}</div>
<div class="number">{% if d.signer %}<span class="signer">签发人：{{ d.signer }}</span>{% endif %}{{ d.number }}</div>
<hr class="red">
<h1>{{ d.title }}</h1>
{% if not d.public and d.addressee %}<p class="addressee">{{ d.addressee }}：</p>{% endif %}
{% for p in d.paragraphs %}<p class="body">{{ p }}</p>
{% endfor %}
{% for title, lines in d.attachments %}<p>附件：{{ title }}</p>{% endfor %}
<div class="closing"><div>{{ d.authority }}</div><div>{{ date_zh }}</div>
<div class="seal">（{% if d.signer %}已签发 · 印章位置{% else %}草稿 · 待领导签发{% endif %}）</div></div>
{% for title, lines in d.attachments %}<section class="attachment"><h2>{{ title }}</h2>
{% for line in lines %}<p>{{ line }}</p>{% endfor %}</section>{% endfor %}
</article></body></html>
""")


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    html: str
    text: str  # the plain text of the document, for search and the legacy text view

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()

    @property
    def html_sha256(self) -> str:
        return hashlib.sha256(self.html.encode()).hexdigest()


def date_zh(document: OfficialDocument) -> str:
    day = document.issued_on
    return f"{day.year}年{day.month}月{day.day}日"


def header_suffix(document: OfficialDocument) -> str:
    """The header is the authority's name followed by 文件 (a notice) or 函 (a letter)."""
    return "函" if document.kind.value.endswith("letter") or document.kind.value == "accountability_referral" else "文件"


@cache
def font_directory() -> str:
    return str(Path(str(noto_cjk_sans_otc.FONT_PATH)).parent)


def render(document: OfficialDocument) -> Rendered:
    """The one entry point: an OfficialDocument to its PDF, HTML and text (about 0.3 s a page)."""
    data = {
        **document.model_dump(mode="json"),
        "attachments": [{"title": t, "lines": list(lines)} for t, lines in document.attachments],
        "date_zh": date_zh(document),
        "header_suffix": "" if document.public else header_suffix(document),
    }
    pdf = typst.compile(  # type: ignore[misc]
        TEMPLATE.read_bytes(),
        root=str(TEMPLATE.parent),
        font_paths=[font_directory()],
        ignore_system_fonts=True,
        sys_inputs={"doc": json.dumps(data, ensure_ascii=False)},
    )
    html = HTML.render(d=document, date_zh=date_zh(document), header_suffix=data["header_suffix"])
    return Rendered(pdf=bytes(pdf), html=html, text=plain_text(document))


def plain_text(document: OfficialDocument) -> str:
    lines = [document.authority, document.number, "", document.title, ""]
    if not document.public:
        lines.append(f"{document.addressee}：")
    lines += [*document.paragraphs, "", document.authority, date_zh(document)]
    if document.signer:
        lines.append(f"签发人：{document.signer}")
    for title, body in document.attachments:
        lines += ["", f"附件：{title}", *body]
    return "\n".join(lines) + "\n"


def kind_zh(document: OfficialDocument) -> str:
    return KIND_ZH[document.kind]
