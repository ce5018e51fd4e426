"""Names and free text in an input: one spelling per name, nothing invisible.

Two names that look the same must be the same name, and a name must be visible.
So, before validation, every text of a scenario is put in Unicode normal form C
(NFC: ``"e" + U+0301`` and ``"é"`` become one spelling). Then

* a **name** (of the scenario, an issue, an actor, and titles, blocs and the scenario's kind) may not contain
  control characters (newline, NUL, ...; Unicode category Cc), format characters
  (zero-width spaces and joiners, bidirectional overrides and isolates, the byte-order
  mark, soft hyphens; category Cf), line or paragraph separators (Zl, Zp), private-use
  or surrogate code points (Co, Cs), and may not be blank;
* a **free text** (description, rationale, anchor label, source) may hold tabs and
  line breaks, but no other control character and no bidirectional override or
  isolate (which reorders what a reader sees);
* two names are **look-alikes** when they differ as written but agree once folded
  (NFKC compatibility folding, case folding, blanks collapsed, and the Cyrillic and
  Greek letters that are drawn like Latin ones mapped to them): ``USA`` and ``ＵＳＡ``,
  ``Ukraine`` and ``Ukrаine`` with a Cyrillic ``а``. Look-alikes are refused as duplicates.

Sources: Unicode Standard Annex #15 (normalization forms); Unicode Technical
Standard #39 (security mechanisms: confusable detection, of which the letter map
here is the small, common subset).
"""

from __future__ import annotations

import unicodedata
from typing import Any

_NAME_CATEGORIES = {"Cc": "a control character", "Cf": "an invisible formatting character",
                    "Zl": "a line separator", "Zp": "a paragraph separator", "Co": "a private-use character",
                    "Cs": "a surrogate code point"}
#: Bidirectional embeddings, overrides and isolates: they reorder the text around them.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_TEXT_ALLOWED_CONTROLS = frozenset("\t\n\r")
#: Cyrillic and Greek letters drawn like Latin letters (a subset of Unicode's confusables).
_LOOKALIKE_LETTERS = str.maketrans({
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
    "у": "y", "х": "x", "ѕ": "s", "і": "i", "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l",
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u",
    "χ": "x", "η": "n", "μ": "u",
})
#: How deep :func:`normalise_texts` looks; the scenario layout is six levels deep.
_DEPTH = 12


def normalise_texts(value: Any, depth: int = 0) -> Any:
    """``value`` with every string (keys included) in Unicode NFC, down to a fixed depth."""
    if isinstance(value, str):
        return value if unicodedata.is_normalized("NFC", value) else unicodedata.normalize("NFC", value)
    if depth >= _DEPTH:
        return value
    if isinstance(value, dict):
        return {normalise_texts(key, depth + 1): normalise_texts(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        return [normalise_texts(item, depth + 1) for item in value]
    return value


def _describe(character: str) -> str:
    name = unicodedata.name(character, "")
    return f"U+{ord(character):04X}" + (f" {name}" if name else "")


def name_problem(text: str) -> str | None:
    """Why ``text`` cannot be a name; None when it can."""
    if not text.strip():
        return "a name must have visible characters"
    for position, character in enumerate(text, start=1):
        kind = _NAME_CATEGORIES.get(unicodedata.category(character))
        if kind is not None:
            return f"contains {kind} ({_describe(character)}) at character {position}"
    return None


def free_text_problem(text: str) -> str | None:
    """Why ``text`` cannot be a description, rationale or label; None when it can."""
    for position, character in enumerate(text, start=1):
        if character in _BIDI_CONTROLS:
            return f"contains a bidirectional control ({_describe(character)}) at character {position}"
        if unicodedata.category(character) in ("Cc", "Cs") and character not in _TEXT_ALLOWED_CONTROLS:
            return f"contains a control character ({_describe(character)}) at character {position}"
    return None


def visible(text: str) -> str:
    """``text`` with every character that :func:`name_problem` refuses written as ``\\uXXXX``,
    so that a message shows what is there."""
    if text.isprintable():
        return text
    return "".join(character if character == " " or character.isprintable() else
                   f"\\u{ord(character):04x}" if ord(character) <= 0xFFFF else f"\\U{ord(character):08x}"
                   for character in text)


def lookalike_key(name: str) -> str:
    """The form two look-alike names share (see the module docstring)."""
    folded = unicodedata.normalize("NFKC", name).casefold().translate(_LOOKALIKE_LETTERS)
    return " ".join(folded.split())


def lookalike_pairs(names: list[str]) -> list[tuple[str, str]]:
    """``(name, earlier)`` for each name that differs from an earlier one but looks like it."""
    first: dict[str, str] = {}
    pairs = []
    for name in names:
        key = lookalike_key(name)
        earlier = first.setdefault(key, name)
        if earlier != name:
            pairs.append((name, earlier))
    return pairs


def _fields_problems(model: Any, actor: str | None, issue: str | None) -> list[tuple[str, str | None, str | None, str]]:
    """Problems of one pydantic model's text fields: ``name``, ``title``, ``bloc`` and ``kind`` are names, the rest
    free text."""
    found = []
    for field_name in type(model).model_fields:
        value = getattr(model, field_name)
        texts = [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)] \
            if isinstance(value, list) else [v for v in value.values() if isinstance(v, str)] \
            if isinstance(value, dict) else []
        check = name_problem if field_name in ("name", "title", "bloc", "kind") else free_text_problem
        for text in texts:
            problem = check(text)
            if problem is not None:
                found.append((problem, actor, issue, field_name))
                break
    return found


def scenario_text_problems(scenario: Any) -> list[tuple[str, str | None, str | None, str]]:
    """Every name and free text of a validated scenario that breaks the rules above, and every
    look-alike pair of issue or actor names, as ``(message, actor, issue, field)``."""
    found = _fields_problems(scenario, None, None)
    for issue in scenario.issues:
        found += _fields_problems(issue, None, issue.name)
    for actor in scenario.actors:
        found += _fields_problems(actor, actor.name, None)
        for issue, entry in [*actor.stances.items(), *actor.capability_by_issue.items()]:
            found += _fields_problems(entry, actor.name, issue)
    for kind, names in (("issue", [issue.name for issue in scenario.issues]),
                        ("actor", [actor.name for actor in scenario.actors])):
        for name, earlier in lookalike_pairs(names):
            found.append((f"looks like the {kind} '{earlier}' (names that differ only in case, width, blanks "
                          "or look-alike letters are refused)",
                          name if kind == "actor" else None, name if kind == "issue" else None, "name"))
    return found
