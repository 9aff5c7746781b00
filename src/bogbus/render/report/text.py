"""The Danish words and tables of the board's report, shared by its HTML and PDF.

Both renderers print exactly these rows, so the two formats cannot disagree; every
number comes from `reportdata` (report.json) and is only formatted here.
"""

from __future__ import annotations

from ..danish import EN_DASH, capitalise, kind_name, number_da, period_text, quarter_text

Row = tuple[str, list[str]]  # (label, one cell per scenario)


def title(doc: dict) -> str:
    if doc["kind"] == "year":
        return f"Bogbussen {EN_DASH} årsrapport {doc['year']}"
    if doc["kind"] == "quarter":
        return f"Bogbussen {EN_DASH} {quarter_text(doc['quarters'][0])}"
    if doc["kind"] == "scenarios":
        return f"Bogbussen {EN_DASH} scenarier side om side"
    return f"Bogbussen {EN_DASH} {quarter_text(doc['quarters'][0])} til " \
           f"{quarter_text(doc['quarters'][-1])}"


def subtitle(doc: dict) -> str:
    g = doc["groups"][0]
    lib = g.get("library") or "Biblioteket"
    period = period_text(g["period"]["start"], g["period"]["end"]) \
        if g["period"].get("start") and g["period"].get("end") else ""
    return f"{lib} · {period}" if period else lib


def _quarters(n: int) -> str:
    return "ét kvartal" if n == 1 else f"{n} kvartaler"


def _pct(value: float | None) -> str:
    return f"{number_da(value, 1)} %" if value is not None else EN_DASH


def co2_factor_text(g: dict) -> str:
    f = g["co2_factors"]
    parts = []
    if "diesel" in g["fuels"] or not g["fuels"]:
        parts.append(f"{number_da(f.get('kg_per_litre', 0), 2)} kg pr. liter diesel")
    if "el" in g["fuels"]:
        parts.append(f"{number_da(f.get('kg_per_kwh', 0), 3)} kg pr. kWh")
    return ", ".join(parts)


def cost_rate_text(g: dict) -> str:
    c = g.get("costs") or {}
    return (f"{number_da(c.get('per_km') or 0, 2)} kr. pr. km + "
            f"{number_da(c.get('per_hour') or 0, 0)} kr. pr. rutetime")


def key_rows(doc: dict) -> list[Row]:
    """The key-figures table: one row per figure, one cell per scenario (totals)."""
    groups = doc["groups"]
    t = [g["totals"] for g in groups]
    rows: list[Row] = [
        ("Planer (kvartaler)", [str(x["plans"]) for x in t]),
        ("Besøg i alt", [number_da(x["visits_total"]) for x in t]),
    ]
    for k in ("stop", "daycare", "nursing_home", "branch"):
        if any(x["visits"].get(k) for x in t):
            rows.append((f"– {kind_name(k, plural=True).lower()}",
                         [number_da(x["visits"].get(k, 0)) for x in t]))
    rows += [
        ("Børn nået (unikke børn i de besøgte daginstitutioner)",
         [number_da(x["children_unique"]) for x in t]),
        ("Børnebesøg (børn × besøg)", [number_da(x["child_visits"]) for x in t]),
    ]
    if any(g["goal"].get("children_per_year") for g in groups):
        rows += [
            ("Mål: børn pr. år", [number_da(g["goal"].get("children_per_year"))
                                  for g in groups]),
            ("Børn nået i % af målet", [_pct(g["goal"].get("children_unique_pct"))
                                         for g in groups]),
            ("Børnebesøg i % af målet", [_pct(g["goal"].get("child_visits_pct"))
                                          for g in groups]),
        ]
    rows += [
        ("Beboere nået (unikke, plejehjem)", [number_da(x["residents_unique"]) for x in t]),
        ("Beboerbesøg (beboere × besøg)", [number_da(x["resident_visits"]) for x in t]),
        ("Offentlig åbningstid ved holdepladser (timer)",
         [number_da(x["public_service_hours"], 1) for x in t]),
        ("Kørte km", [number_da(x["km"], 1) for x in t]),
        ("Køretid (timer)", [number_da(x["drive_hours"], 1) for x in t]),
        ("Rutetimer, fra og til biblioteket", [number_da(x["route_hours"], 1) for x in t]),
    ]
    if any(x["energy"]["litres"] for x in t):
        rows.append(("Diesel (liter)", [number_da(x["energy"]["litres"], 1) for x in t]))
    if any(x["energy"]["kwh"] for x in t):
        rows.append(("Strøm (kWh)", [number_da(x["energy"]["kwh"], 1) for x in t]))
    rows += [
        ("CO₂ (kg)", [number_da(x["co2_kg"], 1) for x in t]),
        ("CO₂-faktor", [co2_factor_text(g) for g in groups]),
    ]
    if any(x["cost"] for x in t):
        rows += [
            ("Omkostning (kr.)", [number_da(x["cost"]["total_kr"]) if x["cost"] else EN_DASH
                                  for x in t]),
            ("Omkostningssatser", [cost_rate_text(g) if g.get("costs") else "ikke angivet"
                                   for g in groups]),
        ]
    rows += [
        ("Afstand til nedre grænse for køreplanens km",
         [_pct(x.get("gap_pct")) for x in t]),
        ("Besøg der ikke kunne planlægges", [number_da(x["unserved"]) for x in t]),
    ]
    return rows


def quarter_header() -> list[str]:
    return ["Kvartal", "Besøg", "Børn (unikke)", "Børne­besøg", "Åbnings­tid (t)", "Km",
            "CO₂ (kg)", "Afstand til nedre grænse", "Ikke plan­lagt"]


def quarter_rows(group: dict) -> list[list[str]]:
    """One row per plan of a scenario plus the total row."""
    out = []
    for p in group["plans"]:
        out.append([quarter_text(p["quarter"]), number_da(p["visits_total"]),
                    number_da(p["children_unique"]), number_da(p["child_visits"]),
                    number_da(p["public_service_hours"], 1), number_da(p["km"], 1),
                    number_da(p["co2_kg"], 1), _pct(p["gap_pct"]), number_da(p["unserved"])])
    t = group["totals"]
    out.append(["I alt", number_da(t["visits_total"]), number_da(t["children_unique"]),
                number_da(t["child_visits"]), number_da(t["public_service_hours"], 1),
                number_da(t["km"], 1), number_da(t["co2_kg"], 1), _pct(t.get("gap_pct")),
                number_da(t["unserved"])])
    return out


def goal_paragraphs(doc: dict) -> list[str]:
    """What the children figures mean against the strategy's goal, per scenario."""
    out = []
    for g in doc["groups"]:
        t, goal = g["totals"], g["goal"]
        who = f"{g['label']}: " if len(doc["groups"]) > 1 else ""
        n = t["plans"]
        text = (f"{who}Planerne for {_quarters(n)} når {number_da(t['children_unique'])} "
                f"forskellige børn i de daginstitutioner bogbussen besøger; tælles hvert "
                f"besøg, er det {number_da(t['child_visits'])} børnebesøg.")
        if goal.get("children_per_year"):
            text += (f" Målet i strategien er {number_da(goal['children_per_year'])} børn om "
                     f"året: de unikke børn er {_pct(goal['children_unique_pct'])} af målet, "
                     f"børnebesøgene {_pct(goal['child_visits_pct'])}.")
            if n < 4:
                text += f" Bemærk: planerne dækker kun {_quarters(n)}, målet et helt år."
        else:
            text += " Der er ikke angivet et mål for børn pr. år i planens indstillinger."
        out.append(text)
    return out


def collection_paragraphs(doc: dict) -> list[str]:
    """Collections that ran short, per plan, in the words the packing pages use."""
    out = []
    for g in doc["groups"]:
        who = f"{g['label']}, " if len(doc["groups"]) > 1 else ""
        for f in g["plans"]:
            for line in f.get("collection_shortfall") or []:
                out.append(f"{capitalise(who + quarter_text(f['quarter']))}: {line}")
    return out


METHOD_NOTES = (
    "Alle tal er summer over planernes ruter; de står også i regnearket og datafilen, "
    "der følger med rapporten.",
    "Børn nået tæller hver besøgt daginstitutions børn én gang over alle planerne; "
    "børnebesøg tæller dem ved hvert besøg.",
    "Offentlig åbningstid er tiden bussen holder åben ved de offentlige holdepladser.",
    "CO₂ = liter diesel × faktor (+ kWh × faktor for el); faktoren står i tabellen.",
    "Omkostning = km × sats pr. km + rutetimer × sats pr. time, når bibliotekets satser "
    "er angivet i planens indstillinger.",
    "Nedre grænse: hvor meget kortere enhver køreplan for de samme holdepladser højst kunne "
    "være (gennemsnitlig uge, bevist af planlæggeren); summeret over kvartalerne.",
)
