"""Scenarios: save the break-even view by name; rename, duplicate, delete, compare, open, export, import."""

from __future__ import annotations

import ui.warmed  # noqa: F401  first: waits for the server's warm-up imports (ui/serve.py)

import datetime as dt
import json

import pandas as pd
import streamlit as st

import costmodel as cm
from costmodel import plots
from costmodel.explain import explain, machine_label
from costmodel.io.uploads import parse_scenarios
from ui import auth, charts, inputs, params, state, text, uploads
from ui.guard import run_page
from ui.store import SavedScenario, ScenarioExists, Store


PENDING = "_scenario_pending_replace"


def save_section(store: Store) -> None:
    st.subheader("Save the break-even view")
    current = inputs.current()
    text.caption(
        f"{current.model_id} {current.quant}; {len(current.build_id)} build(s) and {len(current.rental_id)} rental(s) "
        "against "
        f"{', '.join(current.price_id)}; {params.token_label(current.tokens_per_month)} tokens a month"
    )
    with st.form("save_scenario"):
        name = st.text_input("Name", key="scenario_name", max_chars=80)
        submitted = st.form_submit_button("Save")
    if submitted:
        st.session_state.pop(PENDING, None)
        try:
            saved = store.save_scenario(name, current)
        except ScenarioExists as exc:  # never replaced without asking
            st.session_state[PENDING] = (exc.name, exc.updated_at)
        except cm.CostModelError as exc:
            text.error(f"Not saved: {exc}")
        else:
            text.success(f"Saved {saved.name!r}.")
    pending = st.session_state.get(PENDING)
    if pending:
        taken, when = pending
        text.warning(
            f"A scenario named {taken!r} exists already (saved {when[:19].replace('T', ' ')} UTC). Replace it?"
        )
        a, b = st.columns(2)
        if a.button("Replace it with this view", key="scenario_replace"):
            st.session_state.pop(PENDING)
            try:  # only the version seen above: a save of the same name since then wins, and says so
                store.save_scenario(taken, current, replace=True, expected_updated_at=when)
            except cm.CostModelError as exc:
                text.error(f"Not saved: {exc}")
            else:
                text.success(f"Replaced {taken!r}.")
        if b.button("Keep the saved one", key="scenario_keep"):
            st.session_state.pop(PENDING)
            st.rerun()


def owner_words(store: Store, s: SavedScenario) -> str:
    """Whose a scenario is, for a table: "you", or the owner's e-mail."""
    return "you" if s.owner == store.owner else s.owner


def manage_section(store: Store, saved: list[SavedScenario]) -> None:
    st.subheader("Saved scenarios")
    team = auth.enabled()
    table = pd.DataFrame(
        [
            {
                "name": s.name,
                **({"owner": owner_words(store, s), "shared": "yes" if s.shared else "no"} if team else {}),
                "model": f"{s.inputs.model_id} {s.inputs.quant}",
                "builds": len(s.inputs.build_id),
                "rentals": len(s.inputs.rental_id),
                "APIs": ", ".join(s.inputs.price_id),
                "tokens a month": params.token_label(s.inputs.tokens_per_month),
                "saved": s.updated_at[:19].replace("T", " "),
            }
            for s in saved
        ]
    )
    st.dataframe(table, hide_index=True, width="stretch", key="scenarios_table")
    by_id = {s.id: s for s in saved}
    pick_id = st.selectbox(
        "Scenario",
        list(by_id),
        key="scenario_pick",
        format_func=lambda i: by_id[i].name + ("" if by_id[i].owner == store.owner else f" (by {by_id[i].owner})"),
    )
    chosen = by_id[pick_id]
    pick = chosen.name
    mine = chosen.owner == store.owner
    text.caption(f"A link that opens it on the break-even page (for you, or anyone when shared): ?scenario={chosen.id}")
    a, b, c, d = st.columns(4)
    new_name = b.text_input("New name", key="scenario_new_name", label_visibility="collapsed", placeholder="new name")
    try:
        if a.button("Open in the break-even page", key="scenario_open"):
            inputs.open_breakeven(chosen.inputs)
        if not mine:  # another user's, shared: read-only
            text.caption(f"Shared by {chosen.owner}: read-only. Save a copy to change it.")
            if c.button("Save a copy", key="scenario_copy"):
                store.save_scenario(new_name or f"{pick} (copy)", chosen.inputs)
                st.rerun()
            return
        if b.button("Rename", key="scenario_rename"):
            store.rename_scenario(pick, new_name)
            st.rerun()
        if c.button("Duplicate", key="scenario_duplicate"):
            store.duplicate_scenario(pick, new_name or f"{pick} (copy)")
            st.rerun()
        if d.button("Delete", key="scenario_delete", type="secondary"):
            store.delete_scenario(pick)
            st.rerun()
        if team and a.button("Make private" if chosen.shared else "Share with the team", key="scenario_share"):
            store.share_scenario(pick, not chosen.shared)
            st.rerun()
    except cm.CostModelError as exc:
        text.error(exc)


def compare_section(store: Store, saved: list, cat: cm.Catalog) -> None:
    st.subheader("Compare two to four")
    names = list(dict.fromkeys(s.name for s in saved))
    chosen = st.multiselect("Scenarios", names, default=names[:2], max_selections=4, key="scenario_compare")
    if len(chosen) < 2:
        st.info("Pick two to four scenarios.")
        return
    by_name = {s.name: s.inputs for s in saved}
    studies, rows = {}, []
    for name in chosen:
        try:
            result = inputs.study(cat, state.fingerprint(), by_name[name], dt.date.today())
        except cm.CostModelError as exc:
            text.warning(f"{name}: {exc}")
            continue
        studies[name] = result
        for build in result.machines:
            r = result.primary(build.machine_id)
            rows.append(
                {
                    "scenario": name,
                    "build": machine_label(build),
                    "verdict": explain(r).headline,
                    "local [USD/Mtok]": r.local_usd_per_mtok,
                    "API [USD/Mtok]": r.api_usd_per_mtok,
                    "savings at horizon [USD]": r.savings_at_horizon_usd,
                }
            )
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        width="stretch",
        key="scenario_verdicts",
        column_config={
            "local [USD/Mtok]": st.column_config.NumberColumn(format="$%.2f"),
            "API [USD/Mtok]": st.column_config.NumberColumn(format="$%.2f"),
            "savings at horizon [USD]": st.column_config.NumberColumn(format="$%,.0f"),
        },
    )
    if len(studies) >= 2:
        rented = dict.fromkeys(r.rental_id for study in studies.values() for r in study.rentals)
        spec = plots.scenario_overlay(studies, state.colours(cat, rented))
        charts.show(spec, "breakeven-scenarios", key="scenario_chart")


def exchange_section(store: Store, saved: list, cat: cm.Catalog) -> None:
    st.subheader("Export and import")
    names = [s.name for s in saved if s.owner == store.owner]
    a, b = st.columns(2)
    one = a.selectbox("Export one", names, key="scenario_export_pick") if names else None
    if one:
        a.download_button(
            "Download it (JSON)",
            lambda: json.dumps(store.export([one]), indent=2),
            f"breakeven-{one}.json",
            "application/json",
            key="scenario_export_one",
        )
    b.download_button(
        "Download every scenario (JSON)",
        lambda: json.dumps(store.export(), indent=2),
        "breakeven-scenarios.json",
        "application/json",
        key="scenario_export_all",
    )

    replace = st.checkbox("Replace saved scenarios of the same name", key="scenario_import_replace")

    def accept(items: list) -> str:
        existing = store.existing(name for name, _ in items)
        chosen = items if replace else [(n, i) for n, i in items if n not in existing]
        try:
            store.save_scenarios(chosen, replace=replace, expected_updated_at=existing)
        except cm.CostModelError as exc:
            return f"Nothing imported: {exc}"
        done = f"Imported {len(chosen)} scenario(s)" + (f": {', '.join(n for n, _ in chosen)}." if chosen else ".")
        kept = [n for n, _ in items if n in existing and not replace]
        if kept:
            done += f" Kept the saved {', '.join(map(repr, kept))} (tick Replace to replace them)."
        return done

    uploads.upload_section(
        "Import scenarios (JSON)",
        "scenario_import",
        ["json"],
        lambda data, name: parse_scenarios(data, name, cat),
        accept,
        lambda item: item[0],
    )


def body() -> None:
    cat = state.catalog()
    st.title("Scenarios")
    store = state.store()
    if store is None:
        text.error(f"Scenarios cannot be saved: {state.store_problem()}")
        return
    text.caption(f"Kept in {store.where}" + (f", as {store.owner}" if store.owner else ""))
    save_section(store)
    try:
        saved = store.scenarios()
    except cm.CostModelError as exc:
        text.error(f"The saved scenarios cannot be read: {exc}")
        return
    if not saved:
        st.info("No saved scenario yet.")
    else:
        manage_section(store, saved)
        compare_section(store, saved, cat)
    exchange_section(store, saved, cat)


run_page(body)
