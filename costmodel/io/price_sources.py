"""Where API prices come from besides ``data/prices.csv``: the genai-prices snapshot and LiteLLM files.

* ``snapshot_prices()``: every chat offering in the snapshot bundled with the ``genai-prices``
  package (MIT, maintained by the pydantic team), read offline. Each becomes an ``ApiPrice`` whose
  source names the package version and the provider's pricing page, with its history of dated
  price changes. Tiered prices take their base tier; off-peak discounts and batch or flex
  variants are left out; an offering without both an input and an output price is skipped, never
  priced at $0. The snapshot carries no per-price check date: ``SNAPSHOT_AS_OF`` (the month the
  package version was published) stands for it, and a dated change carries its own date.
* ``fetch_newer()``: the same from the genai-prices project's update URL, with a short timeout; a
  machine without internet gets a plain ``CostModelError`` saying so.
* ``litellm_prices()``: a user's own LiteLLM ``model_prices_and_context_window.json``, whose prices
  are per token; converted to per million tokens, with a check that catches the per-1,000-token
  slip that file's users report.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
import statistics
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from ..catalog import PriceChange
from ..errors import CostModelError
from ..pricing import blended_usd_per_mtok
from ..schema import ApiPrice, Usage
from .rows import Problem
from .uploads import read_json

#: genai-prices 0.2.3 was published in November 2026 (PyPI); its prices carry no check date of their own
SNAPSHOT_AS_OF = dt.date(2026, 11, 1)
#: a per-token price converted to per million tokens outside this range is a unit slip [USD/Mtok]
PLAUSIBLE_USD_PER_MTOK = (0.001, 1000.0)


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """Offerings of a genai-prices snapshot: current prices and dated histories, by ``provider/model``."""

    version: str
    prices: dict[str, ApiPrice]
    history: dict[str, tuple[PriceChange, ...]]
    skipped: int


def _number(value: Any) -> float | None:
    """A genai-prices price as USD per million tokens (a tiered price's base tier)."""
    if value is None:
        return None
    if hasattr(value, "base"):
        value = value.base
    return float(Decimal(value)) if not isinstance(value, float) else value


def _price(provider: Any, model: Any, prices: Any, version: str, as_of: dt.date) -> ApiPrice | None:
    inp, out = _number(getattr(prices, "input_mtok", None)), _number(getattr(prices, "output_mtok", None))
    if inp is None or out is None or (inp == 0 and out == 0):
        return None
    page = provider.pricing_urls[0] if provider.pricing_urls else ""
    notes = []
    if hasattr(getattr(prices, "input_mtok", None), "tiers"):
        notes.append("tiered by prompt size: the base tier")
    try:
        return ApiPrice(
            price_id=f"{provider.id}/{model.id}",
            provider=provider.id,
            model=model.id,
            input_usd_per_mtok=inp,
            output_usd_per_mtok=out,
            cached_input_usd_per_mtok=_number(getattr(prices, "cache_read_mtok", None)),
            origin="genai-prices",
            confidence="sourced",
            note="; ".join(notes),
            source=f"genai-prices {version} bundled snapshot" + (f" ({page})" if page else ""),
            as_of=as_of,
        )
    except CostModelError:
        return None  # a model id this catalogue cannot hold (e.g. an HTML-like name): skipped, never zero


def _convert(providers: Iterable[Any], version: str) -> Snapshot:
    prices: dict[str, ApiPrice] = {}
    history: dict[str, tuple[PriceChange, ...]] = {}
    skipped = 0
    for provider in providers:
        for model in provider.models:
            entries = model.prices if isinstance(model.prices, list) else None
            if entries is None:
                price = _price(provider, model, model.prices, version, SNAPSHOT_AS_OF)
                if price is None:
                    skipped += 1
                    continue
                prices[price.price_id] = price
                continue
            changes: list[PriceChange] = []
            for entry in entries:
                constraint = entry.constraint
                if constraint is None:
                    start = None
                elif hasattr(constraint, "start_date"):
                    start = constraint.start_date
                else:
                    continue  # a time-of-day discount: not the standard price
                price = _price(provider, model, entry.prices, version, start or SNAPSHOT_AS_OF)
                if price is not None:
                    changes.append(PriceChange(start, price))
            if not changes:
                skipped += 1
                continue
            changes.sort(key=lambda c: c.valid_from or dt.date.min)
            history[changes[0].price.price_id] = tuple(changes)
            latest = changes[-1].price
            prices[latest.price_id] = latest.model_copy(update={"as_of": max(SNAPSHOT_AS_OF, latest.as_of)})
    return Snapshot(version, prices, history, skipped)


@functools.cache
def snapshot_prices() -> Snapshot:
    """The snapshot bundled with the installed genai-prices, converted once per process."""
    import genai_prices
    from genai_prices.data import providers

    return _convert(providers, genai_prices.__version__)


def fetch_newer(today: dt.date, deadline_s: float = 3.0, url: str | None = None) -> Snapshot:
    """The latest snapshot from the genai-prices project, or a ``CostModelError`` saying why not.

    ``deadline_s`` [s] bounds the whole fetch, however slowly a server dribbles its answer (each
    read's own timeout alone would let a slow server hold the caller for minutes). ``today`` names
    the snapshot's version.
    """
    import threading

    import genai_prices
    import httpx2
    from genai_prices.update_prices import UpdatePrices

    updater = UpdatePrices(request_timeout=httpx2.Timeout(deadline_s, connect=deadline_s))
    if url is not None:
        updater = dataclasses.replace(updater, url=url)
    outcome: dict[str, Any] = {}

    def fetch() -> None:
        try:
            outcome["snapshot"] = updater.fetch()
        except Exception as exc:  # any network failure: reported below
            outcome["error"] = exc

    worker = threading.Thread(target=fetch, name="fetch-newer-prices", daemon=True)
    worker.start()
    worker.join(deadline_s)
    kept = "the prices bundled with genai-prices stay in use"
    if worker.is_alive():  # left to finish or time out on its own; its answer is ignored
        raise CostModelError(f"no complete answer from {updater.url} within {deadline_s:g} s; {kept}")
    if "error" in outcome:
        exc = outcome["error"]
        raise CostModelError(f"could not fetch newer prices from {updater.url} ({type(exc).__name__}: {exc}); {kept}")
    return _convert(outcome["snapshot"].providers, f"{genai_prices.__version__}, updated {today}")


def observed_change(snapshot: Snapshot, until: dt.date, *, months: int = 12, input_share: float = 0.75) -> float:
    """Median relative change of an offering's blended price over the dated changes in a window.

    Each dated change of the snapshot within ``months`` before ``until`` counts once (OpenRouter, a
    reseller that relists others, is left out); the change is that of the blended price at
    ``input_share``. This is the observed basis of the falling API-price trend.
    """
    start = until - dt.timedelta(days=round(months * 365.25 / 12))
    usage = Usage(tokens_per_month=1, input_share=input_share)
    changes = []
    for price_id, history in snapshot.history.items():
        if price_id.startswith("openrouter/"):
            continue
        for before, after in zip(history, history[1:], strict=False):
            if after.valid_from is not None and start < after.valid_from <= until:
                old = blended_usd_per_mtok(before.price, usage)
                new = blended_usd_per_mtok(after.price, usage)
                if old > 0 and new != old:
                    changes.append(new / old - 1)
    if not changes:
        raise CostModelError(f"observed_change: no dated price change between {start} and {until}")
    return statistics.median(changes)


# --- matching API models to the catalogue's open-weight models --------------------------------

_NOISE = re.compile(r"-(instruct|chat|turbo|versatile|instant|it|fp8|fp16|bf16|hf|latest|preview|maas)\b")


def normalise_model_name(name: str) -> str:
    """A model name reduced for matching: ``'zai-org/GLM-5.2-FP8'`` -> ``'glm-5.2'``, ``'glm-5p2'`` -> ``'glm-5.2'``.

    >>> normalise_model_name("meta-llama/Llama-3.3-70B-Instruct-Turbo")
    'llama-3.3-70b'
    """
    tail = name.lower().rsplit("/", 1)[-1]
    tail = re.sub(r"(?<=\d)p(?=\d)", ".", tail)
    previous = None
    while previous != tail:
        previous, tail = tail, _NOISE.sub("", tail)
    return tail.strip("-")


def link_open_weights(
    prices: Mapping[str, ApiPrice], model_ids: Iterable[str], names: Mapping[str, str]
) -> dict[str, ApiPrice]:
    """Offerings whose model normalises to a catalogue model get its id as ``open_weights_model_id``."""
    index = {normalise_model_name(mid): mid for mid in model_ids}
    index.update({normalise_model_name(name): mid for mid, name in names.items()})
    out = {}
    for pid, price in prices.items():
        if price.open_weights_model_id is None:
            match = index.get(normalise_model_name(price.model))
            if match is not None:
                price = price.model_copy(update={"open_weights_model_id": match})
        out[pid] = price
    return out


# --- LiteLLM's model_prices_and_context_window.json ------------------------------------------------


#: output price over input price of real offerings stays well inside this range; a per-1,000-token
#: figure in one of the two fields moves it by 1,000
PLAUSIBLE_OUTPUT_OVER_INPUT = (1 / 50, 50.0)
#: a converted price this many times the catalogue's median for the same model is a unit slip
PLAUSIBLE_TIMES_CATALOGUE = 30.0


def _times(ratio: float) -> str:
    """``4000.0`` -> ``'4,000'``, ``0.001`` -> ``'0.001'``."""
    return f"{ratio:,.0f}" if ratio >= 10 else f"{ratio:.2g}"


def _unit_slip(per_mtok: Mapping[str, float | None], known: list[ApiPrice]) -> str | None:
    """Why converted prices look 1,000 times off, or None.

    Checked three ways: each price within ``PLAUSIBLE_USD_PER_MTOK``; output against input
    (``PLAUSIBLE_OUTPUT_OVER_INPUT``; cached input never dearer than input); and against the
    median of the catalogue's offerings of the same model, where it has any.
    """
    low, high = PLAUSIBLE_USD_PER_MTOK
    names = {
        "input_cost_per_token": "input",
        "output_cost_per_token": "output",
        "cache_read_input_token_cost": "cached input",
    }
    for key, value in per_mtok.items():
        if value is not None and value != 0 and not low <= value <= high:
            return f"{names[key]} ${value:,.4g} per million tokens is outside ${low:g}-${high:,.0f}"
    inp, out, cached = (per_mtok[k] for k in names)
    if inp and out and not PLAUSIBLE_OUTPUT_OVER_INPUT[0] <= out / inp <= PLAUSIBLE_OUTPUT_OVER_INPUT[1]:
        return f"output ${out:,.4g} is {_times(out / inp)} x input ${inp:,.4g} per million tokens"
    if inp and cached and cached > inp:
        return f"cached input ${cached:,.4g} is dearer than input ${inp:,.4g} per million tokens"
    if known and inp:
        median = statistics.median(p.input_usd_per_mtok for p in known if p.input_usd_per_mtok > 0)
        ratio = inp / median
        if not 1 / PLAUSIBLE_TIMES_CATALOGUE <= ratio <= PLAUSIBLE_TIMES_CATALOGUE:
            return (
                f"input ${inp:,.4g} per million tokens is {_times(ratio)} x the ${median:,.4g} that "
                f"{len(known)} catalogue offering(s) of this model charge"
            )
    return None


def litellm_prices(
    data: bytes | str,
    label: str,
    as_of: dt.date,
    reference: Mapping[str, ApiPrice] | None = None,
) -> tuple[list[ApiPrice], list[Problem]]:
    """Chat models of a LiteLLM price file as ``ApiPrice``s [per-token prices x 1,000,000].

    ``"input_cost_per_token": 1.4e-06`` is $1.40 per million tokens. A per-1,000-token figure in a
    per-token field reads 1,000 times too dear: a row is rejected as such a slip when a converted
    price leaves ``PLAUSIBLE_USD_PER_MTOK``, when output and input disagree by far more than real
    offerings do, or when it is ``PLAUSIBLE_TIMES_CATALOGUE`` times off the offerings of the same
    model in ``reference`` (the catalogue's prices, matched by ``normalise_model_name``).
    ``as_of`` is the date the prices are taken to hold from [date].
    """
    doc = read_json(data, label)
    if not isinstance(doc, dict):
        raise CostModelError(f"{label}: expected an object of model names")
    accepted, problems = [], []
    by_model: dict[str, list[ApiPrice]] = {}
    for price in (reference or {}).values():
        by_model.setdefault(normalise_model_name(price.model), []).append(price)
    for name, entry in doc.items():
        if name == "sample_spec" or not isinstance(entry, dict) or entry.get("mode", "chat") != "chat":
            continue
        try:
            per_token = {
                k: entry.get(k)
                for k in ("input_cost_per_token", "output_cost_per_token", "cache_read_input_token_cost")
            }
            if per_token["input_cost_per_token"] is None or per_token["output_cost_per_token"] is None:
                continue
            per_mtok = {k: None if v is None else round(float(v) * 1e6, 10) for k, v in per_token.items()}
        except (TypeError, ValueError, OverflowError):
            problems.append(Problem(label, None, name, "prices must be numbers"))
            continue
        provider = str(entry.get("litellm_provider") or "litellm")
        model = name.split("/", 1)[1] if name.startswith(provider + "/") else name
        slip = _unit_slip(per_mtok, by_model.get(normalise_model_name(model), []))
        if slip:
            problems.append(Problem(label, None, name, f"{slip}: a per-1,000-token figure in a per-token field?"))
            continue
        try:
            accepted.append(
                ApiPrice(
                    price_id=f"{provider}/{model}",
                    provider=provider,
                    model=model,
                    input_usd_per_mtok=per_mtok["input_cost_per_token"],
                    output_usd_per_mtok=per_mtok["output_cost_per_token"],
                    cached_input_usd_per_mtok=per_mtok["cache_read_input_token_cost"],
                    origin="user",
                    source=f"LiteLLM price file {label}",
                    as_of=as_of,
                )
            )
        except CostModelError as exc:
            problems.extend(
                Problem(label, None, name, f"{where}: {why}" if where else why) for where, why in exc.details
            )
    return accepted, problems
