"""The break-even page's inputs: defaults and their round trip through the URL.

Every input has one name, the glossary's, used as widget key and URL parameter; its bounds and
default are its field's in ``costmodel.study.StudyInputs`` (``Usage``'s and ``Assumptions'``).
A link carries the inputs that differ from their defaults, so a copied URL reproduces the view.
A value in the URL that is not valid falls back to its default with a notice saying which and why.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

import costmodel as cm
from costmodel.explain import tokens as format_tokens
from costmodel.schema import bounds, kind, step
from costmodel.study import ARTICLE_BUILDS, MAX_BUILDS, MAX_PRICES, MAX_RENTALS, StudyInputs

#: the token-volume slider: 0, then 1, 1.5, 2, 3, 4, 5, 7 per decade from 1 M to 10 B
TOKEN_STEPS: tuple[float, ...] = (
    (0.0,) + tuple(float(m * 10**k) for k in range(6, 10) for m in (1, 1.5, 2, 3, 4, 5, 7)) + (1e10,)
)

def widget_values(inputs: StudyInputs | dict[str, Any]) -> dict[str, Any]:
    """``inputs`` as the page's widgets hold them: lists where a study keeps tuples of ids."""
    shown = inputs.model_dump() if isinstance(inputs, StudyInputs) else inputs
    return {key: list(value) if isinstance(value, tuple) else value for key, value in shown.items()}


#: the page's starting inputs (``StudyInputs``' defaults), lists where the page keeps lists
DEFAULTS: dict[str, Any] = widget_values(StudyInputs())

__all__ = ["ARTICLE_BUILDS", "DEFAULTS", "MAX_BUILDS", "MAX_PRICES", "MAX_RENTALS", "TOKEN_STEPS"]

#: the inputs that are lists of ids, as ``a,b,c`` in the URL
ID_LISTS = ("build_id", "price_id", "rental_id")


def widget_range(key: str, model: type = StudyInputs) -> dict[str, float]:
    """``min_value``, ``max_value`` and ``step`` of a widget, from field ``key``'s one definition."""
    low, high, _, _ = bounds(model, key)
    whole = kind(model, key)[0] == "int"
    out: dict[str, float] = {
        "min_value": int(low) if whole else float(low),
        "max_value": int(high) if whole else float(high),
    }
    increment = step(model, key)
    if increment is not None:
        out["step"] = int(increment) if whole else float(increment)
    return out


def measured_speed_range(field: str = "decode_tok_s") -> dict[str, float]:
    """``min_value`` and ``max_value`` of a measured speed [tokens/s], from ``Scenario``'s field."""
    low, high, _, _ = bounds(cm.Scenario, field)
    return {"min_value": float(low), "max_value": float(high)}


def _within(key: str, value: float) -> None:
    """A ``ValueError`` unless ``value`` is within field ``key``'s bounds (refuses NaN too)."""
    low, high, low_in, high_in = bounds(StudyInputs, key)
    above_low = value >= low if low_in else value > low
    below_high = value <= high if high_in else value < high
    if not (above_low and below_high):
        raise ValueError(f"must be within {low:g}-{high:g}")


def _number(key: str, whole: bool) -> Callable[[str], float]:
    def parse(raw: str) -> float:
        value = float(raw)
        _within(key, value)
        if whole and value != int(value):
            raise ValueError("must be a whole number")
        return int(value) if whole else value

    return parse


def _choice(choices: tuple[object, ...]) -> Callable[[str], object]:
    def parse(raw: str) -> object:
        if raw not in choices:
            raise ValueError(f"must be one of {', '.join(map(str, choices))}")
        return raw

    return parse


def _tokens(raw: str) -> float:
    value = float(raw)
    _within("tokens_per_month", value)
    return float(round(value))


def token_steps(value: float) -> tuple[float, ...]:
    """The volume slider's steps, with ``value`` among them when it lies between two (a saved
    scenario or a link may hold 12,345,678 tokens: it is shown as it is, never as 0)."""
    if value in TOKEN_STEPS or not 0 <= value <= TOKEN_STEPS[-1]:
        return TOKEN_STEPS
    return tuple(sorted({*TOKEN_STEPS, float(value)}))


def _bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes"):
        return True
    if lowered in ("0", "false", "no"):
        return False
    raise ValueError("must be true or false")


def _ids(known: Callable[[], Mapping[str, Any]], what: str, empty: bool = False) -> Callable[[str], list[str]]:
    def parse(raw: str) -> list[str]:
        ids = [part for part in raw.split(",") if part]
        unknown = [i for i in ids if i not in known()]
        if not ids and not empty:
            raise ValueError(f"needs at least one {what}")
        if unknown:
            raise ValueError(f"unknown {what} {', '.join(unknown)}")
        return list(dict.fromkeys(ids))

    return parse


#: inputs given per build, as ``build_id:value,...`` in the URL and ``<field>:<build_id>`` widgets
PER_BUILD = ("decode_tok_s", "prefill_tok_s", "owned_value_usd")


def _per_build(field: str, builds: Mapping[str, Any], rentals: Mapping[str, Any]) -> Callable[[str], dict[str, float]]:
    def parse(raw: str) -> dict[str, float]:
        out = {}
        for part in filter(None, raw.split(",")):
            build_id, _, number = part.partition(":")
            if build_id not in builds and (field == "owned_value_usd" or build_id not in rentals):
                raise ValueError(f"unknown build {build_id}")
            out[build_id] = float(number)
        ours = tuple(b for b in out if b in builds)
        theirs = tuple(r for r in out if r not in builds)
        StudyInputs(build_id=ours or ARTICLE_BUILDS, rental_id=theirs, **{field: out})  # the field's own bounds
        return out

    return parse


def dump(key: str, value: Any) -> str:
    """A value as it goes into the URL."""
    if key in ID_LISTS:
        return ",".join(value)
    if key in PER_BUILD:
        return ",".join(f"{b}:{v:g}" for b, v in value.items())
    if isinstance(value, bool):
        return "true" if value else "false"
    if key == "tokens_per_month":
        return f"{value:.0f}"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def shown(key: str, value: Any) -> str:
    """A value as a notice shows it: ``50 M`` tokens, ``0.75``, ``none``."""
    if key == "tokens_per_month":
        return token_label(value) + " tokens a month"
    return dump(key, value) or "none"


@dataclasses.dataclass(frozen=True)
class Loaded:
    values: dict[str, Any]
    notices: list[str]


def from_url(query: Mapping[str, str], cat: cm.Catalog) -> Loaded:
    """Inputs from URL parameters over the defaults; each invalid value is noticed and dropped."""
    values = {
        k: (list(v) if isinstance(v, list) else dict(v) if isinstance(v, dict) else v) for k, v in DEFAULTS.items()
    }
    notices: list[str] = []
    parsers = _parsers(cat)
    for key, raw in query.items():
        if key == "quant":
            continue
        if key not in parsers:
            notices.append(f"The link's parameter {shorten(key)!r} is not an input of this page; ignored.")
            continue
        try:
            values[key] = parsers[key](raw)
        except (ValueError, OverflowError) as exc:
            notices.append(
                f"The link's {key}={shorten(raw)!r} is not valid ({shorten(str(exc), 120)}); "
                f"using the default {shown(key, DEFAULTS[key])}."
            )
    quants = cat.models[values["model_id"]].quants
    default_quant = default_quant_of(cat.models[values["model_id"]])
    raw_quant = query.get("quant")
    if raw_quant is not None and raw_quant not in quants:
        notices.append(
            f"The link's quant={shorten(raw_quant)!r} is not a quant of {values['model_id']}; using {default_quant}."
        )
    values["quant"] = raw_quant if raw_quant in quants else default_quant
    if not values["build_id"] and not values["rental_id"]:
        notices.append("The link picks no build and no rental; the article's builds are compared.")
        values["build_id"] = list(ARTICLE_BUILDS)
    notices += clamp(values, cat)
    return Loaded(values, notices)


def _parsers(cat: cm.Catalog) -> dict[str, Callable[[str], Any]]:
    """A parser of its URL text for every input, from the field's kind and bounds."""

    def model_id(raw: str) -> str:
        if raw not in cat.models:
            raise ValueError("unknown model")
        return raw

    parsers: dict[str, Callable[[str], Any]] = {
        "build_id": _ids(lambda: cat.builds, "build", empty=True),
        "price_id": _ids(lambda: cat.prices, "API offering"),
        "rental_id": _ids(lambda: cat.rentals, "rental", empty=True),
        "tokens_per_month": _tokens,
        **{field: _per_build(field, cat.builds, cat.rentals) for field in PER_BUILD},
        "model_id": model_id,
    }
    for key in StudyInputs.model_fields:
        if key in parsers or key == "quant":
            continue
        what, choices = kind(StudyInputs, key)
        if what == "bool":
            parsers[key] = _bool
        elif what in ("int", "float"):
            parsers[key] = _number(key, whole=what == "int")
        elif what == "choice":
            parsers[key] = _choice(choices)
    return parsers


def shorten(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters for a notice (a link can carry kilobytes)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clamp(values: dict[str, Any], cat: cm.Catalog) -> list[str]:
    """Bring ``values`` within what one view can compute, in place; a notice for each change.

    More builds or API offerings than a view compares keep the first ones; a context longer than
    the model's keeps the model's maximum; measured speeds of builds not compared are dropped.
    """
    notices = []
    for key, most, what in (
        ("build_id", MAX_BUILDS, "builds"),
        ("price_id", MAX_PRICES, "API offerings"),
        ("rental_id", MAX_RENTALS, "rentals"),
    ):
        if len(values.get(key, ())) > most:
            notices.append(f"One view compares at most {most} {what}; the first {most} of {len(values[key])} are kept.")
            values[key] = list(values[key][:most])
    model = cat.models.get(values["model_id"])
    if model is not None and values["context_tokens"] > model.max_context_tokens:
        notices.append(
            f"{model.name} reads at most {model.max_context_tokens:,} tokens of context; "
            f"the context is set to that instead of {values['context_tokens']:,}."
        )
        values["context_tokens"] = model.max_context_tokens
    machines = set(values["build_id"]) | set(values.get("rental_id", ()))
    for field in PER_BUILD:
        values[field] = {b: v for b, v in values[field].items() if b in machines}
    return notices


def default_quant_of(model: cm.Model) -> str:
    """The quant a page starts with: the page default if the model has it, else its first."""
    if DEFAULTS["quant"] in model.quants:
        return DEFAULTS["quant"]
    q4 = [q for q in model.quants if "Q4" in q.upper()]
    return q4[0] if q4 else next(iter(model.quants))


def to_url(values: Mapping[str, Any]) -> dict[str, str]:
    """The inputs that differ from their defaults, as URL parameters."""
    out = {}
    for key, default in DEFAULTS.items():
        value = values.get(key, default)
        if value != default and dump(key, value) != dump(key, default):
            out[key] = dump(key, value)
    return out


def token_label(value: float) -> str:
    """Slider label: ``'50 M'``; 0 reads ``'0'``."""
    return format_tokens(value) if value else "0"
