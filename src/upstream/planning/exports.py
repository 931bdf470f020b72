"""Funder-ready exports of a plan: a PDF report (WeasyPrint, from HTML templates) and an XLSX
workbook (openpyxl, one sheet per component). Both render ``plan_document`` and ``gap_analysis``,
so they show exactly what the plan page shows."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_noop

from upstream.core.validators import xlsx_safe
from upstream.core.vocabularies import HORIZONS
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


Step = Callable[[float, str], None]


def _no_step(fraction: float, message: str) -> None:
    return None


def plan_pdf(plan: Plan, *, step: Step = _no_step) -> bytes:
    """A tagged PDF (PDF/UA-1: structure tree, document language and title) for funders.
    ``step`` hears how far the build is (a background build shows it)."""
    from weasyprint import CSS, HTML

    step(0.05, "Reading the plan")
    context = export_context(plan)
    html = render_to_string("planning/export/plan_pdf.html", context)
    css = render_to_string("planning/export/plan_pdf.css", context)
    step(0.2, "Laying out the pages")
    document = HTML(string=html).render(
        stylesheets=[CSS(string=css)], pdf_variant="pdf/ua-1", pdf_tags=True
    )
    step(0.7, f"Writing {len(document.pages)} pages")
    pdf: bytes = document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
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


DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = '"$"#,##0.00'


def _labels(vocabulary: Mapping[Any, str]) -> list[str]:
    """A vocabulary's labels in the workbook's language, for a list validation (whose formula
    separates them with commas, so a label keeps none)."""
    return [gettext(label).replace(",", "") for label in vocabulary.values()]


def plan_xlsx(plan: Plan, *, step: Step = _no_step) -> bytes:
    """One sheet per component. Dates are date cells, codes are words, every table has a
    filter and columns as wide as their content (within reason)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    step(0.05, gettext_noop("Reading the plan"))
    context = export_context(plan)
    step(0.3, gettext_noop("Filling in the sheets"))
    doc, report = context["doc"], context["report"]
    book = Workbook()
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DFE1E2")
    date = labels.iso_date

    def sheet(
        title: str,
        header: list[str],
        rows: list[list[Any]],
        first: bool = False,
        formats: dict[int, str] | None = None,
    ) -> Any:
        ws = book.active if first else book.create_sheet()
        ws.title = title
        ws.append(header)
        for cell in ws[1]:
            cell.font = bold
            cell.fill = fill
        for row in rows:
            ws.append([xlsx_safe(v) if isinstance(v, str) else v for v in row])
            for cell in ws[ws.max_row]:  # text from users is text, never a formula
                if cell.data_type == "f":
                    cell.data_type = "s"
        for index, number_format in (formats or {}).items():
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                if cell.value is not None:
                    cell.number_format = number_format
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(len(rows) + 1, 2)}"
        for i, name in enumerate(header, start=1):
            longest = max(
                [len(name) + 4]  # room for the filter button
                + [len(str(r[i - 1])) for r in rows if i - 1 < len(r) and r[i - 1] is not None]
            )
            ws.column_dimensions[get_column_letter(i)].width = max(12, min(60, longest + 2))
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str) and len(cell.value) > 60:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        return ws

    def validate(ws: Any, column: str, choices: list[str], count: int) -> None:
        dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
        dv.error = gettext("Choose a value from the list.")
        dv.prompt = gettext("Choose a value from the list.")
        ws.add_data_validation(dv)
        dv.add(f"{column}2:{column}{max(count + 1, 2) + 200}")

    ws = sheet(
        gettext("Plan"),
        [gettext("Field"), gettext("Value")],
        [
            [gettext("Title"), doc["title"]],
            [gettext("Organization"), doc["organization"]["name"]],
            [gettext("Coalition"), doc["coalition"]["name"] if doc["coalition"] else ""],
            [gettext("Period start"), date(doc["period_start"])],
            [gettext("Period end"), date(doc["period_end"])],
            [gettext("Area"), context["place"]],
            [gettext("State"), labels.field_value("state_fips", doc["state_fips"])],
            [gettext("County"), labels.field_value("county_fips", doc["county_fips"]).strip("—")],
            [gettext("Priority populations"), "; ".join(p["label"] for p in doc["populations"])],
            [gettext("Framework"), context["framework_name"]],
            [gettext("Status"), labels.label("plan_status", doc["status"])],
            [gettext("Version"), doc["version"]],
            [gettext("Budget (USD)"), float(context["budget_total"] or 0) or None],
            *(
                [[gettext("About the framework content"), context["caveat"]]]
                if context["caveat"]
                else []
            ),
        ],
        first=True,
    )
    ws["B5"].number_format = ws["B6"].number_format = DATE_FORMAT
    ws["B14"].number_format = MONEY_FORMAT
    activities = [
        [
            s["name"],
            a["name"],
            gettext("From the framework") if a["framework_activity"] else gettext("Custom"),
            a["level_name"],
            a["tier_name"],
            a["population_label"] or gettext("General population"),
            a["lead"]["name"],
            "; ".join(p["name"] for p in a["partners"]),
            date(a["start"]),
            date(a["end"]),
            labels.label("status", a["status"]),
            _num(a["budget"]),
            "; ".join(context["outcomes_by_activity"].get(a["key"], [])),
        ]
        for s in doc["strategies"]
        for a in s["activities"]
    ]
    ws = sheet(
        gettext("Activities"),
        [
            gettext("Strategy"),
            gettext("Activity"),
            gettext("Source"),
            gettext("Level"),
            gettext("Tier"),
            gettext("Population"),
            gettext("Lead organization"),
            gettext("Partners"),
            gettext("Start"),
            gettext("End"),
            gettext("Status"),
            gettext("Budget (USD)"),
            gettext("Outcomes"),
        ],
        activities,
        formats={9: DATE_FORMAT, 10: DATE_FORMAT, 12: MONEY_FORMAT},
    )
    validate(ws, "K", _labels(ACTIVITY_STATUSES), len(activities))
    outcomes = [
        [
            o["name"],
            labels.label("horizon", o["horizon"]),
            strategy_names.get(o["strategy"] or "", ""),
            o["description"],
            len(o["indicators"]),
        ]
        for strategy_names in [{s["key"]: s["name"] for s in doc["strategies"]}]
        for o in doc["outcomes"]
    ]
    ws = sheet(
        gettext("Outcomes"),
        [
            gettext("Outcome"),
            gettext("Horizon"),
            gettext("Strategy"),
            gettext("Description"),
            gettext("Indicators"),
        ],
        outcomes,
    )
    validate(ws, "B", _labels(HORIZONS), len(outcomes))
    indicators = [
        [
            o["name"],
            i["name"],
            i["definition"],
            i["unit"],
            i["data_source"],
            _num(i["baseline_value"]),
            date(i["baseline_date"]),
            _num(i["target_value"]),
            date(i["target_date"]),
            labels.label("direction", i["direction"]),
            labels.label("frequency", i["frequency"]).replace(",", ""),
        ]
        for o in doc["outcomes"]
        for i in o["indicators"]
    ]
    ws = sheet(
        gettext("Indicators"),
        [
            gettext("Outcome"),
            gettext("Indicator"),
            gettext("Definition"),
            gettext("Unit"),
            gettext("Data source"),
            gettext("Baseline"),
            gettext("Baseline date"),
            gettext("Target"),
            gettext("Target date"),
            gettext("Direction"),
            gettext("Frequency"),
        ],
        indicators,
        formats={7: DATE_FORMAT, 9: DATE_FORMAT},
    )
    validate(ws, "J", _labels(DIRECTIONS), len(indicators))
    validate(ws, "K", _labels(FREQUENCIES), len(indicators))
    principles = [
        [p["name"], labels.label("rating", p["rating"]), p["evidence"], len(p["practices"])]
        for p in doc["principles"]
    ]
    ws = sheet(
        gettext("Principles"),
        [
            gettext("Principle"),
            gettext("Rating"),
            gettext("Evidence"),
            gettext("Practices checked"),
        ],
        principles,
    )
    validate(ws, "B", _labels(PRINCIPLE_RATINGS), len(principles))
    sheet(
        gettext("Heatmap"),
        [gettext("Strategy"), *[level["name"] for level in report.levels], gettext("Total")],
        [[row.name, *[c.count for c in row.cells], row.total] for row in report.heatmap],
    )
    sheet(
        gettext("Partners"),
        [gettext("Organization"), gettext("Sectors")],
        [[p["name"], "; ".join(gettext(s) for s in p["sector_labels"])] for p in doc["partners"]],
    )
    sheet(
        gettext("Gaps"),
        [gettext("Gap"), gettext("Detail"), gettext("Framework activities that would close it")],
        [[g.title, g.detail, "; ".join(s.name for s in g.suggestions)] for g in report.summary],
    )
    step(0.8, gettext_noop("Saving the workbook"))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ExportFormat:
    name: str  # "pdf": the file extension too
    label: str
    content_type: str
    build: Callable[..., bytes]


FORMATS: dict[str, ExportFormat] = {
    "pdf": ExportFormat("pdf", "PDF", "application/pdf", plan_pdf),
    "xlsx": ExportFormat("xlsx", "XLSX", XLSX_TYPE, plan_xlsx),
}
