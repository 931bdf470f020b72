"""Funder-ready exports of a plan: a PDF report (WeasyPrint, from HTML templates) and an XLSX
workbook (openpyxl, one sheet per component). Both render ``plan_document`` and ``gap_analysis``,
so they show exactly what the plan page shows."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from upstream.planning import labels
from upstream.planning.document import plan_document
from upstream.planning.gaps import gap_analysis
from upstream.planning.models import Plan
from upstream.planning.vocabularies import (
    ACTIVITY_STATUSES,
    DIRECTIONS,
    FREQUENCIES,
    PRINCIPLE_RATINGS,
)


def export_context(plan: Plan) -> dict[str, Any]:
    document = plan_document(plan)
    outcomes_by_activity: dict[str, list[str]] = {}
    for outcome in document["outcomes"]:
        for key in outcome["activities"]:
            outcomes_by_activity.setdefault(key, []).append(outcome["name"])
    for strategy in document["strategies"]:
        for activity in strategy["activities"]:
            activity["outcome_names"] = outcomes_by_activity.get(activity["key"], [])
    version = plan.framework_version
    budgets = [
        Decimal(a["budget"]) for s in document["strategies"] for a in s["activities"] if a["budget"]
    ]
    return {
        "doc": document,
        "report": gap_analysis(plan),
        "outcomes_by_activity": outcomes_by_activity,
        "generated_at": timezone.now(),
        "place": labels.plan_place(document["state_fips"], document["county_fips"]),
        "framework_name": labels.framework_name(version),
        "caveat": CAVEATS.get(version.status, ""),
        "draft": document["status"] != "published",
        "budget_total": sum(budgets) if budgets else None,
    }


# What a reader of a download must know about the framework content it is built on: the same
# words the framework pages carry.
CAVEATS = {
    "reconstructed": "Reconstructed from public sources; verify against the official framework.",
    "draft": "Draft framework content; verify against the official framework.",
}


def plan_pdf(plan: Plan) -> bytes:
    """A tagged PDF (PDF/UA-1: structure tree, document language and title) for funders."""
    from weasyprint import CSS, HTML

    context = export_context(plan)
    html = render_to_string("planning/export/plan_pdf.html", context)
    css = render_to_string("planning/export/plan_pdf.css", context)
    pdf: bytes = HTML(string=html).write_pdf(
        stylesheets=[CSS(string=css)], pdf_variant="pdf/ua-1", pdf_tags=True
    )
    return pdf


def export_name(plan: Plan, extension: str) -> str:
    """ "riverbend-county-prevention-plan-v1-2026-2028.pdf": the title, the version, and the
    period with its dash (slugify drops the en dash a title writes "2026–2028" with)."""
    period = f"{plan.period_start.year}-{plan.period_end.year}"
    title = slugify(plan.title.replace("\u2013", "-").replace("\u2014", "-")) or "plan"
    title = title.replace(period, "").replace("--", "-").strip("-") or "plan"
    return f"{title}-v{plan.version}-{period}.{extension}"


def _num(value: str | None) -> float | str | None:
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return value


def plan_xlsx(plan: Plan) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    context = export_context(plan)
    doc, report = context["doc"], context["report"]
    book = Workbook()
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DFE1E2")

    def sheet(title: str, header: list[str], rows: list[list[Any]], first: bool = False) -> Any:
        ws = book.active if first else book.create_sheet()
        ws.title = title
        ws.append(header)
        for cell in ws[1]:
            cell.font = bold
            cell.fill = fill
        for row in rows:
            ws.append(row)
        ws.freeze_panes = "A2"
        for i, name in enumerate(header, start=1):
            ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = max(
                12, min(50, len(name) + 4)
            )
        return ws

    def validate(ws: Any, column: str, choices: list[str], count: int) -> None:
        dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
        dv.error = "Choose a value from the list."
        dv.prompt = "Choose a value from the list."
        ws.add_data_validation(dv)
        dv.add(f"{column}2:{column}{max(count + 1, 2) + 200}")

    sheet(
        "Plan",
        ["Field", "Value"],
        [
            ["Title", doc["title"]],
            ["Organization", doc["organization"]["name"]],
            ["Coalition", doc["coalition"]["name"] if doc["coalition"] else ""],
            ["Period start", doc["period_start"]],
            ["Period end", doc["period_end"]],
            ["State FIPS", doc["state_fips"]],
            ["County FIPS", doc["county_fips"]],
            ["Priority populations", "; ".join(p["label"] for p in doc["populations"])],
            ["Framework version", doc["framework_version"]],
            ["Status", doc["status"]],
            ["Version", doc["version"]],
        ],
        first=True,
    )
    activities = [
        [
            s["name"],
            a["name"],
            a["framework_activity"] or "custom",
            a["level_name"],
            a["tier_name"],
            a["population_label"],
            a["lead"]["name"],
            "; ".join(p["name"] for p in a["partners"]),
            a["start"],
            a["end"],
            a["status"],
            _num(a["budget"]),
            "; ".join(context["outcomes_by_activity"].get(a["key"], [])),
        ]
        for s in doc["strategies"]
        for a in s["activities"]
    ]
    ws = sheet(
        "Activities",
        [
            "Strategy",
            "Activity",
            "Framework activity",
            "Level",
            "Tier",
            "Population",
            "Lead organization",
            "Partners",
            "Start",
            "End",
            "Status",
            "Budget (USD)",
            "Outcomes",
        ],
        activities,
    )
    validate(ws, "K", list(ACTIVITY_STATUSES), len(activities))
    outcomes = [
        [o["name"], o["horizon"], o["strategy"] or "", o["description"], len(o["indicators"])]
        for o in doc["outcomes"]
    ]
    ws = sheet(
        "Outcomes", ["Outcome", "Horizon", "Strategy", "Description", "Indicators"], outcomes
    )
    validate(ws, "B", ["short", "intermediate", "long"], len(outcomes))
    indicators = [
        [
            o["name"],
            i["name"],
            i["definition"],
            i["unit"],
            i["data_source"],
            _num(i["baseline_value"]),
            i["baseline_date"],
            _num(i["target_value"]),
            i["target_date"],
            i["direction"],
            i["frequency"],
        ]
        for o in doc["outcomes"]
        for i in o["indicators"]
    ]
    ws = sheet(
        "Indicators",
        [
            "Outcome",
            "Indicator",
            "Definition",
            "Unit",
            "Data source",
            "Baseline",
            "Baseline date",
            "Target",
            "Target date",
            "Direction",
            "Frequency",
        ],
        indicators,
    )
    validate(ws, "J", list(DIRECTIONS), len(indicators))
    validate(ws, "K", list(FREQUENCIES), len(indicators))
    principles = [
        [p["name"], p["rating"], p["evidence"], len(p["practices"])] for p in doc["principles"]
    ]
    ws = sheet("Principles", ["Principle", "Rating", "Evidence", "Practices checked"], principles)
    validate(ws, "B", list(PRINCIPLE_RATINGS), len(principles))
    sheet(
        "Heatmap",
        ["Strategy", *[level["name"] for level in report.levels], "Total"],
        [[row.name, *[c.count for c in row.cells], row.total] for row in report.heatmap],
    )
    sheet(
        "Partners",
        ["Organization", "Sectors"],
        [[p["name"], "; ".join(p["sector_labels"])] for p in doc["partners"]],
    )
    sheet(
        "Gaps",
        ["Gap", "Detail", "Framework activities that would close it"],
        [[g.title, g.detail, "; ".join(s.name for s in g.suggestions)] for g in report.summary],
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
