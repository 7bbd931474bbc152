"""What renting a machine by the hour costs: hours billed from the demand, storage, egress, spot restarts.

A rented machine (``Rental``) runs the open weights as a bought one would: fit and speed come from
the same models (``memory``, ``speed``), since a rental is ``Hardware``. What differs is the bill:

* **Instances**: as many as the month's work needs, ``ceil(work hours / usable hours of one)``
  (the usable hours are the busy hours over the peak factor, as for a bought box), up to
  ``MOST_INSTANCES``; the tokens beyond them go to the API, as a bought box's overflow does.
* **Hours billed** per instance, by ``rental_mode``:

  - ``always-on``: every hour of the month (``HOURS_PER_MONTH``);
  - ``busy-hours``: each day, the busy hours and the restart before them (start the machine, load
    the weights), billed in the offer's units; every hour when the work comes 24 hours a day;
  - ``scale-to-zero``: ``rental_starts_per_day`` starts a day (none in a month with no work), each
    billed for its restart, its share of the work and ``rental_idle_minutes`` before it stops, in
    the offer's units and at least its minimum; never more than always on.

  A reserved offer bills every hour, whatever the mode. Billing units: a session of ``s`` seconds
  is billed ``max(min_billing_s, ceil(s / billing_increment_s) x billing_increment_s)``.
* **Interruptions** (spot and community offers): each bills the restart again, so the hours billed
  are multiplied by ``1 + interruptions_per_day / 24 x restart hours``: a higher effective price.
* **Storage**: the weights kept on the provider's disk, one copy per instance (at least one, so a
  scale-to-zero rental with no work still pays it), ``file_size_gb x storage_usd_per_gb_month``.
* **Egress**: the answers sent out, ``EGRESS_BYTES_PER_OUTPUT_TOKEN`` a token at ``egress_usd_per_gb``.

Every function takes numbers or numpy arrays (a draw per row, a month per column) and returns
the same shape; ``costmodel.engine`` runs them month by month.
"""

from __future__ import annotations

import numpy as np

from .schema import Rental
from .units import BYTES_PER_GB, DAYS_PER_MONTH, HOURS_PER_DAY, HOURS_PER_MONTH, SECONDS_PER_HOUR

#: the most instances of one offer a scenario rents at once (the bound of a bought scenario's boxes)
MOST_INSTANCES = 64
#: bytes sent out per output token: an OpenAI-compatible streamed chunk, one token each, is about
#: 200 bytes of JSON and SSE framing around ~4 bytes of text (an estimate; egress is a small term)
EGRESS_BYTES_PER_OUTPUT_TOKEN = 200.0
#: seconds in a minute, for the idle wait
SECONDS_PER_MINUTE = 60.0


def restart_hours(rental: Rental, file_size_gb: float) -> float:
    """Hours from asking for the machine to serving: its start, then the weights loaded [h].

    A 238.5 GB file at 1 GB/s after a 2-minute start: 358.5 seconds, about 6 minutes:

    >>> from costmodel.schema import Gpu, rental_of
    >>> gpu = Gpu(gpu_id="h200", gpu_name="H200", vram_gb_per_gpu=141, vram_bandwidth_gbs=4800, gpu_fp16_tflops=989)
    >>> r = rental_of(gpu, rental_id="r", provider="P", name="2x H200", offer_kind="spot", gpu_count=2,
    ...               interconnect="nvlink", system_ram_gb=512, ram_bandwidth_gbs=300, cpu_tflops=5,
    ...               usd_per_hour=6.0, cold_start_s=120, weights_load_gbs=1.0)
    >>> round(restart_hours(r, 238.5) * 60, 3)
    5.975
    """
    return (rental.cold_start_s + file_size_gb / rental.weights_load_gbs) / SECONDS_PER_HOUR


def billed_seconds(rental: Rental, session_s):
    """What a session of ``session_s`` seconds is billed [s]: up to the billing unit, at least the minimum.

    >>> from costmodel.schema import Gpu, rental_of
    >>> gpu = Gpu(gpu_id="g", gpu_name="G", vram_gb_per_gpu=24, vram_bandwidth_gbs=1008, gpu_fp16_tflops=165)
    >>> hourly = rental_of(gpu, rental_id="r", provider="P", name="G", offer_kind="on-demand", system_ram_gb=64,
    ...                    ram_bandwidth_gbs=90, cpu_tflops=2, usd_per_hour=0.5, billing_increment_s=3600)
    >>> billed_seconds(hourly, np.array([1.0, 3600.0, 3601.0])).tolist()
    [3600.0, 3600.0, 7200.0]
    """
    units = np.ceil(np.asarray(session_s, dtype=float) / rental.billing_increment_s - 1e-9)
    return np.maximum(units * rental.billing_increment_s, rental.min_billing_s)


def instances(work_h, usable_h, at_least_one: bool):
    """Instances a month's work needs: ``ceil(work / usable hours of one)``, up to ``MOST_INSTANCES``;
    at least one when the machine runs whether or not work comes (always on, busy hours).

    >>> instances(np.array([0.0, 100.0, 731.0, 1e9]), 730.5, at_least_one=False).tolist()
    [0.0, 1.0, 2.0, 64.0]
    """
    need = np.ceil(np.divide(work_h, usable_h) * (1 - 1e-12))
    need = np.clip(need, 1.0 if at_least_one else 0.0, MOST_INSTANCES)
    return need


def billed_hours(
    rental: Rental,
    mode: str,
    work_h,
    usable_h,
    busy_hours_per_day: float,
    restart_h: float,
    starts_per_day: float,
    idle_minutes: float,
):
    """Instance-hours billed in a month for ``work_h`` hours of work [h], before interruptions.

    ``usable_h`` is what one instance can work in the month (the busy hours over the peak factor).
    Returns ``(hours billed, instances)``. For an H100 at 100 hours of work a month, one instance:

    >>> from costmodel.schema import Gpu, rental_of
    >>> gpu = Gpu(gpu_id="h100", gpu_name="H100", vram_gb_per_gpu=80, vram_bandwidth_gbs=3350, gpu_fp16_tflops=989)
    >>> r = rental_of(gpu, rental_id="r", provider="P", name="H100", offer_kind="on-demand", system_ram_gb=256,
    ...               ram_bandwidth_gbs=200, cpu_tflops=3, usd_per_hour=2.5)
    >>> [round(float(billed_hours(r, m, 100.0, 273.9, 9.0, 0.1, 4.0, 10.0)[0]), 1)
    ...  for m in ("always-on", "busy-hours", "scale-to-zero")]
    [730.5, 277.0, 132.5]

    (always on: 730.5 h; busy hours: 30.44 days x 9.1 h; scale to zero: 100 h of work plus
    121.75 starts x (0.1 h restart + 10 minutes idle).)
    """
    work_h = np.asarray(work_h, dtype=float)
    busy = np.asarray(busy_hours_per_day, dtype=float)
    if mode == "always-on" or rental.offer_kind == "reserved":
        n = instances(work_h, usable_h, at_least_one=True)
        return n * HOURS_PER_MONTH, n
    if mode == "busy-hours":
        n = instances(work_h, usable_h, at_least_one=True)
        day_s = billed_seconds(rental, (busy + restart_h) * SECONDS_PER_HOUR)
        hours = np.where(busy >= HOURS_PER_DAY, HOURS_PER_MONTH, DAYS_PER_MONTH * day_s / SECONDS_PER_HOUR)
        return n * np.minimum(hours, HOURS_PER_MONTH), n
    n = instances(work_h, usable_h, at_least_one=False)
    sessions = n * np.asarray(starts_per_day, dtype=float) * DAYS_PER_MONTH
    per_session_h = np.divide(work_h, sessions, out=np.zeros(np.broadcast(work_h, sessions).shape), where=sessions > 0)
    session_s = (restart_h + per_session_h) * SECONDS_PER_HOUR + idle_minutes * SECONDS_PER_MINUTE
    hours = np.where(sessions > 0, sessions * billed_seconds(rental, session_s) / SECONDS_PER_HOUR, 0.0)
    return np.minimum(hours, n * HOURS_PER_MONTH), n


def interruption_factor(rental: Rental, restart_h: float) -> float:
    """Hours billed per hour of service when each interruption bills a restart again [ratio >= 1].

    Two interruptions a day with a 6-minute restart: 1 + 2 / 24 x 0.1 = 1.0083.
    """
    return 1.0 + (rental.interruptions_per_day or 0.0) / HOURS_PER_DAY * restart_h


def storage_usd(rental: Rental, file_size_gb: float, n_instances):
    """The weights kept on the provider's disk for a month, one copy per instance and at least one [USD]."""
    return np.maximum(n_instances, 1.0) * file_size_gb * rental.storage_usd_per_gb_month


def egress_usd(rental: Rental, output_tokens):
    """The answers sent out in a month [USD]: ``EGRESS_BYTES_PER_OUTPUT_TOKEN`` per output token."""
    return np.asarray(output_tokens, dtype=float) * EGRESS_BYTES_PER_OUTPUT_TOKEN / BYTES_PER_GB * rental.egress_usd_per_gb
