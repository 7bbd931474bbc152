#!/usr/bin/env python3
"""Many users at once: 20 real browser sessions changing the break-even page against one server.

    .venv/bin/python bench/load.py [--sessions 20] [--duration 60] [--team N]

Starts the dashboard once (``tests/live_server.running_app``: one Streamlit server on a free
loopback port) and opens ``--sessions`` browser sessions against it, each loading the break-even
page and waiting until all its charts are drawn. Pages load as many at a time as the machine has
cores: all at once, the first load is browser-bound (about 3.5 s of chromium CPU a page) and
20 pages on 2 cores miss the 30 s timeout. When every session is ready, all of them loop for
``--duration`` seconds, with no pause between changes: type an electricity price that no session
has used before (so the server computes the view instead of answering from ``st.cache_data``),
press Enter, and wait until the plotly charts' data differ from before and a trace is drawn. As in
``bench/redraw.py``, the time is taken inside the page, from the Enter keydown to the first frame
showing the new data, so Playwright's own round trips are not counted; the page watches its DOM
for the change (a MutationObserver) rather than checking once a frame, since 20 pages checking
every frame kept chromium busy drawing frames. New chart data that arrive before the Enter key
(the page redrawing on its own) are not timed, and are counted apart. The session then waits for
the script to finish before its next change. A session that is mid-change when the time is up
finishes that change; the rate is divided by the time until the last one finished.

An error is any of: no redraw (or no finished script) within 30 s, a Streamlit exception element
(``stException``), an ``st.error`` element (the page's guard turns failures into one), a crashed
page, the Streamlit websocket closing while the run is on, an uncaught script error in the page, or
any other browser failure. After an error the session reloads its page and goes on.

Sessions: one headless chromium (Debian's, ``launch_args``) with one browser context per session.
A context is an isolated profile (its own cookies and storage, so each is a separate user) that
adds no process beyond its page's own renderer, while one browser per session would add a browser,
GPU and network-service process per session, all competing for the same 2 cores as the server.
Renderers are not capped (``--renderer-process-limit``): pages sharing a renderer would share its
main thread, so their script and layout work would queue behind one another instead of running
concurrently. Playwright's async API drives all sessions from one event loop in one driver.

Prints sessions, duration, redraws, errors by kind, the median and 95th percentile of the time to
redraw (``numpy.percentile``, linear interpolation), redraws per second, and where the CPU went
over the run: the server, the browser, Playwright (its driver and this script) and any other
process on the machine, in total and per redraw, against the core-seconds the machine offered.
Server and browsers share the machine, so the browsers' drawing counts against the server.
The goal: zero errors and a 95th percentile under 2 s on a 2-core machine.

``--team N`` runs the same load twice in one run: first against one server as above, then against
N replicas behind HAProxy (``tests/team_kit.running_team``: a throwaway PostgreSQL cluster, N
Streamlit replicas with its URL in ``BREAKEVEN_DATABASE_URL``, HAProxy pinning each browser
context to a replica by the SERVERID cookie), and ends with the two side by side: sessions,
errors, the 95th percentile of the time to redraw and the server's CPU per redraw (the replicas'
together; HAProxy's and PostgreSQL's beside it). Both setups share the machine with the browser.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from live_server import CHART_DRAWN, launch_args, running_app  # noqa: E402

LABEL = "Electricity [USD/kWh]"
TIMEOUT_MS = 30_000
GOAL_P95_MS = 2_000
PLOTS = '[data-testid="stPlotlyChart"] .js-plotly-plot'
EXCEPTION = '[data-testid="stException"]'
ERROR = '[data-testid="stAlertContentError"]'
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
#: prices typed, three decimals in the input's 0-2 USD/kWh range, skipping the page's default 0.150
PRICES = [f"{j / 1000:.3f}" for j in range(1, 2001) if j != 150]

#: in every document: Enter keydowns timestamped, and waits driven by the page's own DOM changes
#: (a MutationObserver), so that a waiting page costs nothing (polling once a frame in 20 waiting
#: pages took about 0.8 of a core)
INIT_SCRIPT = f"""
window.addEventListener('keydown', e => {{
    if (e.key === 'Enter') window.__enterAt = performance.now();
}}, true);
window.__bench = {{
    plots: () => Array.from(document.querySelectorAll('{PLOTS}')),
    snapshot() {{ return JSON.stringify(this.plots().map(gd => gd.data)); }},
    // test()'s first truthy value, checked now and after every change to the DOM, or a timeout
    when(test, timeoutMs) {{
        return new Promise(resolve => {{
            const observer = new MutationObserver(() => {{ const v = test(); if (v) done(v); }});
            const timer = setTimeout(() => done({{error: 'timeout'}}), timeoutMs);
            const done = v => {{ observer.disconnect(); clearTimeout(timer); resolve(v); }};
            const v = test();
            if (v) done(v);
            else observer.observe(document, {{subtree: true, childList: true, attributes: true, characterData: true}});
        }});
    }},
    // before a change: this.redrawn resolves to the ms from the Enter keydown to the first frame
    // with new chart data and a trace drawn, or to the error the page shows instead; new data
    // before any Enter (the page redrawing on its own) become the new baseline and are counted
    arm(timeoutMs) {{
        window.__enterAt = null;
        let refs = this.plots().map(gd => gd.data), before = this.snapshot(), unprompted = 0;
        const redrawn = () => {{
            if (document.querySelector('{EXCEPTION}')) return {{error: 'exception'}};
            if (document.querySelector('{ERROR}')) return {{error: 'st.error'}};
            const now = this.plots().map(gd => gd.data);  // serialised only when plotly.js holds new arrays
            if (now.length === refs.length && now.every((r, i) => r === refs[i])) return false;
            const snapshot = this.snapshot();
            if (snapshot !== before && window.__enterAt === null) {{ before = snapshot; unprompted += 1; }}
            if (snapshot === before) {{ refs = now; return false; }}
            return document.querySelector('{CHART_DRAWN}') !== null;
        }};
        this.redrawn = this.when(redrawn, timeoutMs).then(v => v.error ? v : new Promise(done =>
            requestAnimationFrame(() => done({{ms: performance.now() - window.__enterAt, unprompted}}))));
    }},
}};
"""
#: every chart on the page drawn and the script finished
LOADED = f"""() => {{
    const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
    return document.querySelector('{IDLE}') !== null && charts.length > 0
        && Array.from(charts).every(c => c.querySelector('.main-svg g.trace'));
}}"""
#: once the script has finished: how many exception and error elements the page shows
SETTLED = f"""timeoutMs => window.__bench.when(() => document.querySelector('{IDLE}') && {{
    exceptions: document.querySelectorAll('{EXCEPTION}').length,
    errors: document.querySelectorAll('{ERROR}').length,
}}, timeoutMs)"""
#: what the page's errors are called in the report
ERRORS = {"timeout": "timeout (30 s)", "exception": "Streamlit exception", "st.error": "st.error"}


class Run:
    """What every session shares: the prices, the clock, the results and the errors by kind."""

    def __init__(self, sessions: int) -> None:
        self.prices = itertools.cycle(PRICES)
        self.ready = asyncio.Barrier(sessions + 1)
        self.loads_at_once = os.cpu_count() or 1
        self.loading = asyncio.Semaphore(self.loads_at_once)
        self.deadline = float("inf")
        self.running = False
        self.times_ms: list[float] = []
        self.errors: Counter[str] = Counter()
        self.load_s: list[float] = []
        self.crashed: set = set()
        self.unprompted = 0  # charts redrawn with new data before the Enter key

    def error(self, kind: str) -> None:
        if self.running:
            self.errors[kind] += 1


async def load(page, base: str) -> None:
    await page.goto(base)
    await page.wait_for_function(LOADED, polling=250)


def watch(page, run: Run) -> None:
    """Count crashes, uncaught script errors and closed Streamlit websockets as they happen."""

    def on_crash(_) -> None:
        run.crashed.add(page)
        run.error("page crashed")

    page.on("crash", on_crash)
    page.on("pageerror", lambda exc: run.error(f"page script error: {str(exc)[:60]}"))

    def on_websocket(ws) -> None:
        if "/_stcore/stream" in ws.url:
            ws.on("close", lambda _: run.error("websocket closed"))

    page.on("websocket", on_websocket)


async def change(page, run: Run) -> str | None:
    """One change: a new price, Enter, the redraw timed. Returns the kind of error, if any."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    try:
        await page.evaluate("timeoutMs => window.__bench.arm(timeoutMs)", TIMEOUT_MS)
        field = page.get_by_label(LABEL)
        await field.fill(next(run.prices))
        await field.press("Enter")
        outcome = await page.evaluate("() => window.__bench.redrawn")
        if "error" not in outcome:
            settled = await page.evaluate(SETTLED, TIMEOUT_MS)
            outcome = settled if "error" in settled else {**settled, **outcome}
    except PlaywrightTimeout:  # e.g. the input stayed disabled: Streamlit disables widgets while disconnected
        return ERRORS["timeout"]
    except Exception as exc:  # a crashed or closed page, a lost browser
        return f"browser error: {type(exc).__name__}"
    if "error" in outcome:
        return ERRORS[outcome["error"]]
    if outcome["exceptions"]:
        return ERRORS["exception"]
    if outcome["errors"]:
        return ERRORS["st.error"]
    if run.running:
        run.times_ms.append(float(outcome["ms"]))
        run.unprompted += outcome["unprompted"]
    return None


async def session(browser, base: str, run: Run) -> None:
    """Load the page (a few sessions at a time), wait for the others, then change and time until the end."""
    try:
        async with run.loading:
            start = time.monotonic()
            context = await browser.new_context(viewport={"width": 1400, "height": 1000})
            context.set_default_timeout(TIMEOUT_MS)
            await context.add_init_script(INIT_SCRIPT)
            page = await context.new_page()
            watch(page, run)
            await load(page, base)
            run.load_s.append(time.monotonic() - start)
    except Exception as exc:
        run.errors[f"first load failed: {type(exc).__name__}"] += 1
        await run.ready.wait()
        return
    await run.ready.wait()
    while time.monotonic() < run.deadline:
        kind = await change(page, run)
        if kind is None:
            continue
        if page in run.crashed:  # counted when it crashed; a fresh page, not a reload
            await page.close()
            page = await context.new_page()
            watch(page, run)
        else:
            run.error(kind)
        try:
            await load(page, base)
        except Exception as exc:
            run.error(f"reload failed: {type(exc).__name__}")


def cpu_seconds(roots: dict[int, str] | None = None) -> dict[str, float]:
    """CPU time (user + system) of this process's descendants by role, and the machine's busy time.

    ``roots`` adds process trees that are not descendants, by their root's PID: PostgreSQL's
    postmaster (``pg_ctl`` leaves it to init) as ``"database"``, counting its ended children too.
    """
    tick = os.sysconf("SC_CLK_TCK")
    roots = roots or {}
    parent, cpu, cmd = {}, {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        pid, name = int(entry), stat[stat.index("(") + 1 : stat.rindex(")")]
        parent[pid], cpu[pid] = int(fields[1]), (int(fields[11]) + int(fields[12])) / tick
        if pid in roots:  # and its children that have ended (PostgreSQL's backends of closed connections)
            cpu[pid] += (int(fields[13]) + int(fields[14])) / tick
        cmd[pid] = cmdline or name  # an exiting process has no command line left
    me, totals = os.getpid(), Counter()
    for pid in cpu:
        ancestor = pid
        while ancestor in parent and ancestor != me and ancestor not in roots:
            ancestor = parent[ancestor]
        if ancestor in roots:
            totals[roots[ancestor]] += cpu[pid]
            continue
        if ancestor != me and pid != me:
            continue  # not started by this run
        if "haproxy" in cmd[pid]:
            totals["proxy"] += cpu[pid]
        elif ("streamlit" in cmd[pid] or "ui.serve" in cmd[pid]) and pid != me:  # tasks.py run: python -m ui.serve
            totals["server"] += cpu[pid]
        elif "chromium" in cmd[pid]:
            totals["browser"] += cpu[pid]
        else:  # this script and Playwright's node driver
            totals["Playwright driver"] += cpu[pid]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (
        int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    )
    totals["machine"] = (user + nice + system + irq + softirq + steal) / tick
    return dict(totals)


async def main_async(
    sessions: int, duration_s: float, base: str | None = None, roots: dict[int, str] | None = None
) -> tuple[Run, float, dict[str, float]]:
    """The load against ``base``, or against a server of its own (``running_app``) when None."""
    from playwright.async_api import async_playwright

    if base is None:
        with running_app() as own:
            return await main_async(sessions, duration_s, own)
    run = Run(sessions)
    async with async_playwright() as p:
        browser = await p.chromium.launch(**launch_args())
        browser.on("disconnected", lambda _: run.error("browser disconnected"))
        tasks = [asyncio.create_task(session(browser, base, run)) for _ in range(sessions)]
        await run.ready.wait()
        cpu_before, start = cpu_seconds(roots), time.monotonic()
        run.deadline, run.running = start + duration_s, True
        await asyncio.gather(*tasks)
        elapsed, cpu_after = time.monotonic() - start, cpu_seconds(roots)
        run.running = False
        await browser.close()
    cpu = {role: cpu_after.get(role, 0.0) - cpu_before.get(role, 0.0) for role in cpu_after}
    return run, elapsed, cpu


def team_run(replicas: int, sessions: int, duration_s: float) -> tuple[Run, float, dict[str, float]]:
    """The same load through HAProxy to ``replicas`` replicas sharing a throwaway PostgreSQL."""
    from team_kit import running_team

    with running_team(replicas=replicas) as team:
        roots = {team.postgres.pid(): "database"}
        return asyncio.run(main_async(sessions, duration_s, team.url, roots))


def report(sessions: int, duration_s: float, run: Run, elapsed: float, cpu: dict[str, float]) -> dict:
    """Print one setup's figures; return the ones the side-by-side table shows."""
    ms = np.asarray(run.times_ms)
    n_errors = sum(run.errors.values())
    breakdown = ", ".join(f"{kind}: {n}" for kind, n in run.errors.most_common()) or "none"
    loads = f"each page drawn in a median {np.median(run.load_s):.1f} s" if run.load_s else "no page drawn"
    print(f"sessions            {sessions} ({len(run.load_s)} loaded, {run.loads_at_once} at a time; {loads})")
    print(f"duration            {duration_s:.0f} s of changes, {elapsed:.1f} s until the last one finished")
    print(f"total redraws       {ms.size}")
    print(f"errors              {n_errors} ({breakdown})")
    if run.unprompted:
        print(f"unprompted redraws  {run.unprompted} (new chart data before the Enter key; not timed)")
    p95 = float("inf")
    if ms.size:
        p50, p95 = np.percentile(ms, [50, 95])
        print(
            f"time to redraw      median {p50:.0f} ms, p95 {p95:.0f} ms, max {ms.max():.0f} ms (numpy.percentile, linear)"
        )
        print(f"redraws per second  {ms.size / elapsed:.1f}")
    cpu["other processes"] = cpu.pop("machine", 0.0) - sum(cpu.values())
    cores = os.cpu_count() or 1
    print(f"CPU over the run    {sum(cpu.values()):.1f} of {cores * elapsed:.1f} core-seconds ({cores} cores) busy:")
    roles = ("server", "proxy", "database", "browser", "Playwright driver", "other processes")
    for role in (r for r in roles if r in cpu):
        per_redraw = f"{1000 * cpu.get(role, 0.0) / ms.size:5.0f} ms a redraw" if ms.size else ""
        print(f"  {role:18s}{cpu.get(role, 0.0):6.1f} s {per_redraw}")
    met = n_errors == 0 and p95 < GOAL_P95_MS
    print(f"goal (0 errors, p95 < {GOAL_P95_MS} ms): {'met' if met else 'missed'}")
    per_redraw = {role: 1000 * cpu.get(role, 0.0) / ms.size if ms.size else float("nan") for role in roles}
    return {"loaded": len(run.load_s), "errors": n_errors, "p95": p95, "redraws": int(ms.size), **per_redraw}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20, help="concurrent browser sessions (default 20)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of changes (default 60)")
    parser.add_argument(
        "--team", type=int, metavar="N", help="also run the load against N replicas behind HAProxy, after one server"
    )
    args = parser.parse_args()

    if not args.team:
        report(args.sessions, args.duration, *asyncio.run(main_async(args.sessions, args.duration)))
        return
    figures = {}
    for label, measure in (
        ("1 server", lambda: asyncio.run(main_async(args.sessions, args.duration))),
        (f"{args.team} replicas behind HAProxy", lambda: team_run(args.team, args.sessions, args.duration)),
    ):
        print(f"\n=== {label} ===", flush=True)
        figures[label] = report(args.sessions, args.duration, *measure())
    print("\n=== side by side ===")
    print(f"{'setup':30s}{'sessions':>10s}{'errors':>8s}{'redraws':>9s}{'p95 redraw':>12s}  server CPU a redraw")
    for label, f in figures.items():
        extra = f" (+ HAProxy {f['proxy']:.0f} ms, PostgreSQL {f['database']:.0f} ms)" if label != "1 server" else ""
        loaded, p95 = f"{f['loaded']}/{args.sessions}", f"{f['p95']:.0f} ms"
        print(f"{label:30s}{loaded:>10s}{f['errors']:>8d}{f['redraws']:>9d}{p95:>12s}  {f['server']:5.0f} ms{extra}")


if __name__ == "__main__":
    main()
