"""The inputs of the model: small, frozen, physically bounded pydantic models.

=================  =========================================================================
``Hardware``       memory, bandwidth and compute of a machine: what fit and speed need
``Build``          a machine to buy: its ``Hardware`` and the costs of owning it (``data/builds.csv``)
``Gpu``            one GPU model as clouds rent it (``data/gpus.csv``)
``Rental``         a machine rented by the hour: a ``Gpu`` x count, a host, and its prices (``data/rentals.csv``)
``Quant``          one quantisation of a model: file size, bits per weight, quality retained
``Model``          an open-weight model's architecture, with its quants by name
``ApiPrice``       one API offering's per-token prices (one row of ``data/prices.csv``)
``Claim``          a published decode speed, to set beside the estimate
``MemoryOptions``  context length, KV-cache type and the GPU memory cap: how fit and speed are asked
``Assumptions``    those, and electricity, horizon, hours powered, dual use and API price trend
``Usage``          tokens per month and their mix: input share, cached share of input, growth
``Scenario``       everything ``compare`` needs: a machine (bought or rented), model, quant, price,
                   usage, assumptions
=================  =========================================================================

Each bound and default is defined once, on its field: widget ranges, sensitivity bounds and URL
checks read them from here (``bounds``, ``step``). Bounds document the domain and make bad input
fail at the door with a message. Empty means missing, never zero: an optional field is ``None``
when not given. Field names carry their units and are the same strings as the CSV headers (see
``costmodel.glossary``).
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from typing import Annotated, Literal

import annotated_types
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic.fields import FieldInfo

from .errors import CostModelError
from .validation import error_details

_CONFIG = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, str_strip_whitespace=True)

Id = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[a-z0-9][a-z0-9._-]*$")]


def _no_tags(value: str) -> str:
    """Text shown on pages: no HTML or script tags."""
    if re.search(r"<\s*/?\s*[a-zA-Z!]", value):
        raise ValueError("must not hold HTML or script tags")
    return value


def _plain_text(value: str) -> str:
    """A name shown on pages and written to CSV: no tags, nothing a spreadsheet would run."""
    if value.startswith(("=", "+", "@")):
        raise ValueError(f"must not start with {value[0]!r} (a spreadsheet would run it as a formula)")
    return _no_tags(value)


Name = Annotated[str, Field(min_length=1, max_length=120), AfterValidator(_plain_text)]
Text = Annotated[str, Field(max_length=200), AfterValidator(_plain_text)]
LongText = Annotated[str, Field(max_length=8000)]
Share = Annotated[float, Field(ge=0, le=1)]
Confidence = Literal["sourced", "derived", "estimate", "mixed"]

#: The slowest speed a scenario may state [tokens/s]: a token every 17 minutes. Below it (down to
#: subnormal floats) the sums lose every digit and give NaN.
MIN_TOK_S = 1e-3
#: The slowest memory and compute a build may have [GB/s] and [TFLOPS], for the same reason.
MIN_GBS, MIN_TFLOPS = 0.1, 1e-3

#: The default cost of capital [fraction a year]: what a buyer paying cash from savings gives up.
#: 4% sits at the US 10-year Treasury yield (4.22% on 2026-02-09, Trading Economics as quoted in a
#: stored page) and above the Fed funds target range (3.50-3.75%, held on 2026-01-28: the FOMC
#: statement). A small business borrowing for equipment pays more: the median bank term loan was
#: 7.22% fixed / 7.75% variable (Kansas City Fed Small Business Lending Survey, Q3 2025, via
#: nav.com); an individual's 24-month personal loan 11.40% (Federal Reserve G.19, Q1 2026).
#: ``DISCOUNT_RATE_PRESETS`` offers those.
DEFAULT_DISCOUNT_RATE = 0.04
DISCOUNT_RATE_PRESETS: tuple[tuple[str, float], ...] = (
    ("none: the plain sums", 0.0),
    ("4%: cash from savings (10-year Treasury 4.22%, Feb 2026)", 0.04),
    ("7.5%: a small-business equipment loan (KC Fed median 7.22-7.75%, Q3 2025)", 0.075),
    ("11.4%: a personal loan (Federal Reserve G.19, Q1 2026)", 0.114),
)

#: Share of unified memory the GPU may wire by default when a build does not say. macOS caps
#: GPU-wired memory (``iogpu.wired_limit_mb``) at about 75% of RAM on large-memory Macs; see
#: ``data/builds.csv`` for the sources of each build's figure.
DEFAULT_GPU_USABLE_FRACTION = 0.75


class _Frozen(BaseModel):
    """Base of every input: frozen, bounded, and failing with a ``CostModelError`` that says why."""

    model_config = _CONFIG

    def __init__(self, /, **data: object) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            details = error_details(exc)
            text = "; ".join(f"{where}: {why}" if where else why for where, why in details)
            raise CostModelError(f"{type(self).__name__}: {text}", details) from None


class _Provenance(_Frozen):
    """Where a figure came from. Catalogue rows must carry both; hand-made objects may not."""

    confidence: Confidence | None = None
    note: LongText = ""
    source: LongText = "user input"
    as_of: dt.date | None = None


#: memory of one discrete GPU [GB], its bandwidth [GB/s], its dense FP16 tensor throughput [TFLOPS]
VramGb = Annotated[float, Field(gt=0, le=4096)]
VramBandwidthGbs = Annotated[float, Field(ge=MIN_GBS, le=100_000)]
GpuTflops = Annotated[float, Field(ge=MIN_TFLOPS, le=100_000)]
GpuBackend = Literal["cuda", "rocm", "vulkan", "metal", "cpu"]


class Hardware(_Provenance):
    """Memory, bandwidth and compute of a machine: all that fit and speed need.

    Memory is described per GPU (``vram_*`` fields) for discrete cards, and by the system-RAM
    fields for the one pool of a unified-memory machine (Apple silicon, Strix Halo, DGX Spark).
    A CPU-only server has ``gpu_count`` 0.
    """

    name: Name
    gpu_name: Text | None = None
    gpu_count: Annotated[int, Field(ge=0, le=256)] = 1
    vram_gb_per_gpu: VramGb | None = None
    vram_bandwidth_gbs: VramBandwidthGbs | None = None
    gpu_fp16_tflops: GpuTflops | None = None
    gpu_backend: GpuBackend | None = None
    multi_gpu_mode: Literal["layer", "tensor"] = "layer"
    interconnect: Literal["pcie", "nvlink", "none"] = "none"
    #: GPUs on PCIe reach each other directly (datacenter and workstation cards); GeForce cards do
    #: not, so each all-reduce hop goes through host memory. None: not known, taken as not.
    peer_to_peer: bool | None = None
    unified_memory: bool = False
    gpu_usable_fraction: Annotated[float, Field(gt=0, le=1)] | None = None
    system_ram_gb: Annotated[float, Field(gt=0, le=1_000_000)]
    ram_bandwidth_gbs: Annotated[float, Field(ge=MIN_GBS, le=100_000)]
    cpu_tflops: Annotated[float, Field(ge=MIN_TFLOPS, le=10_000)] | None = None

    @model_validator(mode="after")
    def _consistent_hardware(self) -> Hardware:
        if self.unified_memory:
            if self.gpu_count > 1:
                raise ValueError("a unified-memory build has one GPU sharing the RAM: gpu_count must be 0 or 1")
            if self.gpu_count == 1 and self.gpu_fp16_tflops is None:
                raise ValueError("gpu_fp16_tflops is required for a unified-memory build with a GPU")
        elif self.gpu_count > 0:
            for field in ("vram_gb_per_gpu", "vram_bandwidth_gbs", "gpu_fp16_tflops"):
                if getattr(self, field) is None:
                    raise ValueError(f"{field} is required when gpu_count is {self.gpu_count} (discrete GPUs)")
        if self.gpu_count > 1 and self.interconnect == "none":
            raise ValueError("interconnect must be pcie or nvlink when gpu_count > 1")
        if self.gpu_count == 0 and self.cpu_tflops is None:
            raise ValueError("cpu_tflops is required for a CPU-only build (gpu_count 0)")
        return self

    @property
    def usable_gpu_fraction(self) -> float:
        """Share of unified memory the GPU may use at the default cap [0-1]."""
        if self.gpu_usable_fraction is not None:
            return self.gpu_usable_fraction
        return DEFAULT_GPU_USABLE_FRACTION


#: what a build's price is: a maker's list price new, a street price new (a retailer's), a used
#: or clearance price, or an estimate (no dated price found for that configuration)
PriceKind = Literal["list", "street", "used", "clearance", "estimate"]
#: what a power figure is: measured at the wall, a maker's maximum, a chip's TDP, or an estimate
PowerKind = Literal["measured", "vendor-max", "tdp", "estimate"]
#: a build's price older than this is flagged wherever it is used [days] (hardware prices move:
#: 64 GB of DDR5 cost about three times as much in early 2026 as a year before)
BUILD_PRICE_STALE_AFTER_DAYS = 183
#: an API price older than this is flagged stale [days] (providers reprice every few months)
API_PRICE_STALE_AFTER_DAYS = 90


def age_days(seen: dt.date | None, today: dt.date) -> int | None:
    """Whole days from ``seen`` to ``today``; ``None`` when the date is unknown."""
    return None if seen is None else (today - seen).days


class _DatedPrice:
    """A price and the day it was seen (a build's or a rental's): ``price_as_of``, else the row's
    ``as_of``; stale past the class's ``stale_after_days``."""

    @property
    def price_seen(self) -> dt.date | None:
        """When the price was seen: ``price_as_of``, else the row's ``as_of``."""
        return self.price_as_of or self.as_of

    def price_is_stale(self, today: dt.date) -> bool:
        """The price was seen more than ``stale_after_days`` ago, or on no known day."""
        age = age_days(self.price_seen, today)
        return age is None or age > self.stale_after_days


class Build(_DatedPrice, Hardware):
    """A machine to buy: its hardware, and what owning it costs (one row of ``data/builds.csv``).

    ``price_kind`` and ``price_as_of`` say what ``capex_usd`` is and when it was seen: a machine no
    longer sold new carries a used, clearance or estimated price, never a withdrawn list price.
    ``power_kind`` says what the power figures are.
    """

    stale_after_days: typing.ClassVar[int] = BUILD_PRICE_STALE_AFTER_DAYS

    build_id: Id
    capex_usd: Annotated[float, Field(gt=0, le=100_000_000)]
    power_load_w: Annotated[float, Field(gt=0, le=1_000_000)]
    power_idle_w: Annotated[float, Field(ge=0, le=1_000_000)]
    lifetime_months: Annotated[int, Field(gt=0, le=240)] = 48
    resale_fraction: Share = 0.0
    price_kind: PriceKind | None = None
    price_as_of: dt.date | None = None
    power_kind: PowerKind | None = None

    @model_validator(mode="after")
    def _consistent_power(self) -> Build:
        if self.power_idle_w > self.power_load_w:
            raise ValueError(
                f"power_idle_w ({self.power_idle_w:g} W) must not exceed power_load_w ({self.power_load_w:g} W)"
            )
        return self

    @property
    def machine_id(self) -> str:
        """The id a study keys this machine by (a build's or a rental's)."""
        return self.build_id

    @property
    def rented(self) -> bool:
        """False: a build is bought."""
        return False


class Gpu(_Provenance):
    """One GPU model as clouds rent it (one row of ``data/gpus.csv``): what a rental's GPUs are."""

    gpu_id: Id
    gpu_name: Text
    vram_gb_per_gpu: VramGb
    vram_bandwidth_gbs: VramBandwidthGbs
    gpu_fp16_tflops: GpuTflops
    gpu_backend: GpuBackend = "cuda"
    peer_to_peer: bool | None = None


#: what a rental offer is: on-demand (by the hour, whenever asked), spot (interruptible, cheaper),
#: community (a host's own machine on a marketplace), reserved (a commitment for a term)
OfferKind = Literal["on-demand", "spot", "community", "reserved"]
#: how a rented machine is billed against the demand: every hour of the month ("always-on"), the
#: hours a day the work comes ("busy-hours"), or started when work comes and stopped after it
#: ("scale-to-zero"); a reserved offer bills every hour whatever the mode
RentalMode = Literal["always-on", "busy-hours", "scale-to-zero"]
#: a rental price older than this is flagged [days]: GPU hourly prices move month to month
RENTAL_PRICE_STALE_AFTER_DAYS = 90


class Rental(_DatedPrice, Hardware):
    """A machine rented by the hour: its hardware (the GPU row it gives, times ``gpu_count``, and
    the host), and what renting it costs (one row of ``data/rentals.csv`` joined to ``gpus.csv``).

    ``usd_per_hour`` [USD/h] is the whole instance's price, all its GPUs. Storage for the weights
    [USD/GB-month], egress [USD/GB], the billing unit and minimum [s], the time to start and to
    load the weights (``cold_start_s`` [s], ``weights_load_gbs`` [GB/s]) and, for spot and
    community offers, ``interruptions_per_day`` (each one bills a restart again) are the offer's.
    ``commitment_months`` is a reserved offer's term.
    """

    stale_after_days: typing.ClassVar[int] = RENTAL_PRICE_STALE_AFTER_DAYS

    rental_id: Id
    provider: Annotated[str, Field(min_length=1, max_length=60), AfterValidator(_plain_text)]
    offer_kind: OfferKind
    gpu_id: Id | None = None
    usd_per_hour: Annotated[float, Field(gt=0, le=100_000)]
    commitment_months: Annotated[int, Field(gt=0, le=120)] | None = None
    storage_usd_per_gb_month: Annotated[float, Field(ge=0, le=100)] = 0.0
    egress_usd_per_gb: Annotated[float, Field(ge=0, le=100)] = 0.0
    billing_increment_s: Annotated[float, Field(ge=1, le=2_678_400)] = 1.0
    min_billing_s: Annotated[float, Field(ge=0, le=2_678_400)] = 0.0
    cold_start_s: Annotated[float, Field(ge=0, le=86_400)] = 0.0
    weights_load_gbs: Annotated[float, Field(ge=MIN_GBS, le=1000)] = 1.0
    interruptions_per_day: Annotated[float, Field(ge=0, le=24)] | None = None
    price_as_of: dt.date | None = None
    region: Text | None = None

    @model_validator(mode="after")
    def _consistent_offer(self) -> Rental:
        if self.offer_kind == "reserved" and self.commitment_months is None:
            raise ValueError("commitment_months is required for a reserved offer")
        if self.offer_kind != "reserved" and self.commitment_months is not None:
            raise ValueError(f"commitment_months is for reserved offers, not {self.offer_kind}")
        return self

    @property
    def machine_id(self) -> str:
        """The id a study keys this machine by (a build's or a rental's)."""
        return self.rental_id

    @property
    def rented(self) -> bool:
        """True: a rental is rented by the hour."""
        return True


def rental_of(gpu: Gpu, **offer: object) -> Rental:
    """A ``Rental`` of ``offer``'s fields (a ``rentals.csv`` row: count, host, prices) on ``gpu``'s
    hardware: the GPU's memory, bandwidth, compute, backend and peer-to-peer come from its row."""
    hardware = {
        "gpu_name": gpu.gpu_name,
        "vram_gb_per_gpu": gpu.vram_gb_per_gpu,
        "vram_bandwidth_gbs": gpu.vram_bandwidth_gbs,
        "gpu_fp16_tflops": gpu.gpu_fp16_tflops,
        "gpu_backend": gpu.gpu_backend,
        "peer_to_peer": gpu.peer_to_peer,
    }
    return Rental(**{**offer, **hardware, "gpu_id": gpu.gpu_id})


#: a machine a scenario serves the tokens on: bought (``Build``) or rented (``Rental``)
Machine = Build | Rental


#: where a file size comes from: the sum of a published file listing's parts (bytes), a rounded
#: published size, or a figure derived (scaled from another model, or a tool's GiB tensor size)
SizeKind = Literal["listing", "rounded", "derived"]
#: what a quality figure measures: top-1 token agreement with the full model, 1 / (1 + KL
#: divergence), the full model's perplexity over the quant's, a benchmark score ratio, 1.0 by
#: definition (the released precision), or an estimate set by hand
QualityMetric = Literal["top1-agreement", "kl-divergence", "ppl-ratio", "benchmark", "by-definition", "estimate"]

QUALITY_METRIC_WORDS: dict[str, str] = {
    "top1-agreement": "top-1 agreement",
    "kl-divergence": "a KL-divergence score",
    "ppl-ratio": "a perplexity ratio",
    "benchmark": "a benchmark score ratio",
    "by-definition": "1.0 by definition",
    "estimate": "an estimate",
}


class Quant(_Provenance):
    """One quantisation of a model: a file of ``file_size_gb`` holding the weights.

    ``size_kind`` says where the size comes from; ``claimed_file_size_gb`` keeps a published claim
    that differs from the file (the article's 241 GB beside the file's 238.5 GB). The quality
    figure carries its metric, whether it was measured on this model, and its source.
    """

    quant: Annotated[str, Field(min_length=1, max_length=60)]
    model_id: Id | None = None
    file_size_gb: Annotated[float, Field(gt=0, le=100_000)]
    bits_per_weight: Annotated[float, Field(gt=0, le=64)]
    quality_retained: Annotated[float, Field(gt=0, le=1)] | None = None
    quality_confidence: Literal["sourced", "estimate"] | None = None
    min_memory_gb: Annotated[float, Field(gt=0, le=100_000)] | None = None
    size_kind: SizeKind | None = None
    claimed_file_size_gb: Annotated[float, Field(gt=0, le=100_000)] | None = None
    quality_metric: QualityMetric | None = None
    quality_on_this_model: bool | None = None
    quality_source: LongText = ""

    @property
    def quality_words(self) -> str:
        """What the quality figure is, for a sentence: 'top-1 agreement, measured on this model'."""
        if self.quality_retained is None:
            return "no quality figure"
        what = QUALITY_METRIC_WORDS.get(self.quality_metric or "", "a figure of unstated kind")
        if self.quality_metric in ("by-definition", "estimate") or self.quality_on_this_model is None:
            return what
        return what + (", measured on this model" if self.quality_on_this_model else ", measured on another model")


class KvLayers(_Provenance):
    """Layers of one kind and what each caches per token (one row of ``data/kv_layers.csv``).

    ``tensors`` is 2 where K and V are cached (``kv_heads`` x ``head_dim`` elements each), 1 for a
    single cached tensor (an MLA latent, an indexer key), 0 for a linear-attention layer whose
    fixed-size state grows with nothing. ``window_tokens`` caps a sliding-window layer's cache.
    ``extra`` marks a cache kept on layers counted in another row (GLM 5.2's DSA indexer key on
    21 of its 78 MLA layers): it adds bytes, not layers.
    """

    model_id: Id
    layer_kind: Annotated[str, Field(min_length=1, max_length=60), AfterValidator(_no_tags)]
    layers: Annotated[int, Field(gt=0, le=1000)]
    kv_heads: Annotated[int, Field(ge=0, le=1024)]
    head_dim: Annotated[int, Field(ge=0, le=8192)]
    tensors: Annotated[int, Field(ge=0, le=2)]
    window_tokens: Annotated[int, Field(gt=0, le=100_000_000)] | None = None
    extra: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> KvLayers:
        if self.tensors and not (self.kv_heads and self.head_dim):
            raise ValueError(f"{self.layer_kind}: a cached layer needs kv_heads and head_dim above 0")
        return self


class Model(_Provenance):
    """An open-weight model: parameter counts and the attention shape that sizes its KV cache.

    ``attention`` is ``gqa`` (K and V cached per KV head: 2 x n_kv_heads x head_dim elements per
    layer per token) or ``mla`` (one compressed latent per layer per token: set ``n_kv_heads`` 1
    and ``head_dim`` to its width, e.g. 512 + 64 = 576 for DeepSeek V3).
    """

    model_id: Id
    name: Name
    total_params_b: Annotated[float, Field(gt=0, le=100_000)]
    active_params_b: Annotated[float, Field(gt=0, le=100_000)]
    shared_params_b: Annotated[float, Field(gt=0, le=100_000)] | None = None
    n_layers: Annotated[int, Field(gt=0, le=1000)]
    n_kv_heads: Annotated[int, Field(gt=0, le=1024)]
    head_dim: Annotated[int, Field(gt=0, le=8192)]
    attention: Literal["gqa", "mla"] = "gqa"
    kv_window_tokens: Annotated[int, Field(gt=0, le=100_000_000)] | None = None
    kv_windowed_layer_share: Share = 0.0
    max_context_tokens: Annotated[int, Field(gt=0, le=100_000_000)]
    license: Text = ""
    quants: dict[str, Quant] = Field(default_factory=dict)
    #: the layers by kind, where they differ (sliding and global, linear and full attention); when
    #: given they size the KV cache, and the fields above describe the main kind only
    kv_layers: tuple[KvLayers, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Model:
        if self.active_params_b > self.total_params_b:
            raise ValueError(
                f"active_params_b ({self.active_params_b:g}) must not exceed total_params_b ({self.total_params_b:g})"
            )
        if self.shared_params_b is not None and self.shared_params_b > self.active_params_b:
            raise ValueError(
                f"shared_params_b ({self.shared_params_b:g}) must not exceed active_params_b ({self.active_params_b:g})"
            )
        if self.kv_windowed_layer_share > 0 and self.kv_window_tokens is None:
            raise ValueError("kv_window_tokens is required when kv_windowed_layer_share > 0")
        for name, quant in self.quants.items():
            if name != quant.quant:
                raise ValueError(f"quants key {name!r} differs from the quant's name {quant.quant!r}")
        if self.kv_layers:
            counted = sum(k.layers for k in self.kv_layers if not k.extra)
            if counted != self.n_layers:
                kinds = ", ".join(f"{k.layers} {k.layer_kind}" for k in self.kv_layers if not k.extra)
                raise ValueError(f"kv_layers count {counted} layers ({kinds}); n_layers is {self.n_layers}")
        return self

    @property
    def is_moe(self) -> bool:
        """True for a mixture-of-experts model (fewer active than total parameters)."""
        return self.active_params_b < self.total_params_b


class ApiPrice(_Provenance):
    """One API offering's prices per million tokens [USD/Mtok].

    Cached input is a part of input billed at ``cached_input_usd_per_mtok`` where the provider
    offers it; blank means no discount (cached tokens are billed as ordinary input).
    """

    price_id: Annotated[str, Field(min_length=3, max_length=160)]
    provider: Annotated[str, Field(min_length=1, max_length=60), AfterValidator(_no_tags)]
    model: Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_no_tags)]
    input_usd_per_mtok: Annotated[float, Field(ge=0, le=10_000)]
    output_usd_per_mtok: Annotated[float, Field(ge=0, le=10_000)]
    cached_input_usd_per_mtok: Annotated[float, Field(ge=0, le=10_000)] | None = None
    open_weights_model_id: Id | None = None
    region: Text | None = None
    origin: Literal["genai-prices", "curated", "user"] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ApiPrice:
        if self.price_id != f"{self.provider}/{self.model}":
            raise ValueError(f"price_id must be provider/model ({self.provider}/{self.model}), got {self.price_id!r}")
        if self.input_usd_per_mtok == 0 and self.output_usd_per_mtok == 0:
            raise ValueError("input and output prices are both 0: a missing price is not a free one")
        return self

    def is_stale(self, today: dt.date) -> bool:
        """The price was checked more than ``API_PRICE_STALE_AFTER_DAYS`` ago, or on no known day."""
        age = age_days(self.as_of, today)
        return age is None or age > API_PRICE_STALE_AFTER_DAYS


class Claim(_Provenance):
    """A published decode speed for a model on a build, to set beside the estimate."""

    claim_id: Id
    build_id: Id
    model_id: Id
    quant: Annotated[str, Field(min_length=1, max_length=60)]
    decode_tok_s_low: Annotated[float, Field(gt=0, le=1_000_000)]
    decode_tok_s_high: Annotated[float, Field(gt=0, le=1_000_000)]

    @model_validator(mode="after")
    def _consistent(self) -> Claim:
        if self.decode_tok_s_high < self.decode_tok_s_low:
            raise ValueError("decode_tok_s_high must not be below decode_tok_s_low")
        return self

    @property
    def label(self) -> str:
        """``'3-9 tok/s'`` or ``'60 tok/s'``."""
        lo, hi = self.decode_tok_s_low, self.decode_tok_s_high
        return f"{lo:g} tok/s" if lo == hi else f"{lo:g}-{hi:g} tok/s"


def _ui(step: float) -> dict[str, float]:
    """A field's widget step, kept beside its bounds (``step`` reads it)."""
    return {"step": step}


#: tokens asked a month, input and output together [tokens/month]
TokensPerMonth = Annotated[float, Field(ge=0, le=1e13)]
#: a share in steps of 5 points for widgets
ShareInput = Annotated[float, Field(ge=0, le=1, json_schema_extra=_ui(0.05))]
#: a share of the token mix: fine steps, as a coding agent's output is 0.02% of its tokens
MixShare = Annotated[float, Field(ge=0, le=1, json_schema_extra=_ui(0.001))]


class MemoryOptions(_Frozen):
    """How fit and speed are asked: the context to size the KV cache for, its element type, and
    whether a unified-memory Mac's GPU memory cap is raised (as people running large models do:
    ``sudo sysctl iogpu.wired_limit_mb=...``; False keeps the build's ``gpu_usable_fraction``).
    ``check_fit``, ``estimate_speed`` and ``Scenario`` take their defaults from here."""

    context_tokens: Annotated[int, Field(ge=1, le=100_000_000, json_schema_extra=_ui(512))] = 8192
    kv_cache_dtype: Literal["f16", "q8_0", "q4_0"] = "f16"
    raise_gpu_memory_cap: bool = True
    #: streams served at once (users, agents): the fit holds a KV cache of ``context_tokens`` for each
    concurrency: Annotated[int, Field(ge=1, le=256, json_schema_extra=_ui(1))] = 1

    @property
    def memory(self) -> MemoryOptions:
        """These options on their own (a ``Scenario`` or ``StudyInputs`` passes its own)."""
        return MemoryOptions(**{k: getattr(self, k) for k in MemoryOptions.model_fields})


#: the inference engines the speed model tells apart (llama.cpp is the reference)
Engine = Literal["llama.cpp", "ik_llama.cpp", "mlx", "vllm", "ollama", "ktransformers"]
ENGINES: tuple[str, ...] = typing.get_args(Engine)


class SpeedOptions(MemoryOptions):
    """How speed is asked, beyond fit: the engine that runs the model, and how full the context is on
    average while it decodes (a conversation grows from empty to the limit: half, by default).
    ``estimate_speed`` and ``Scenario`` take their defaults from here."""

    engine: Engine = "llama.cpp"
    filled_context_share: Annotated[float, Field(ge=0, le=1, json_schema_extra=_ui(0.05))] = 0.5

    @property
    def speed(self) -> SpeedOptions:
        """These options on their own (a ``Scenario`` or ``StudyInputs`` passes its own)."""
        return SpeedOptions(**{k: getattr(self, k) for k in SpeedOptions.model_fields})


class Assumptions(SpeedOptions):
    """What a comparison assumes beyond the machine, the model and the API.

    Defaults: electricity 0.15 USD/kWh (the article's figure), a 60-month horizon, powered 24 h a
    day, the whole capex charged to LLM work (``dual_use_share`` 1.0), no maintenance, the
    machine replaced at the end of its lifetime when the horizon is longer, today's API prices
    for the whole horizon, tokens compared one for one.

    ``api_price_change_per_year`` [fraction per year] makes the API's prices follow a trend: in
    month m every per-token price (of ``price`` and of the overflow API alike) is multiplied by
    ``(1 + api_price_change_per_year) ** ((m - 1) / 12)``, so month 1 pays today's price and
    month 13 pays it times (1 + change). ``costmodel.sensitivity.DEFAULT_TRENDS`` gives sourced
    alternatives (-0.2 is the median same-model change observed over a year, 0.5 a stress case).
    The bounds, -90% to +300% a year, are wide enough for stress cases.

    ``quality_adjusted`` charges the local side for the quant's quality gap: when True the build
    must generate ``1 / quality_retained`` tokens (retries, longer answers) for each token the API
    would, so its hours at load, electricity above idle and capacity are counted per token of
    API-equivalent work (a quant retaining 0.8 needs 1.25 hours where the full model needs 1; the
    API side is unchanged). A quant whose ``quality_retained`` is unknown (None) counts as 1.0.

    The money terms a finance person asks for:

    * ``discount_rate_per_year`` [fraction a year]: the cost of capital. Money spent on the box up
      front could have earned this; both sides are counted in present value, month m's dollars
      weighted by ``(1 + rate) ** (-m / 12)`` (``discounted`` False shows the plain sums at the same
      rate's setting). The default, ``DEFAULT_DISCOUNT_RATE``, is a cash buyer's: see its source.
    * ``setup_usd`` [USD]: one-off costs at purchase with no resale value (installation,
      shipping, a new circuit).
    * ``maintenance_usd_per_month`` [USD/month] and ``maintenance_share_per_year`` [share of capex a
      year]: upkeep, flat or as a share of the price (ConfigIQ's default is 5% a year).
    * ``pue`` [ratio]: power usage effectiveness, the electricity of cooling and power delivery on
      top of the machine's own (1.0 at home, about 1.2-1.6 in a server room).
    * ``operator_hours_per_month`` [h/month] x ``operator_usd_per_hour`` [USD/h]: someone's time
      to keep it running (a rented machine's too).

    A rented machine (``Rental``) is billed by ``rental_mode``: every hour, the busy hours of each
    day (started before the work comes), or scale to zero (started ``rental_starts_per_day`` times
    a day, up for the work and ``rental_idle_minutes`` after it); see ``costmodel.renting``.
    Electricity, PUE, capex, resale, setup and maintenance are a bought machine's alone.
    """

    electricity_usd_per_kwh: Annotated[float, Field(ge=0, le=10, json_schema_extra=_ui(0.01))] = 0.15
    horizon_months: Annotated[int, Field(ge=1, le=240, json_schema_extra=_ui(1))] = 60
    hours_per_day: Annotated[float, Field(ge=1, le=24, json_schema_extra=_ui(1))] = 24.0
    dual_use_share: ShareInput = 1.0
    maintenance_usd_per_month: Annotated[float, Field(ge=0, le=1_000_000, json_schema_extra=_ui(10))] = 0.0
    replace_at_end_of_life: bool = True
    api_price_change_per_year: Annotated[float, Field(ge=-0.9, le=3.0, json_schema_extra=_ui(0.05))] = 0.0
    quality_adjusted: bool = False
    discount_rate_per_year: Annotated[float, Field(ge=0, le=1, json_schema_extra=_ui(0.005))] = DEFAULT_DISCOUNT_RATE
    discounted: bool = True
    setup_usd: Annotated[float, Field(ge=0, le=10_000_000, json_schema_extra=_ui(50))] = 0.0
    maintenance_share_per_year: Annotated[float, Field(ge=0, le=1, json_schema_extra=_ui(0.01))] = 0.0
    pue: Annotated[float, Field(ge=1, le=3, json_schema_extra=_ui(0.05))] = 1.0
    operator_hours_per_month: Annotated[float, Field(ge=0, le=730, json_schema_extra=_ui(1))] = 0.0
    operator_usd_per_hour: Annotated[float, Field(ge=0, le=1000, json_schema_extra=_ui(5))] = 0.0
    #: decode speed multiplier of speculative decoding or multi-token prediction (1: off). Published
    #: gains: 1.3-2x at batch 1 on dense models with a good draft, less or a loss on MoE models and at
    #: large batch (``costmodel.speed.SPECULATIVE_RANGES``)
    speculative_speedup: Annotated[float, Field(ge=0.3, le=4, json_schema_extra=_ui(0.05))] = 1.0
    #: hours a day the work is asked (office hours: 8-10); capacity counts only these
    busy_hours_per_day: Annotated[float, Field(ge=1, le=24, json_schema_extra=_ui(1))] = 24.0
    #: the busiest hour's demand over the busy hours' average (1: spread evenly)
    peak_to_average: Annotated[float, Field(ge=1, le=10, json_schema_extra=_ui(0.1))] = 1.0
    #: share of input the local engine finds in its prefix cache and does not prefill again (None:
    #: the usage's cached share of input, what the API bills as cached)
    prefix_cache_hit: Share | None = None
    #: the slowest decode each stream may get [tokens/s]; a box slower per stream is too slow
    min_stream_tok_s: Annotated[float, Field(gt=0, le=10_000, json_schema_extra=_ui(1))] | None = None
    #: identical boxes bought (their capacity, capex, power and upkeep add up)
    boxes: Annotated[int, Field(ge=1, le=64, json_schema_extra=_ui(1))] = 1
    #: how a rented machine is billed against the demand (see ``RentalMode``; ``costmodel.renting``)
    rental_mode: RentalMode = "scale-to-zero"
    #: times a day a scale-to-zero rental starts from cold (each start loads the weights again)
    rental_starts_per_day: Annotated[float, Field(ge=0.1, le=1440, json_schema_extra=_ui(1))] = 4.0
    #: minutes a scale-to-zero rental stays up after the last request before it stops
    rental_idle_minutes: Annotated[float, Field(ge=0, le=1440, json_schema_extra=_ui(1))] = 10.0

    @property
    def monthly_rate(self) -> float:
        """The discount rate the sums use, per month (0 when ``discounted`` is off) [fraction a month]."""
        return (1.0 + self.discount_rate_per_year) ** (1 / 12) - 1.0 if self.discounted else 0.0

    @property
    def assumptions(self) -> dict[str, object]:
        """These assumptions as keyword arguments (for a ``Scenario``)."""
        return {k: getattr(self, k) for k in Assumptions.model_fields}


class Usage(_Frozen):
    """How many tokens a month, and their mix.

    ``tokens_per_month`` counts input and output together. ``input_share`` is the share of them
    that is input (0.75 is a 3:1 input:output mix); ``cached_input_share`` is the share of the
    input read from the provider's prompt cache (a part of input, never billed twice).
    ``monthly_growth`` compounds: month m uses ``tokens_per_month x (1 + growth)^(m-1)``.
    """

    tokens_per_month: TokensPerMonth
    input_share: MixShare = 0.75
    cached_input_share: MixShare = 0.0
    monthly_growth: Annotated[float, Field(ge=-0.5, le=2.0, json_schema_extra=_ui(0.01))] = 0.0

    @property
    def usage(self) -> Usage:
        """These fields on their own (``StudyInputs`` holds them flat)."""
        return Usage(**{k: getattr(self, k) for k in Usage.model_fields})


#: usage patterns one click away: (label, input_share, cached_input_share, source)
USAGE_PRESETS: tuple[tuple[str, float, float, str], ...] = (
    ("chat: 3 input tokens to 1 output, nothing cached", 0.75, 0.0, "the article's 3:1 framing of a blended price"),
    (
        "coding agent: 99.9% input, 96% of it read from the cache",
        0.999,
        0.96,
        "four days of Claude Code use read by ccusage, published by Aman Mittal (amanhimself.dev, "
        "'TIL about tracking your Claude Code tokens usage', February 2026): 108 K input, 25 K output, "
        "5.4 M cache-write and 131 M cache-read tokens, so output is 0.02% of tokens and 96% of input "
        "is read from the cache",
    ),
)

#: a measured speed [tokens/s]: at least ``MIN_TOK_S``
DecodeTokS = Annotated[float, Field(ge=MIN_TOK_S, le=1_000_000)]
PrefillTokS = Annotated[float, Field(ge=MIN_TOK_S, le=10_000_000)]


#: what a box you own already would sell for today [USD]
OwnedValueUsd = Annotated[float, Field(ge=0, le=100_000_000)]


class Scenario(Assumptions):
    """Everything ``compare`` needs: a machine (a ``Build`` bought or a ``Rental``), a model and quant,
    an API price, usage, assumptions.

    The assumptions and their defaults are ``Assumptions``' and ``MemoryOptions``'. Speeds are
    estimated from the build unless ``decode_tok_s`` and ``prefill_tok_s`` give measured figures;
    the tokens above capacity go to the same API unless ``overflow_price`` names another.

    ``owned_value_usd`` [USD] is the marginal lens: the box is yours already and would sell for
    this today. Nothing is bought; what counts is that sale given up (the value the box loses while
    you keep it), its electricity and upkeep, against the API. The box's value falls from there as
    a new one's would (to ``resale_fraction`` of it over its lifetime); no setup cost is charged.
    """

    build: Machine
    model: Model
    quant: Quant
    price: ApiPrice
    usage: Usage
    decode_tok_s: DecodeTokS | None = None
    prefill_tok_s: PrefillTokS | None = None
    #: what the given speeds are: the user's own measurement, or a catalogue measurement on this
    #: build and quant ("calibrated")
    speed_source: Literal["measured", "calibrated"] = "measured"
    overflow_price: ApiPrice | None = None
    owned_value_usd: OwnedValueUsd | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        if self.quant.model_id is not None and self.quant.model_id != self.model.model_id:
            raise ValueError(
                f"quant {self.quant.quant!r} belongs to model {self.quant.model_id!r}, not {self.model.model_id!r}"
            )
        if self.context_tokens > self.model.max_context_tokens:
            raise ValueError(
                f"context_tokens {self.context_tokens:,} exceeds {self.model.model_id}'s "
                f"max_context_tokens {self.model.max_context_tokens:,}"
            )
        return self

    @property
    def local_tokens_per_api_token(self) -> float:
        """Tokens the build generates for each token the API would [ratio >= 1].

        ``1 / quality_retained`` when ``quality_adjusted`` (1.25 for a quant retaining 0.8),
        otherwise 1.0; a quant with no ``quality_retained`` counts as 1.0.
        """
        if not self.quality_adjusted or self.quant.quality_retained is None:
            return 1.0
        return 1.0 / self.quant.quality_retained

    @property
    def overflow(self) -> ApiPrice:
        """The API that takes the tokens above the build's capacity."""
        return self.overflow_price if self.overflow_price is not None else self.price


def field_info(model: type[BaseModel], name: str) -> FieldInfo:
    """The pydantic field ``name`` of ``model`` (a ``CostModelError`` naming it if unknown)."""
    try:
        return model.model_fields[name]
    except KeyError:
        raise CostModelError(f"{model.__name__} has no field {name!r}") from None


def bounds(model: type[BaseModel], name: str) -> tuple[float, float, bool, bool]:
    """``(low, high, low_included, high_included)`` of a numeric field, from its one definition.

    >>> bounds(Assumptions, "hours_per_day")
    (1, 24, True, True)
    >>> bounds(Build, "capex_usd")
    (0, 100000000, False, True)
    >>> bounds(Scenario, "decode_tok_s")   # an optional field
    (0.001, 1000000, True, True)
    """
    info = field_info(model, name)
    metadata = list(info.metadata)
    for member in typing.get_args(info.annotation):  # an optional field: the bounds sit on its type
        if typing.get_origin(member) is Annotated:
            for extra in typing.get_args(member)[1:]:
                metadata += getattr(extra, "metadata", [extra])
    low, high, low_in, high_in = float("-inf"), float("inf"), True, True
    for item in metadata:
        if isinstance(item, annotated_types.Ge):
            low, low_in = item.ge, True
        elif isinstance(item, annotated_types.Gt):
            low, low_in = item.gt, False
        elif isinstance(item, annotated_types.Le):
            high, high_in = item.le, True
        elif isinstance(item, annotated_types.Lt):
            high, high_in = item.lt, False
    return low, high, low_in, high_in


def step(model: type[BaseModel], name: str) -> float | None:
    """A field's widget step, where it has one."""
    extra = field_info(model, name).json_schema_extra
    return extra.get("step") if isinstance(extra, dict) else None


def default(model: type[BaseModel], name: str) -> object:
    """A field's default, from its one definition."""
    return field_info(model, name).get_default(call_default_factory=True)


def kind(model: type[BaseModel], name: str) -> tuple[str, tuple[object, ...]]:
    """What a field holds, for a form or a URL: ``('bool' | 'int' | 'float' | 'choice' | 'date' | 'text', choices)``.

    >>> kind(MemoryOptions, "kv_cache_dtype"), kind(Assumptions, "horizon_months")
    (('choice', ('f16', 'q8_0', 'q4_0')), ('int', ()))
    """
    base = field_info(model, name).annotation
    if typing.get_origin(base) in (typing.Union, types.UnionType):  # an optional field: the type it holds
        base = next(a for a in typing.get_args(base) if a is not type(None))
    while typing.get_origin(base) is Annotated:
        base = typing.get_args(base)[0]
    if typing.get_origin(base) is Literal:
        return "choice", typing.get_args(base)
    for python_type, word in ((bool, "bool"), (int, "int"), (float, "float"), (dt.date, "date")):
        if base is python_type:
            return word, ()
    return "text", ()
