"""Terminal tables that show user text as written.

Rich reads ``[...]`` in a string as markup, so an actor named ``[/]`` or ``[bold]``
would crash or restyle a table. :class:`PlainTable` is a rich ``Table`` whose title
and string cells are plain text; styled lines elsewhere pass user text through
:func:`rich.markup.escape`.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text


def _plain(value: Any) -> Any:
    return Text(value) if isinstance(value, str) else value


class PlainTable(Table):
    """A rich table whose title and string cells are never read as markup."""

    def __init__(self, *headers: Any, title: Any = None, **options: Any) -> None:
        super().__init__(*headers, title=_plain(title), **options)

    def add_row(self, *cells: Any, **options: Any) -> None:
        super().add_row(*(_plain(cell) for cell in cells), **options)
