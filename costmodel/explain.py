"""A comparison in words, and the one way numbers are written for people.

``explain(comparison)`` gives the verdict as a short headline and the sentences that say why;
pages, tables and charts take their words from here and their numbers from the comparison, so
nothing on screen is cut out of a sentence or formatted twice.

=================  ==================================================================
``explain``        ``Explanation(headline, details)``: the verdict in plain words
``tokens``         ``50e6`` -> ``'50 M'``, ``2.5e9`` -> ``'2.5 B'``, ``10e9`` -> ``'10 B'``
``usd``            ``-1234.5`` -> ``'-$1,235'``
``rate``           a price per million tokens: ``'$2.15'``, ``'n/a'`` for None
``price_words``    a build's price, what kind it is and when it was seen
``rental_price_words``  a rental's hourly price, its offer, where and when it was seen
``billing_words``  a rental's hours billed and worked, its instances and effective hourly price
``machine_name``   a build's or a rental's name for a sentence
``recommendation`` the study's answer: the cheapest of buy, rent and API, and what would change it
``usage_words``    a usage export's window: its volume and mix, what it cost and would have cost
``stale_prices``   the sentence that flags builds whose price is over six months old
``kv_layers_words``  what a model's layers of each kind cache
=================  ==================================================================
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from .breakeven import Comparison, Verdict
from .glossary import GLOSSARY, unit
from .schema import BUILD_PRICE_STALE_AFTER_DAYS, Build, Model, Rental
from .speed import streams_at_floor
from .units import HOURS_PER_DAY

if TYPE_CHECKING:  # for the annotations only: recommend and history build on this module's imports
    from .history import CostsElsewhere, UsageHistory
    from .recommend import Recommendation


def tokens(count: float) -> str:
    """A token count for people: ``50e6`` -> ``'50 M'``, ``2.5e9`` -> ``'2.5 B'``, ``1234`` -> ``'1.23 k'``.

    >>> tokens(50e6), tokens(2.5e9), tokens(128e6), tokens(10e9), tokens(0), tokens(4.34e12)
    ('50 M', '2.5 B', '128 M', '10 B', '0', '4,340 B')
    """
    for scale, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if count >= scale:
            x = count / scale
            return (f"{x:,.0f}" if x >= 100 else f"{x:.3g}") + f" {suffix}"  # never e-notation
    return f"{count:,.0f}"


def short_name(name: str, width: int = 40) -> str:
    """A build's name for a sentence or a legend: without its parenthesis, cut at a word.

    >>> short_name("Mac Studio M3 Ultra 256 GB (28-core CPU / 60-core GPU / 1 TB)")
    'Mac Studio M3 Ultra 256 GB'
    >>> short_name("Desktop, 1x used RTX 3090 24 GB + 256 GB DDR5 with MoE expert offload", 30)
    'Desktop, 1x used RTX 3090 24…'
    """
    text = name.split(" (")[0].strip() or name
    if len(text) <= width:
        return text
    cut = text[: width - 1].rsplit(" ", 1)[0].rstrip(",;:+ ")
    return cut + "…"


#: the longest rental name a sentence or legend shows whole (its provider and offer are in its parenthesis)
RENTAL_NAME_WIDTH = 60


def machine_name(machine: Build | Rental, width: int = 40) -> str:
    """A machine's name for a sentence: a build's without its parenthesis (``short_name``); a rental's
    whole, since its parenthesis names the provider and the offer.

    >>> machine_name(Build(build_id="b", name="Mac Studio M3 Ultra 256 GB (28-core CPU)", capex_usd=1,
    ...     power_load_w=1, power_idle_w=0, gpu_count=0, cpu_tflops=1, system_ram_gb=1, ram_bandwidth_gbs=1))
    'Mac Studio M3 Ultra 256 GB'
    """
    if machine.rented:
        name = machine.name
        return name if len(name) <= RENTAL_NAME_WIDTH else name[: RENTAL_NAME_WIDTH - 1] + "…"
    return short_name(machine.name, width)


def machine_label(machine: Build | Rental, name: str | None = None) -> str:
    """A machine's entry in a legend or a list (``name``, its name by default): a rental says it is rented."""
    name = machine.name if name is None else name
    return f"Rent: {name}" if machine.rented else name


def short_names(names: Iterable[str], width: int = 40) -> list[str]:
    """``short_name`` of each, except where two would read the same: those keep their whole name.

    >>> short_names(["Box A (fast)", "Box A (slow)", "Box B (x)", "Box B (x)"])
    ['Box A (fast)', 'Box A (slow)', 'Box B', 'Box B']
    """
    names = list(names)
    short = {n: short_name(n, width) for n in dict.fromkeys(names)}
    seen = collections.Counter(short.values())
    return [n if seen[short[n]] > 1 else short[n] for n in names]


def usd(amount: float) -> str:
    """Whole dollars with the sign in front: ``-1234.5`` -> ``'-$1,235'``.

    >>> usd(1444.4), usd(-713)
    ('$1,444', '-$713')
    """
    return f"-${-amount:,.0f}" if amount < 0 else f"${amount:,.0f}"


#: a verdict in words, for tables and notices
VERDICT_WORDS = {
    Verdict.PAYS_BACK: "pays back",
    Verdict.NEVER: "never pays back",
    Verdict.CANNOT_SERVE: "cannot serve",
    Verdict.DOES_NOT_FIT: "does not fit",
}


def verdict_words(verdict: Verdict | str) -> str:
    """``'pays_back'`` -> ``'pays back'``."""
    return VERDICT_WORDS[Verdict(verdict)]


def _plain(amount: float) -> str:
    """Four significant figures, thousands separated, never e-notation: ``238.5``, ``16.8``, ``12,345``."""
    return f"{amount:,.0f}" if abs(amount) >= 1000 else f"{amount:.4g}"


#: unit -> (format of the bare number, what a sentence adds after it)
_SUFFIX = {"USD/Mtok": "/Mtok", "USD/month": "/month", "USD/kWh": "/kWh", "USD/h": "/h", "tokens/s": " tok/s"}


def value(name: str, amount: float, with_unit: bool = True) -> str:
    """An amount of ``name`` in its unit, for people; the one number format of every page, table and
    chart label. ``with_unit=False`` is for a table cell, whose column header carries the unit.

    >>> value("capex_usd", 5999), value("tokens_per_month", 5e7), value("input_share", 0.675)
    ('$5,999', '50 M', '67.5%')
    >>> value("electricity_usd_per_kwh", 0.15), value("electricity_usd_per_kwh", 0.15, with_unit=False)
    ('$0.150/kWh', '$0.150')
    >>> value("required_gb", 238.459), value("capacity_tok_per_month", 1.283e8), value("decode_tok_s", 26.81)
    ('238.5 GB', '128 M', '26.8 tok/s')
    """
    u = unit(name) if name in GLOSSARY else ""
    suffix = _SUFFIX.get(u, "") if with_unit else ""
    if u in ("tokens/month", "tokens"):
        return tokens(amount)
    if u == "0-1":
        return f"{amount:.1%}".replace(".0%", "%")
    if u == "per year":
        text = f"{amount:+.1%}" if name == "api_price_change_per_year" else f"{amount:.1%}"
        return text + ("/yr" if with_unit else "")
    if u in ("USD", "USD/month"):
        return usd(amount) + suffix
    if u in ("USD/Mtok", "USD/h"):
        return f"${amount:,.2f}" + suffix
    if u == "USD/kWh":
        return f"${amount:.3f}" + suffix
    if u == "tokens/s":
        return f"{amount:,.1f}" + suffix
    if u == "month":
        return f"{amount:.1f}"
    if u in ("months", "days"):
        return f"{amount:,.0f}"
    if u == "x":
        return f"{amount:.2f}x"
    if u == "h/day":
        return f"{amount:g}" + (" h/day" if with_unit else "")
    if u == "date":
        return str(amount)
    return _plain(amount) + (f" {u}" if with_unit and u and u != "ratio" else "")


def rate(usd_per_mtok: float | None) -> str:
    """A price per million tokens: ``'$2.15'``; ``'n/a'`` when there is none."""
    return "n/a" if usd_per_mtok is None else f"${usd_per_mtok:,.2f}"


#: a price kind in a sentence: "a used price"
_PRICE_KIND_WORDS = {
    "list": "the maker's list price new",
    "street": "a retailer's price new",
    "used": "a used price",
    "clearance": "a clearance price",
    "estimate": "an estimate",
}


def price_words(build: Build, today: dt.date | None = None) -> str:
    """A build's price, what it is and when it was seen; with ``today``, how old when over six months.

    >>> b = Build(build_id="box", name="Box", capex_usd=6000, power_load_w=200, power_idle_w=10,
    ...           gpu_count=0, cpu_tflops=2, system_ram_gb=256, ram_bandwidth_gbs=819,
    ...           price_kind="used", price_as_of=dt.date(2026, 3, 8))
    >>> price_words(b)
    '$6,000, a used price seen Mar 2026'
    >>> price_words(b, dt.date(2026, 12, 2))
    '$6,000, a used price seen Mar 2026 (269 days ago: check it)'
    """
    text = value("capex_usd", build.capex_usd)
    kind = _PRICE_KIND_WORDS.get(build.price_kind or "", "a price of unstated kind")
    seen = build.price_seen
    text += f", {kind} seen {seen:%b %Y}" if seen else f", {kind}, date unknown"
    if today is not None and seen is not None and build.price_is_stale(today):
        text += f" ({(today - seen).days:,} days ago: check it)"
    return text


#: an offer kind in a sentence: "a spot offer" (interruptible)
_OFFER_WORDS = {
    "on-demand": "an on-demand offer",
    "spot": "a spot (interruptible) offer",
    "community": "a community host's offer",
    "reserved": "a reserved offer",
}


def rental_price_words(rental: Rental, today: dt.date | None = None) -> str:
    """A rental's hourly price, what offer it is, where and when it was seen; with ``today``, how old
    when past ``RENTAL_PRICE_STALE_AFTER_DAYS``.

    >>> from costmodel.schema import Gpu, rental_of
    >>> gpu = Gpu(gpu_id="h200", gpu_name="H200", vram_gb_per_gpu=141, vram_bandwidth_gbs=4800, gpu_fp16_tflops=989)
    >>> r = rental_of(gpu, rental_id="r", provider="RunPod", name="2x H200", offer_kind="on-demand", gpu_count=2,
    ...               interconnect="nvlink", system_ram_gb=512, ram_bandwidth_gbs=300, cpu_tflops=5,
    ...               usd_per_hour=9.18, price_as_of=dt.date(2026, 10, 7))
    >>> rental_price_words(r, dt.date(2026, 12, 7))
    '$9.18/h, an on-demand offer at RunPod seen Oct 2026'
    >>> rental_price_words(r, dt.date(2027, 3, 1))
    '$9.18/h, an on-demand offer at RunPod seen Oct 2026 (145 days ago: check it)'
    """
    text = f"{value('usd_per_hour', rental.usd_per_hour)}, {_OFFER_WORDS[rental.offer_kind]} at {rental.provider}"
    if rental.commitment_months:
        text += f" ({rental.commitment_months}-month term)"
    seen = rental.price_seen
    text += f" seen {seen:%b %Y}" if seen else ", date unknown"
    if today is not None and seen is not None and rental.price_is_stale(today):
        text += f" ({(today - seen).days:,} days ago: check it)"
    return text


def stale_prices(builds: Iterable[Build], today: dt.date) -> str | None:
    """The sentence flagging the builds whose price is over ``BUILD_PRICE_STALE_AFTER_DAYS`` old, or
    None: each by name when one or two, else how many and when they were seen.

    >>> b = Build(build_id="box", name="Box (big)", capex_usd=6000, power_load_w=200, power_idle_w=10,
    ...           gpu_count=0, cpu_tflops=2, system_ram_gb=256, ram_bandwidth_gbs=819,
    ...           price_kind="list", price_as_of=dt.date(2023, 6, 1))
    >>> stale_prices([b], dt.date(2026, 12, 2))
    'Price over 6 months old: Box (list, seen Jun 2023). Check it before you buy: hardware prices move.'
    >>> c = b.model_copy(update={"price_as_of": dt.date(2026, 2, 1)})
    >>> stale_prices([b, c, c], dt.date(2026, 12, 2))[:67]
    'Prices over 6 months old: all 3 builds, seen Jun 2023 to Feb 2026. '
    """
    builds = list(builds)
    old = [b for b in builds if b.price_is_stale(today)]
    if not old:
        return None
    months = round(BUILD_PRICE_STALE_AFTER_DAYS / 30.5)
    if len(old) == 1:
        b = old[0]
        seen = f"seen {b.price_seen:%b %Y}" if b.price_seen else "date unknown"
        return (
            f"Price over {months} months old: {short_name(b.name)} ({b.price_kind or 'kind unstated'}, {seen}). "
            "Check it before you buy: hardware prices move."
        )
    if len(old) == 2:
        listed = " and ".join(
            f"{short_name(b.name)} (" + (f"seen {b.price_seen:%b %Y})" if b.price_seen else "date unknown)")
            for b in old
        )
    else:
        dates = sorted(b.price_seen for b in old if b.price_seen)
        span = f", seen {dates[0]:%b %Y} to {dates[-1]:%b %Y}" if dates else ""
        listed = ("all " if len(old) == len(builds) else "") + f"{len(old)} builds{span}"
    return f"Prices over {months} months old: {listed}. Check them before you buy: hardware prices move."


def kv_layers_words(model: Model) -> str:
    """What each kind of a model's layers caches per token, for a caption (empty without ``kv_layers``).

    >>> import costmodel as cm
    >>> kv_layers_words(cm.load_catalog(snapshot=False).models["gemma-4-31b"])
    '50 sliding: K and V, 16 heads x 256, window 1,024 tokens; 10 global: K and V, 4 heads x 512'
    >>> kv_layers_words(cm.load_catalog(snapshot=False).models["glm-5.2"])
    '78 mla: one 576-wide vector; 21 dsa indexer key (on top): one 128-wide vector'
    """
    parts = []
    for k in model.kv_layers:
        if k.tensors == 0:
            what = "no KV cache (a fixed-size state)"
        elif k.tensors == 1:
            what = f"one {k.head_dim}-wide vector" + (f" per head, {k.kv_heads} heads" if k.kv_heads > 1 else "")
        else:
            what = f"K and V, {k.kv_heads} head{'s' if k.kv_heads > 1 else ''} x {k.head_dim}"
        if k.window_tokens:
            what += f", window {k.window_tokens:,} tokens"
        parts.append(f"{k.layers} {k.layer_kind}{' (on top)' if k.extra else ''}: {what}")
    return "; ".join(parts)


@dataclasses.dataclass(frozen=True)
class Explanation:
    """A comparison in words: ``headline`` (the verdict in a few words) and ``details`` (why)."""

    headline: str
    details: tuple[str, ...]

    @property
    def reason(self) -> str:
        """The headline and its why as one sentence."""
        return "; ".join((self.headline, *self.details))


def months(month: float) -> str:
    """A crossing's month for a sentence: ``'month 31.2'``, or ``'the first month'`` below 1."""
    return "the first month" if month < 1 else f"month {month:.1f}"


def _turns(r: Comparison) -> list[str]:
    """The crossings after the first, in words: 'falls behind again in month 48', 'ahead again from month 55'."""
    out = []
    for month, up in r.crossings[1:]:
        out.append(f"ahead again from {months(month)}" if up else f"falls behind again in {months(month)}")
    return out


def _basis(r: Comparison) -> str:
    """How the sums count money: 'at a 4% cost of capital' or ''."""
    s = r.scenario
    return f" at a {s.discount_rate_per_year:.1%} a year cost of capital" if s.monthly_rate > 0 else ""


def explain(r: Comparison) -> Explanation:
    """The verdict of ``r`` in plain words; every sentence follows from the one basis of its numbers
    (the local position: cash out less what the box would sell for), so none contradicts another.

    >>> import costmodel as cm
    >>> cat = cm.load_catalog(); glm = cat.models["glm-5.2"]
    >>> s = cm.Scenario(build=cat.builds["mac-studio-192gb"], model=glm, quant=glm.quants["UD-IQ2_XXS"],
    ...                 price=cat.prices["zai/glm-5.2"], usage=cm.Usage(tokens_per_month=50e6))
    >>> explain(cm.compare(s)).headline
    'does not fit: short by 56 GB'
    """
    s, fit = r.scenario, r.fit
    horizon = s.horizon_months
    change = s.api_price_change_per_year
    trend_note = f" (its average over the horizon at {change:+.0%} a year)" if change != 0 else ""
    details: list[str] = []
    if r.verdict == Verdict.DOES_NOT_FIT:
        details.append(f"needs {fit.required_gb:,.0f} GB, {fit.available_gb:,.0f} GB usable")
        if fit.cap_raise_would_fit:
            details.append("raising the GPU memory cap would make it fit")
        return Explanation(f"does not fit: short by {fit.shortfall_gb:,.0f} GB", tuple(details))
    ahead = r.savings_at_horizon_usd
    standing = (
        f"{usd(ahead)} ahead of the API by month {horizon}{_basis(r)}"
        if ahead > 0
        else f"{usd(-ahead)} behind the API by month {horizon}{_basis(r)}"
    )
    if s.build.rented and not r.too_slow and r.verdict != Verdict.CANNOT_SERVE:
        return _explain_rental(r, trend_note)
    if r.too_slow:
        t = r.throughput
        each = r.stream_tok_s
        headline = (
            f"too slow: {value('decode_tok_s', each)} a stream for {t.streams} at once, "
            f"below the {value('decode_tok_s', s.min_stream_tok_s)} asked"
        )
        return Explanation(headline, (f"it serves {streams_words(r)} at that speed",) if streams_words(r) else ())
    if r.verdict == Verdict.CANNOT_SERVE:
        first = r.first_month_over_capacity
        headline = (
            f"cannot serve: capacity {tokens(r.capacity_tok_per_month)} tokens a month "
            f"against {tokens(r.tokens_first_over_capacity)} asked" + (f" (from month {first})" if first > 1 else "")
        )
        hybrid = r.hybrid_break_even_month
        details.append(
            f"the hybrid sending the overflow to the API pays back in {months(hybrid)}, {standing}"
            if hybrid is not None
            else f"the hybrid sending the overflow to the API is {standing}"
        )
        return Explanation(headline, tuple(details))
    if r.verdict == Verdict.PAYS_BACK:
        month = r.break_even_month
        headline = "ahead of the API from the first month" if month < 1 else f"pays back in month {month:.1f}"
        details += _turns(r)
        details.append(standing)
        cash = r.cash_payback_month
        details.append(
            f"its price is recovered in cash in month {cash:.1f}"
            if cash is not None
            else f"its price is not recovered in cash within {horizon} months (counting what the box would sell "
            "for, it is ahead)"
        )
        return Explanation(headline, tuple(details))
    api = r.api_horizon_usd_per_mtok
    if r.total_tokens < 1:
        return Explanation("never: no tokens to serve", ())
    running = r.local_running_usd_per_mtok
    if running is not None and running >= api:
        # running costs per token fall with volume (idle power is spread over more tokens): "never"
        # holds at this volume, which the headline says, so the cost-per-token chart cannot contradict it
        headline = (
            f"never at {tokens(s.usage.tokens_per_month)} tokens a month: running costs alone are "
            f"{rate(running)} per million tokens"
        )
        # the difference of the two prices as shown, so that the three figures add up on screen
        details.append(f"against the API's {rate(api)}{trend_note} ({rate(round(running, 2) - round(api, 2))} more)")
    else:
        headline = (
            f"never within {horizon} months: local costs {rate(r.local_usd_per_mtok)} per million tokens "
            f"against the API's {rate(api)}{trend_note}"
        )
    if r.crossings:
        details.append(f"ahead from {months(r.crossings[0][0])}, " + ", ".join(_turns(r) or ["then behind again"]))
    details.append(standing)
    volume = r.break_even_volume_tok_per_month
    if volume is not None and r.break_even_volume_within_capacity and volume > r.scenario.usage.tokens_per_month:
        details.append(f"it would pay back above {tokens(volume)} tokens a month")
    return Explanation(headline, tuple(details))


def billing_words(r: Comparison) -> str:
    """A rental's hours billed, worked and its instances, for a sentence:
    'billed 69 h a month for 38 h of work (56%), 1 instance at $5.56/h'."""
    use = r.rental
    if use is None:
        return ""
    text = f"billed {use.hours_billed_per_month:,.0f} h a month for {use.hours_worked_per_month:,.0f} h of work"
    if use.hours_billed_per_month > 0:
        text += f" ({value('rental_utilisation', use.rental_utilisation)})"
    count = use.rented_instances
    text += f", {count} instance{'s' if count != 1 else ''} at {value('usd_per_hour', use.effective_usd_per_hour)}"
    if use.effective_usd_per_hour > r.scenario.build.usd_per_hour * (1 + 1e-9):
        text += " with interruptions' restarts"
    return text


def _explain_rental(r: Comparison, trend_note: str) -> Explanation:
    """A rented machine against the API: cheaper or dearer over the horizon, and what it is billed."""
    s, horizon = r.scenario, r.scenario.horizon_months
    api = r.api_horizon_usd_per_mtok
    gap = r.savings_at_horizon_usd
    details = []
    if r.total_tokens < 1:
        headline = "dearer than the API: with no tokens asked it bills its storage alone"
    elif gap > 0:
        headline = f"cheaper than the API: {usd(gap)} less over {horizon} months{_basis(r)}"
        details.append(f"renting costs {rate(r.local_usd_per_mtok)} per million tokens against the API's {rate(api)}{trend_note}")
    else:
        headline = (
            f"dearer than the API: {rate(r.local_usd_per_mtok)} per million tokens against its {rate(api)}{trend_note}"
        )
        details.append(f"{usd(-gap)} more over {horizon} months{_basis(r)}")
    if r.crossings and gap > 0 and r.crossings[0][0] >= 1:
        details.append(f"ahead from {months(r.crossings[0][0])}")
    billed = billing_words(r)
    if billed:
        details.append(billed)
    volume = r.break_even_volume_tok_per_month
    if gap <= 0 and volume is not None and volume > s.usage.tokens_per_month:
        details.append(f"renting would be cheaper above {tokens(volume)} tokens a month")
    return Explanation(headline, tuple(details))


def streams_words(r: Comparison) -> str:
    """How many streams the build serves at the scenario's per-stream floor: '3 streams', or ''."""
    s = r.scenario
    if s.min_stream_tok_s is None or r.throughput.estimate is None:
        return ""
    n = streams_at_floor(s.build, s.model, s.quant, s)
    return "no stream" if n == 0 else f"{n} stream{'s' if n > 1 else ''}"


def _way(kind: str, name: str) -> str:
    """A way to serve the tokens in a sentence: 'the API, avian/z-ai/glm-5.2', 'buying the Mac Studio'."""
    return {"api": f"the API, {name}", "build": f"buying the {name}", "rent": f"renting the {name}"}[kind]


def _segment_way(segment, cheapest_api: str) -> str:
    """A segment's way in words, with the boxes bought and the overflow sent to the API."""
    if segment.kind == "build" and segment.most_boxes > 1:
        text = f"buying up to {segment.most_boxes} of the {segment.name}"
    else:
        text = _way(segment.kind, segment.name)
    if segment.hybrid:
        text += f" (what it cannot serve sent to {cheapest_api})"
    return text


def volume_words(rec: Recommendation, tokens_per_month: float) -> str:
    """Where the cheapest way changes with a flat volume, around ``tokens_per_month``:
    'buying the Mac Studio M3 Ultra 256 GB wins above 123 M tokens a month', or that one way is
    cheapest at every volume; '' without segments."""
    segments = rec.segments
    if not segments:
        return ""
    api = rec.cheapest_api.name
    if len(segments) == 1:
        low, high = segments[0].low_tok_per_month, segments[0].high_tok_per_month
        return (
            f"{_segment_way(segments[0], api)} is the cheapest at every volume from {tokens(low)} to "
            f"{tokens(high)} tokens a month"
        )
    here = next(
        (i for i, g in enumerate(segments) if g.low_tok_per_month <= tokens_per_month <= g.high_tok_per_month),
        0 if tokens_per_month < segments[0].low_tok_per_month else len(segments) - 1,
    )
    parts = [
        f"{_segment_way(g, api)} wins below {tokens(g.high_tok_per_month)} tokens a month"
        for g in reversed(segments[:here])
    ]
    parts += [
        f"{_segment_way(g, api)} wins above {tokens(g.low_tok_per_month)} tokens a month"
        for g in segments[here + 1 :]
    ]
    return "; ".join(parts)


def recommendation(rec: Recommendation, horizon_months: int, tokens_per_month: float) -> Explanation:
    """The study's answer in one sentence, what the other ways cost beside it, and what would change it.

    "Pay the API: avian/z-ai/glm-5.2, $2,188 over 60 months; $2,436 less than the runner-up, the Mac
    Studio M3 Ultra 256 GB; $19,519 less than the cheapest rental, ...; the answer changes: buying the
    Mac Studio M3 Ultra 256 GB wins above 123 M tokens a month."
    """
    best, second = rec.best, rec.runner_up
    cost = f"{usd(best.cost_usd)} over {horizon_months} months"
    volume = f"For {tokens(tokens_per_month)} tokens a month"
    if best.kind == "api":
        headline = f"{volume}, pay the API: {best.name}, {cost}"
    elif best.kind == "rent":
        headline = f"{volume}, rent the {best.name}: {cost}"
        billed = billing_words(best.comparison)
        if billed:
            headline += f", {billed}"
    else:
        headline = f"{volume}, buy the {best.name}: {cost} counting its resale"
        if best.comparison.verdict == Verdict.CANNOT_SERVE:
            headline += (
                f", serving {tokens(best.comparison.capacity_tok_per_month)} tokens a month and sending the rest "
                f"to {rec.cheapest_api.name}"
            )
    details = []
    if second is not None:
        what = f"the {second.name}" if second.kind != "api" else second.name
        details.append(f"{usd(second.cost_usd - best.cost_usd)} less than the runner-up, {what}")
    named = {best.key, second.key if second is not None else None}
    for other, words in (
        (rec.cheapest_api, "the cheapest API, {}"),
        (rec.best_build, "the cheapest box, the {}"),
        (rec.best_rental, "the cheapest rental, the {}"),
    ):
        if other is not None and other.key not in named and other.kind != best.kind:
            details.append(f"{usd(other.cost_usd - best.cost_usd)} less than {words.format(other.name)}")
    changes = []
    moves = volume_words(rec, tokens_per_month)
    if moves and len(rec.segments) == 1:  # no volume changes it: said as it is
        details.append(moves)
    elif moves:
        changes.append(moves)
    elif rec.best_build is not None and rec.volume_threshold_tok_per_month is not None:
        side = "above" if best.kind == "api" else "below"
        winner = f"buying the {rec.best_build.name}" if best.kind == "api" else "the API"
        changes.append(f"{winner} wins {side} {tokens(rec.volume_threshold_tok_per_month)} tokens a month")
    if rec.best_build is not None:
        box = rec.best_build.name
        rival = rec.rival
        rival_words = "the API" if rival is not None and rival.kind == "api" else f"the {rival.name}" if rival else ""
        power = rec.electricity_threshold_usd_per_kwh
        current = rec.best_build.comparison.scenario.electricity_usd_per_kwh
        if power is not None and best.kind != "build":
            changes.append(
                f"if electricity falls below ${power:.3f}/kWh"
                if power < current
                else f"if electricity rises above ${power:.3f}/kWh"
            )
        elif power is not None:
            changes.append(
                f"{rival_words} wins if electricity rises above ${power:.3f}/kWh"
                if power > current
                else f"{rival_words} wins if electricity falls below ${power:.3f}/kWh"
            )
        capex = rec.capex_threshold_usd
        price = rec.best_build.comparison.scenario.build.capex_usd
        if capex is not None and best.kind != "build" and capex < price:
            changes.append(f"if the {box} cost less than {usd(capex)} (it is priced at {usd(price)})")
        elif capex is not None and best.kind == "build" and capex > price:
            changes.append(f"{rival_words} wins if the {box} cost more than {usd(capex)}")
    if changes:
        details.append("the answer changes: " + "; or ".join(changes))
    if rec.unable:
        details.append(f"{len(rec.unable)} of the builds and rentals chosen cannot hold the model")
    if rec.too_slow:
        n = len(rec.too_slow)
        details.append(f"{n} of the builds and rentals chosen {'is' if n == 1 else 'are'} too slow for each stream")
    return Explanation(headline, tuple(details))


def usage_words(history: UsageHistory, costs: CostsElsewhere, names: Mapping[str, str], model_name: str) -> Explanation:
    """A usage export's window in words: its volume and mix, and what it cost and would have cost.

    ``names`` gives each machine of ``costs.hours`` its name; ``model_name`` is the break-even
    page's model, the one the machines' hours are for.
    """
    h = history
    days = f"the last {h.window_days} days" if not h.monthly else f"{h.window_first_day:%B %Y}"
    headline = (
        f"{days[:1].upper() + days[1:]}: {tokens(h.window_tokens)} tokens, {value('input_share', h.input_share)} "
        f"input, {value('cached_input_share', h.cached_input_share)} of it read from the cache: "
        f"{tokens(h.tokens_per_month)} tokens a month, growth {h.monthly_growth:+.1%} a month ({h.growth_note})"
    )
    details = []
    if costs.used_usd is not None:
        billed = ", ".join(dict.fromkeys(costs.used.values()))
        text = f"{usd(costs.used_usd)} on the API you used ({billed})"
        if costs.billed_usd is not None:
            text += f"; the export says {usd(costs.billed_usd)}"
        if h.window["cache_write_tokens"] > 0:
            text += " (cache writes priced as input here; Anthropic bills 5-minute writes at 1.25x)"
        details.append(text)
    elif costs.billed_usd is not None:
        details.append(f"{usd(costs.billed_usd)} as the export says")
    if costs.target is not None:
        price_id, cost = costs.target
        details.append(f"{usd(cost)} on the cheapest {model_name} offering ({price_id})")
    for machine_id, hours in costs.hours.items():
        name = names.get(machine_id, machine_id)
        if hours is None:
            continue
        share = hours / (h.window_days * HOURS_PER_DAY)
        more = ": more than one machine's time" if share > 1 else ""
        details.append(
            f"{hours:,.0f} hour{'s' if round(hours) != 1 else ''} of the {name} running {model_name} "
            f"({share:.0%} of the {h.window_days} days' hours{more})"
        )
    return Explanation(headline, tuple(details))


def growth_warning(history: UsageHistory, horizon_months: int) -> str | None:
    """A warning when the fitted growth is steep (``STEEP_GROWTH_PER_MONTH``): what it asks by the horizon.

    A few weeks' ramp-up, compounded over five years, asks for more tokens than anyone will send.
    """
    from .history import STEEP_GROWTH_PER_MONTH

    g = history.monthly_growth
    if abs(g) < STEEP_GROWTH_PER_MONTH:
        return None
    last = history.tokens_per_month * (1 + g) ** (horizon_months - 1)
    return (
        f"The file's trend is {g:+.1%} a month; compounded over a {horizon_months}-month horizon it asks "
        f"{tokens(last)} tokens in month {horizon_months}. If it will not last, set the growth yourself "
        "on the break-even page."
    )
