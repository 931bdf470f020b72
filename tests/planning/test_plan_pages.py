"""Plan pages, one-click additions from the gap analysis, and the exports' content."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest

from tests.conftest import make_member, sign_in_as
from tests.planning.conftest import add_from_framework
from upstream.audit.models import AuditEvent
from upstream.planning import services
from upstream.planning.models import Plan, PlanActivity, PlanStrategy

pytestmark = pytest.mark.django_db


def _url(plan: Any, suffix: str = "") -> str:
    return f"/orgs/{plan.organization.uuid}/plans/{plan.uuid}/{suffix}"


@pytest.fixture
def worked_plan(plan: Any, coordinator: Any, partner_org: Any) -> Any:
    school = add_from_framework(
        coordinator, plan, "school-prevention-education", partners=[partner_org]
    )
    outcome = services.plan_outcome_add(
        actor=coordinator,
        plan=plan,
        name="More knowledge of grooming tactics",
        horizon="short",
        activities=[school],
    )
    services.indicator_add(
        actor=coordinator,
        plan=plan,
        outcome=outcome,
        name="Students who can name three grooming tactics",
        unit="percent of students",
        baseline_value=Decimal("22"),
        baseline_date=plan.period_start,
        target_value=Decimal("60"),
        target_date=plan.period_end,
    )
    plan.refresh_from_db()
    return plan


def test_coordinator_creates_a_plan_through_the_form(
    client: Any, coordinator: Any, hhs: Any
) -> None:
    sign_in_as(client, coordinator.user)
    response = client.post(
        f"/orgs/{coordinator.organization.uuid}/plans/new/",
        {
            "title": "Riverbend plan",
            "framework_version": hhs.pk,
            "period_start": "2026-01-01",
            "period_end": "2027-12-31",
            "state_fips": "39",
            "county_fips": "39049",
            "populations": ["youth-foster-care"],
        },
    )
    plan = Plan.objects.get(title="Riverbend plan")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/plans/{plan.uuid}/strategies/")


def test_form_shows_the_services_error_and_creates_nothing(
    client: Any, coordinator: Any, hhs: Any
) -> None:
    sign_in_as(client, coordinator.user)
    response = client.post(
        f"/orgs/{coordinator.organization.uuid}/plans/new/",
        {
            "title": "Backwards",
            "framework_version": hhs.pk,
            "period_start": "2027-01-01",
            "period_end": "2026-01-01",
            "state_fips": "39",
        },
    )
    assert response.status_code == 200
    assert "The end date must be on or after the start date." in response.content.decode()
    assert not Plan.objects.exists()


def test_plan_page_shows_the_logic_model(client: Any, coordinator: Any, worked_plan: Any) -> None:
    sign_in_as(client, coordinator.user)
    body = client.get(_url(worked_plan)).content.decode()
    assert "School-based prevention education" in body
    assert "Partner Shelter" in body
    assert "More knowledge of grooming tactics" in body
    assert "Students who can name three grooming tactics" in body


def test_add_activity_prefills_from_the_framework(
    client: Any, coordinator: Any, worked_plan: Any
) -> None:
    sign_in_as(client, coordinator.user)
    body = client.get(_url(worked_plan, "activities/add/?from=online-safety-skills")).content
    assert b"Pre-filled from the framework" in body
    assert b'value="Online safety skills' in body or b"Online safety" in body


def test_stale_activity_form_is_refused_with_a_clear_message(
    client: Any, coordinator: Any, worked_plan: Any
) -> None:
    activity = worked_plan.activities.get()
    sign_in_as(client, coordinator.user)
    form = {
        "revision": activity.revision,
        "name": "First",
        "level": activity.level_id,
        "tier": activity.tier_id,
        "lead_organization": activity.lead_organization_id,
        "status": "planned",
    }
    assert client.post(_url(worked_plan, f"activities/{activity.uuid}/"), form).status_code == 302
    response = client.post(
        _url(worked_plan, f"activities/{activity.uuid}/"), {**form, "name": "Second"}
    )
    assert "Someone else changed this activity" in response.content.decode()
    assert PlanActivity.objects.get(pk=activity.pk).name == "First"


def test_gap_page_lists_gaps_and_one_click_adds_a_suggestion(
    client: Any, coordinator: Any, worked_plan: Any
) -> None:
    sign_in_as(client, coordinator.user)
    body = client.get(_url(worked_plan, "gaps/")).content.decode()
    assert "The top gaps" in body
    assert "No activity reaches migrant and seasonal workers" in body
    response = client.post(
        _url(worked_plan, "gaps/add/"),
        {"activity": "know-your-rights-training", "population": "migrant-seasonal-workers"},
    )
    assert response.status_code == 302
    added = worked_plan.activities.get(framework_activity__key="know-your-rights-training")
    assert added.population == "migrant-seasonal-workers"
    assert (
        "migrant and seasonal workers"
        not in client.get(_url(worked_plan, "gaps/")).content.decode()
    )


def test_outsider_gets_404_for_a_plan(client: Any, worked_plan: Any, outsider: Any) -> None:
    sign_in_as(client, outsider.user)
    wrong_org = f"/orgs/{outsider.organization.uuid}/plans/{worked_plan.uuid}/"
    assert client.get(wrong_org).status_code == 404
    assert client.get(_url(worked_plan)).status_code == 404


def test_coalition_partner_sees_the_plan_but_cannot_edit_it(
    client: Any, worked_plan: Any, partner_org: Any
) -> None:
    partner_coordinator = make_member(partner_org, "coordinator")
    sign_in_as(client, partner_coordinator.user)
    base = f"/orgs/{partner_org.uuid}/plans/{worked_plan.uuid}/"
    assert "School-based prevention education" in client.get(base).content.decode()
    assert client.get(base + "activities/add/").status_code == 403


def test_viewer_reads_but_cannot_open_the_edit_forms(
    client: Any, worked_plan: Any, owner_org: Any
) -> None:
    viewer = make_member(owner_org, "viewer")
    sign_in_as(client, viewer.user)
    assert client.get(_url(worked_plan)).status_code == 200
    assert client.get(_url(worked_plan, "activities/add/")).status_code == 403
    assert client.post(_url(worked_plan, "publish/")).status_code == 403


def test_publish_then_new_draft_then_diff(client: Any, coordinator: Any, worked_plan: Any) -> None:
    sign_in_as(client, coordinator.user)
    client.post(_url(worked_plan, "publish/"), {"revision": worked_plan.revision})
    worked_plan.refresh_from_db()
    assert worked_plan.is_published
    assert worked_plan.snapshot["title"] == worked_plan.title
    response = client.post(_url(worked_plan, "new-draft/"))
    draft = Plan.objects.get(series=worked_plan.series, version=2)
    assert response["Location"].endswith(f"/plans/{draft.uuid}/")
    activity = draft.activities.get()
    client.post(
        _url(draft, f"activities/{activity.uuid}/status/"),
        {"status": "in_progress", "revision": activity.revision},
    )
    body = client.get(_url(draft, "diff/")).content.decode()
    assert "School-based prevention education" in body
    assert "Status: Planned → In progress" in body
    history = client.get(_url(draft, "history/")).content.decode()
    assert "Plan version published" in history
    assert "Plan activity status changed: Planned → In progress" in history


def test_xlsx_export_has_a_sheet_per_component_with_the_plans_content(
    client: Any, coordinator: Any, worked_plan: Any
) -> None:
    from openpyxl import load_workbook

    activity = worked_plan.activities.get()
    services.plan_activity_update(
        actor=coordinator,
        activity=activity,
        revision=activity.revision,
        start=worked_plan.period_start,
        end=worked_plan.period_end,
    )
    sign_in_as(client, coordinator.user)
    response = client.get(_url(worked_plan, "export.xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Plan",
        "Activities",
        "Outcomes",
        "Indicators",
        "Principles",
        "Heatmap",
        "Partners",
        "Gaps",
    ]
    activities = book["Activities"]
    assert activities["B1"].value == "Activity"
    assert activities["B2"].value == "School-based prevention education"
    assert activities["H2"].value == "Partner Shelter"
    assert activities["M2"].value == "More knowledge of grooming tactics"
    assert activities["K2"].value == "Planned"  # words, not codes
    validations = activities.data_validations.dataValidation
    assert any(v.formula1 == '"Planned,In progress,Done,Dropped"' for v in validations)
    indicators = book["Indicators"]
    assert indicators["F2"].value == 22 and indicators["H2"].value == 60
    # real dates, shown as dates
    assert indicators["G2"].value.date() == dt.date(2026, 1, 1)
    assert indicators["G2"].is_date and indicators["G2"].number_format == "yyyy-mm-dd"
    assert activities["I2"].is_date and activities["J2"].value.date() == dt.date(2028, 12, 31)
    assert indicators["J2"].value == "Increase" and indicators["K2"].value == "Annually"
    assert book["Outcomes"]["B2"].value == "Short term"
    plan_sheet = {row[0].value: row[1].value for row in book["Plan"].iter_rows(min_row=2)}
    assert plan_sheet["Area"] == "Franklin County, Ohio"
    assert (
        plan_sheet["Framework"] == "National Human Trafficking Prevention Framework, version 2024.2"
    )
    assert plan_sheet["Status"] == "Draft"
    assert plan_sheet["Period start"].date() == dt.date(2026, 1, 1)
    for ws in book:  # every table has a filter over its header and columns fit their content
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
        assert (
            ws.auto_filter.ref.split(":")[1].rstrip("0123456789")
            == ws.cell(row=1, column=ws.max_column).column_letter
        )
    assert activities.column_dimensions["B"].width >= len("School-based prevention education")
    assert response["Content-Disposition"].endswith('-v1-2026-2028.xlsx"')
    assert AuditEvent.objects.filter(action="plan.exported", details__format="xlsx").count() == 1


def test_pdf_export_text_has_cover_logic_model_indicators_and_partners(
    client: Any, coordinator: Any, worked_plan: Any
) -> None:
    from pypdf import PdfReader

    sign_in_as(client, coordinator.user)
    response = client.get(_url(worked_plan, "export.pdf"))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "County prevention plan" in text
    assert "School-based prevention education" in text
    assert "Students who can name three grooming tactics" in text
    assert "Partner Shelter" in text
    assert "Coverage heatmap" in text
    assert AuditEvent.objects.filter(action="plan.exported", details__format="pdf").count() == 1


def test_pdf_is_a_tagged_funder_report_with_caveat_draft_mark_budget_and_place(
    client: Any, coordinator: Any, worked_plan: Any
) -> None:
    from pypdf import PdfReader

    activity = worked_plan.activities.get()
    services.plan_activity_update(
        actor=coordinator, activity=activity, revision=activity.revision, budget=Decimal("15000")
    )
    sign_in_as(client, coordinator.user)
    Plan.objects.filter(pk=worked_plan.pk).update(title="Riverbend plan 2026–2028")
    response = client.get(_url(worked_plan, "export.pdf"))
    assert response["Content-Disposition"] == (
        'attachment; filename="riverbend-plan-v1-2026-2028.pdf"'
    )
    reader = PdfReader(io.BytesIO(response.content))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"  # the document language
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]  # tagged
    assert reader.metadata.title == "Riverbend plan 2026–2028"
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    caveat = "Reconstructed from public sources; verify against the official framework."
    assert len(pages) > 1 and all(caveat in page for page in pages)
    assert all("DRAFT" in page for page in pages)
    cover = pages[0]
    assert "Franklin County, Ohio" in cover
    assert "National Human Trafficking Prevention Framework, version 2024.2" in cover
    assert "$15,000" in cover and "hhs-2024@" not in " ".join(pages)
    assert "In progress" not in cover and "Planned" in " ".join(pages)  # status in words

    worked_plan.refresh_from_db()
    services.plan_publish(actor=coordinator, plan=worked_plan, revision=worked_plan.revision)
    published = client.get(_url(worked_plan, "export.pdf")).content
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(published)).pages)
    assert "DRAFT" not in text and caveat in " ".join(text.split())


def _structure_types(node: Any, found: list[str]) -> list[str]:
    """The structure types of a tagged PDF's tree, in reading order."""
    node = node.get_object()
    if isinstance(node, list):
        for child in node:
            _structure_types(child, found)
    elif hasattr(node, "get"):
        if node.get("/S"):
            found.append(str(node["/S"]))
        kids = node.get("/K")
        if kids is not None and not isinstance(kids, int):
            _structure_types(kids, found)
    return found


def test_pdf_gives_each_activity_and_outcome_a_tagged_labelled_entry(
    client: Any, coordinator: Any, worked_plan: Any
) -> None:
    from pypdf import PdfReader

    sign_in_as(client, coordinator.user)
    reader = PdfReader(io.BytesIO(client.get(_url(worked_plan, "export.pdf")).content))
    types = _structure_types(reader.trailer["/Root"]["/StructTreeRoot"]["/K"], [])
    # Headings per section and strategy, list entries, and the heatmap as a captioned table.
    assert {"/H1", "/H2", "/L", "/LI", "/Table", "/Caption", "/TH"} <= set(types)
    strategies = PlanStrategy.objects.filter(plan=worked_plan).count()
    assert strategies and types.count("/H3") == strategies + 1  # one each, and the top gaps
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    activity = text.index("School-based prevention education")
    assert text.index("Status: Planned", activity) < text.index("Lead and partners:", activity)
    assert "Level and tier:" in text and "Outcomes: More knowledge of grooming tactics" in text
    outcome = text.index("More knowledge of grooming tactics — Horizon: Short term")
    assert activity < outcome < text.index("Coverage heatmap")  # the reading order
    indicator = text[text.index("Students who can name three grooming tactics", outcome) :]
    assert indicator.startswith(
        "Students who can name three grooming tactics (percent of students): baseline 22 ("
    )
    assert "target 60 by" in indicator and "direction: Increase" in indicator


def test_editing_plan_details_from_a_stale_form_is_refused(
    client: Any, coordinator: Any, worked_plan: Any
) -> None:
    sign_in_as(client, coordinator.user)
    form = {
        "revision": worked_plan.revision,
        "title": "Renamed plan",
        "period_start": "2026-01-01",
        "period_end": "2028-12-31",
        "state_fips": "39",
        "county_fips": "39049",
    }
    assert client.post(_url(worked_plan, "edit/"), form).status_code == 302
    response = client.post(_url(worked_plan, "edit/"), {**form, "title": "Second rename"})
    assert "Someone else changed this plan" in response.content.decode()
    worked_plan.refresh_from_db()
    assert worked_plan.title == "Renamed plan"
    assert worked_plan.populations == []


def test_a_published_plans_details_cannot_be_edited(
    client: Any, coordinator: Any, worked_plan: Any
) -> None:
    services.plan_publish(actor=coordinator, plan=worked_plan, revision=worked_plan.revision)
    worked_plan.refresh_from_db()
    sign_in_as(client, coordinator.user)
    response = client.post(
        _url(worked_plan, "edit/"),
        {
            "revision": worked_plan.revision,
            "title": "Changed",
            "period_start": "2026-01-01",
            "period_end": "2028-12-31",
            "state_fips": "39",
        },
    )
    assert "cannot be changed" in response.content.decode()
    worked_plan.refresh_from_db()
    assert worked_plan.title == "County prevention plan"


def test_coordinator_removes_an_activity_and_the_history_keeps_it(
    client: Any, coordinator: Any, worked_plan: Any
) -> None:
    activity = worked_plan.activities.get()
    sign_in_as(client, coordinator.user)
    response = client.post(
        _url(worked_plan, f"activities/{activity.uuid}/remove/"), {"confirm": "yes"}
    )
    assert response.status_code == 302
    assert not worked_plan.activities.exists()
    history = client.get(_url(worked_plan, "history/")).content.decode()
    assert "Plan activity removed" in history


def test_status_update_with_htmx_answers_with_just_the_cell(
    client: Any, coordinator: Any, worked_plan: Any
) -> None:
    activity = worked_plan.activities.get()
    sign_in_as(client, coordinator.user)
    response = client.post(
        _url(worked_plan, f"activities/{activity.uuid}/status/"),
        {"status": "done", "revision": activity.revision},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert body.startswith(f'<td id="status-cell-{activity.uuid}"')
    assert "is now done" in body
    # htmx focuses the autofocus control it swaps in: keyboard focus stays on the status
    assert f'id="status-{activity.uuid}" name="status" autofocus' in body
    assert f'name="revision" value="{activity.revision + 1}"' in body
    stale = client.post(
        _url(worked_plan, f"activities/{activity.uuid}/status/"),
        {"status": "dropped", "revision": activity.revision},
        HTTP_HX_REQUEST="true",
    )
    assert "Someone else changed this activity" in stale.content.decode()
    assert PlanActivity.objects.get(pk=activity.pk).status == "done"
    events = AuditEvent.objects.filter(action="plan.activity_status").count()
    again = client.post(
        _url(worked_plan, f"activities/{activity.uuid}/status/"),
        {"status": "done", "revision": activity.revision + 1},
        HTTP_HX_REQUEST="true",
    )
    assert "is already done" in again.content.decode()
    assert AuditEvent.objects.filter(action="plan.activity_status").count() == events
