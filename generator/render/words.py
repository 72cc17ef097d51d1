"""Words the renderer itself puts on slides, in the deck's language (not the UI's)."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "continued": {"en": " (cont.)", "ja": "（続き）"},
    "source": {"en": "Source: ", "ja": "出典："},
    "note": {"en": "Note: ", "ja": "注："},
    "agenda": {"en": "Agenda", "ja": "アジェンダ"},
    "appendix": {"en": "Appendix", "ja": "参考資料"},
    "action": {"en": "Action", "ja": "アクション"},
    "owner": {"en": "Owner", "ja": "担当"},
    "due": {"en": "Due", "ja": "期限"},
    "stars": {"en": "Stars", "ja": "花形"},
    "question_marks": {"en": "Question marks", "ja": "問題児"},
    "cash_cows": {"en": "Cash cows", "ja": "金のなる木"},
    "dogs": {"en": "Dogs", "ja": "負け犬"},
    "relative_share": {"en": "Relative market share", "ja": "相対市場シェア"},
    "market_growth": {"en": "Market growth rate", "ja": "市場成長率"},
    "high": {"en": "High", "ja": "高"},
    "low": {"en": "Low", "ja": "低"},
    "total": {"en": "Total", "ja": "合計"},
}
SOURCE_PREFIXES = ("source", "sources", "出典", "資料", "出所")
NOTE_PREFIXES = ("note", "notes", "注", "備考")


def word(key: str, lang: str) -> str:
    """`key` in `lang` ('ja' or 'en'); English when the language is unknown."""
    entry = WORDS[key]
    return entry.get(lang, entry["en"])


def with_prefix(text: str, key: str, lang: str, prefixes: tuple[str, ...]) -> str:
    """'Source: ...' unless the author already wrote a Source:/出典 prefix."""
    head = text.lstrip().lower()
    if any(head.startswith(prefix) for prefix in prefixes):
        return text
    return word(key, lang) + text
