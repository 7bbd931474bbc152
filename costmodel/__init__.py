"""costmodel: buy the box or pay the API? Local-vs-API cost of running open-weight LLMs.

Data flows one way:

    data/*.csv -> io (every reader of files) -> schema (frozen, bounded models)
               -> memory, speed, pricing, ownership (pure functions) -> engine (the monthly sums)
               -> breakeven, study, recommend, sensitivity (results, numbers only) -> explain (words)
               -> plots (figure specs, no arithmetic)

The core (every module but ``io`` and ``plots``) reads no file, clock or network.

=====================  =====================================================================
``load_catalog``       the validated catalogue of ``data/``: builds, models (with quants), prices, rentals
``Build`` ...          ``Hardware``, ``Build``, ``Rental``, ``Gpu``, ``Model``, ``Quant``, ``ApiPrice``, ``Usage``,
                       ``Scenario``
``compare``            a machine bought or rented against the API for a ``Scenario``: verdict, curve
``explain``            a comparison's verdict in plain words
``volume_curve``       cost per million tokens against monthly volume, capacity marked
``compare_builds``     several builds against several APIs under one set of assumptions
``study_of``           a ``StudyInputs`` (ids and assumptions, as saved) recomputed
``recommend``          a study's answer: the cheapest of buy, rent and API, and what would change it
``tornado``            each input over a range, one at a time: which guesses move the verdict
``monte_carlo``        10,000 scenarios drawn around one, vectorised: how likely the verdict holds
``price_trend_scenarios``  the curves and break-even under falling, flat and rising API prices
``blended_usd_per_mtok``  the price of a million tokens of an input/output/cached mix
``check_fit``          whether a machine holds a quant, and where the bytes live
``estimate_speed``     decode and prefill speed, with the bandwidth ceiling
``kv_cache_gb``        KV-cache size at a context length
``CostModelError``     the one error class (a ``ValueError``)
``GLOSSARY``           every name with its unit and meaning
=====================  =====================================================================

>>> import costmodel as cm
>>> cat = cm.load_catalog()
>>> model = cat.models["glm-5.2"]
>>> usage = cm.Usage(tokens_per_month=50e6, input_share=0.75)
>>> round(cm.blended_usd_per_mtok(cat.prices["zai/glm-5.2"], usage), 2)
2.15
"""

from __future__ import annotations

from .breakeven import CURVE_COLUMNS, Comparison, Verdict, compare, volume_curve
from .catalog import Catalog
from .engine import price_trend_factors
from .errors import CostModelError
from .explain import Explanation, explain
from .glossary import GLOSSARY
from .io.catalog import load_catalog
from .memory import Fit, check_fit, kv_cache_gb
from .pricing import blended_usd_per_mtok, sum_of_prices_usd
from .schema import (
    ApiPrice,
    Assumptions,
    Build,
    Claim,
    Gpu,
    Hardware,
    MemoryOptions,
    Model,
    Quant,
    Rental,
    Scenario,
    Usage,
)
from .sensitivity import (
    DEFAULT_TRENDS,
    MonteCarlo,
    MonteCarloSummary,
    PriceTrend,
    default_uncertain,
    monte_carlo,
    price_trend_scenarios,
    tornado,
)
from .recommend import Option, Recommendation, recommend
from .speed import Speed, SpeedParams, estimate_speed
from .study import Study, StudyInputs, compare_builds, study_of
from .units import HOURS_PER_MONTH, TOKENS_PER_MTOK

__all__ = [
    "CURVE_COLUMNS",
    "DEFAULT_TRENDS",
    "GLOSSARY",
    "HOURS_PER_MONTH",
    "TOKENS_PER_MTOK",
    "ApiPrice",
    "Assumptions",
    "Build",
    "Catalog",
    "Claim",
    "Comparison",
    "CostModelError",
    "Explanation",
    "Fit",
    "Gpu",
    "Hardware",
    "MemoryOptions",
    "Model",
    "MonteCarlo",
    "MonteCarloSummary",
    "PriceTrend",
    "Quant",
    "Rental",
    "Scenario",
    "Speed",
    "SpeedParams",
    "Study",
    "StudyInputs",
    "Usage",
    "Verdict",
    "blended_usd_per_mtok",
    "check_fit",
    "compare",
    "compare_builds",
    "default_uncertain",
    "estimate_speed",
    "explain",
    "kv_cache_gb",
    "load_catalog",
    "monte_carlo",
    "price_trend_factors",
    "price_trend_scenarios",
    "study_of",
    "recommend",
    "Recommendation",
    "Option",
    "sum_of_prices_usd",
    "tornado",
    "volume_curve",
]
