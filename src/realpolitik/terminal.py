"""Terminal output that shows user text as written.

Rich reads ``[...]`` in a string as markup, so an actor named ``[/]`` or ``[bold]``
would crash or restyle a table. :class:`PlainTable` is a rich ``Table`` whose title
and string cells are plain text; styled lines elsewhere pass user text through
:func:`escape`.
"""

from __future__ import annotations

import re
from typing import Any

from rich.markup import escape as escape_tags
from rich.table import Table
from rich.text import Text

#: A backslash right before a ``[`` that does not open a tag: rich would drop it.
_BACKSLASH_BEFORE_PLAIN_BRACKET = re.compile(r"\\(?=\[(?![a-z#/@][^[]*?\]))")


def escape(text: str) -> str:
    """``text`` as rich markup that shows exactly ``text``: tags escaped (:func:`rich.markup.escape`)
    and, unlike that function, a backslash before a plain ``[`` kept (``\\[`` stays ``\\[``)."""
    return escape_tags(_BACKSLASH_BEFORE_PLAIN_BRACKET.sub(r"\\\\", text))


def _plain(value: Any) -> Any:
    return Text(value) if isinstance(value, str) else value


class PlainTable(Table):
    """A rich table whose title and string cells are never read as markup."""

    def __init__(self, *headers: Any, title: Any = None, **options: Any) -> None:
        super().__init__(*headers, title=_plain(title), **options)

    def add_row(self, *cells: Any, **options: Any) -> None:
        super().add_row(*(_plain(cell) for cell in cells), **options)
