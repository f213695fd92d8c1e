"""The one exception type that grnsearch raises for bad input."""

from __future__ import annotations

import re

_MENTION = re.compile(r"`([A-Za-z_][A-Za-z0-9_]*)`")


class GrnsearchError(ValueError):
    """Bad input or an impossible request; the message names the offending item and the fix.

    ``parameter`` names the library parameter at fault (``lam``, ``workers`` ...), when there is
    one; the message then starts with that name. Other parameters a message mentions are written
    in backticks (```overwrite```). A front end that calls parameters something else (the CLI's
    ``--lam``) shows the message in its own names with :meth:`renamed`.
    """

    def __init__(self, message: str, *, parameter: str | None = None) -> None:
        self.parameter = parameter
        self.detail = message
        super().__init__(f"{parameter}: {message}" if parameter else message)

    def renamed(self, names: dict[str, str]) -> str:
        """The message with the parameter at fault and every parameter in backticks shown under
        ``names[parameter]`` (names without an entry are kept, without backticks)."""
        detail = _MENTION.sub(lambda m: names.get(m.group(1), m.group(1)), self.detail)
        if self.parameter is None:
            return detail
        return f"{names.get(self.parameter, self.parameter)}: {detail}"
