"""The one error class of the library."""

from __future__ import annotations


class CostModelError(ValueError):
    """Bad input or an impossible request.

    The message names the function (or file, row and column) and the condition, e.g.
    ``builds.csv row 7, power_load_w: must be > 0, got -300``. ``details`` lists the failing
    fields as ``(field, reason)`` pairs when the error comes from validating an object.
    """

    def __init__(self, message: str, details: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.details: list[tuple[str, str]] = list(details or [])
