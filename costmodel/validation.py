"""Turn pydantic's validation errors into short sentences that name the field and the reason.

``describe_errors`` gives ``["power_load_w: must be > 0, got -300"]`` where pydantic would say
``Input should be greater than 0 [type=greater_than, input_value=-300.0, ...]``.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

_MAX_SHOWN = 60


def _shown(value: Any) -> str:
    """The offending value as the user typed it, shortened."""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        text = value if len(value) <= _MAX_SHOWN else value[:_MAX_SHOWN] + "..."
        return repr(text)
    if isinstance(value, dict | list):
        return type(value).__name__
    return repr(value)


def reason(error: dict[str, Any]) -> str:
    """One pydantic error as a reason: ``must be > 0, got -300``."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    got = _shown(error.get("input"))
    bounds = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<", "less_than_equal": "<="}
    if kind in bounds:
        limit = next(iter(ctx.values()), "?")
        value = error.get("input")
        shown = value.strip() if isinstance(value, str) else got  # a number read from a CSV cell
        return (
            f"must be {bounds[kind]} {_shown(float(limit)) if isinstance(limit, int | float) else limit}, got {shown}"
        )
    if kind == "missing":
        return "is required but empty"
    if kind == "finite_number":
        return f"must be a finite number, got {got}"
    if kind in ("float_parsing", "float_type", "decimal_parsing"):
        return f"must be a number, got {got}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"must be a whole number, got {got}"
    if kind in ("bool_parsing", "bool_type"):
        return f"must be true or false, got {got}"
    if kind in ("date_parsing", "date_from_datetime_parsing", "date_type", "date_from_datetime_inexact"):
        return f"must be a date as YYYY-MM-DD, got {got}"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}, got {got}"
    if kind == "string_pattern_mismatch":
        return f"must be lowercase letters, digits, '.', '_' or '-' (an id), got {got}"
    if kind == "string_too_short":
        return f"must not be empty, got {got}"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters"
    if kind == "extra_forbidden":
        return "is not a known field"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return f"{error['msg']}, got {got}"


def location(error: dict[str, Any]) -> str:
    """Dotted field path of an error, or '' for a model-level check."""
    return ".".join(str(part) for part in error["loc"])


def error_details(exc: ValidationError) -> list[tuple[str, str]]:
    """Every error of ``exc`` as ``(field, reason)``; field is '' for a check across fields."""
    return [(location(error), reason(error)) for error in exc.errors(include_url=False)]


def describe_errors(exc: ValidationError) -> list[str]:
    """Every error of ``exc`` as ``field: reason``."""
    return [f"{where}: {why}" if where else why for where, why in error_details(exc)]
