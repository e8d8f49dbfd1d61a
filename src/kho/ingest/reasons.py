"""Reject reasons in the reader's language: reasons are stored in English (stable for scripts and
the API) and translated where a person reads them (CLI report, workspace pages)."""

from __future__ import annotations

import re

_VI: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"is not a whole number written like (?P<ex>\S+)"),
        "không phải số nguyên viết theo dạng {ex}",
    ),
    (
        re.compile(r"is not a number written like (?P<ex>\S+) with at most (?P<n>\d+) decimals"),
        "không phải số viết theo dạng {ex}, tối đa {n} chữ số thập phân",
    ),
    (re.compile(r"is not a number written like (?P<ex>\S+)"), "không phải số viết theo dạng {ex}"),
    (
        re.compile(r"is not a (?P<form>[\w/.:-]+(?: [\w/.:-]+)?) date"),
        "không phải ngày dạng {form}",
    ),
    (
        re.compile(r"is not a (?P<form>[\w/.:-]+(?: [\w/.:-]+)?) timestamp"),
        "không phải ngày giờ dạng {form}",
    ),
    (re.compile(r"is not a yes/no value"), "không phải giá trị có/không"),
    (re.compile(r"is not a (?P<kind>\w+) value"), "không phải giá trị kiểu {kind}"),
    (
        re.compile(r"row has more than (?P<a>\d+) fields, header has (?P<b>\d+)"),
        "dòng có hơn {a} trường, tiêu đề có {b}",
    ),
    (
        re.compile(r"row has (?P<a>\d+) fields, header has (?P<b>\d+)"),
        "dòng có {a} trường, tiêu đề có {b}",
    ),
]


def translate_reason(reason: str, lang: str) -> str:
    """The reason with its known English phrase replaced by the Vietnamese one (values kept)."""
    if lang != "vi" or not reason:
        return reason
    for pattern, template in _VI:
        match = pattern.search(reason)
        if match:
            phrase = template.format(**match.groupdict())
            return reason[: match.start()] + phrase + reason[match.end() :]
    return reason
