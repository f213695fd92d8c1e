"""The one exception type that grnsearch raises for bad input."""


class GrnsearchError(ValueError):
    """Bad input or an impossible request; the message names the offending item and the fix."""
