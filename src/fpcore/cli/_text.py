"""User text on the terminal: shown as written, never read as Rich markup.

Every value that comes from a document (household ids, names, codes, certificate
numbers, register areas) goes through :func:`plain` before Rich sees it, so a value
such as ``HN[/]1`` is printed, not a markup error, and ``[link=...]`` is not a link.
"""

from __future__ import annotations


def plain(value: object) -> str:
    """``value`` as text that Rich prints literally.

    Example:
        >>> plain("[link=https://evil.example]点击领取[/link]")
        '\\\\[link=https://evil.example]点击领取\\\\[/link]'
        >>> from rich.console import Console
        >>> console = Console(width=40, color_system=None)
        >>> with console.capture() as out:
        ...     console.print(f"[bold]{plain('HN[/]1')}[/]")
        >>> out.get()
        'HN[/]1\\n'
    """
    from rich.markup import escape  # rich loads only when a command prints with it

    return escape(str(value))
