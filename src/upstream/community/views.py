"""Community pages: the map with its table, county profiles and index definitions.

Public reference data, readable without JavaScript: the table is the map's text alternative and
every control is a plain GET form or link.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from upstream.accounts.decorators import require
from upstream.community import selectors, services
from upstream.community.forms import IndexForm, IndicatorRowsForm, UploadForm
from upstream.community.forms import problems as form_problems
from upstream.community.models import GeographySet
from upstream.community.problems import CommunityDataError
from upstream.community.selectors import SORT_KEYS, Measure
from upstream.community.services import uploads
from upstream.core.access import public
from upstream.core.places import place_name
from upstream.core.readers import read_stream, table_limit
from upstream.tasks.selectors import task_run_for

PAGE_SIZE = 100
STATE_FIPS_LENGTH = 2
MAX_AREA_CODES = 300
MAX_SEARCH_LENGTH = 100


def _area_param(request: HttpRequest, gs: GeographySet | None) -> list[Any]:
    """The plan's or coalition's area from ``?area=`` (comma-separated state or county FIPS)."""
    codes = [c.strip() for c in request.GET.get("area", "").split(",") if c.strip()]
    if gs is None or not codes:
        return []
    return selectors.area_geographies(gs, codes[:MAX_AREA_CODES])


def _state_param(
    request: HttpRequest, gs: GeographySet | None, area: list[Any] | None = None
) -> tuple[str, str]:
    """(state FIPS, state name) from ``?state=``, or the area's one state, or ("", "") for the
    whole country."""
    state = request.GET.get("state", "")
    area_states = {g.state_fips for g in area or []}
    if "state" not in request.GET and len(area_states) == 1:
        state = area_states.pop()
    if gs is None or len(state) != STATE_FIPS_LENGTH or not state.isdigit():
        return "", ""
    found = gs.geographies.filter(kind="state", fips=state).values_list("name", flat=True).first()
    return (state, found) if found else ("", "")


def _table_params(request: HttpRequest) -> tuple[str, bool]:
    sort = request.GET.get("sort", "value")
    if sort not in SORT_KEYS:
        sort = "value"
    default_order = "asc" if sort in ("name", "state") else "desc"
    return sort, request.GET.get("order", default_order) != "asc"


def _profile_url(measure: Measure, fips: str) -> str:
    url = reverse("community:county", args=[fips])
    return f"{url}?index={measure.key}" if measure.index is not None else url


def map_spec(
    measure: Measure,
    rows: list[dict[str, Any]],
    state_name: str,
    area: list[str] | None = None,
) -> dict[str, Any]:
    """The Vega-Lite choropleth: county shapes from static TopoJSON, values inline. A click on a
    county opens its profile; ``area`` (county FIPS codes) is outlined."""
    shapes = {
        "url": static(measure.geography_set.shapes),
        "format": {"type": "topojson", "feature": "counties"},
    }
    state_filter = []
    if rows and state_name:
        state_filter = [{"filter": f"slice(datum.id, 0, 2) == '{rows[0]['fips'][:2]}'"}]
    is_index = measure.index is not None
    by_state = is_index and measure.index is not None and measure.index.ranking == "state"
    if is_index:
        value_title = _("Percentile (in state)") if by_state else _("Percentile (national)")
    else:
        value_title = f"{measure.label} ({measure.unit})"
    values = [
        {
            "fips": r["fips"],
            "name": r["name"],
            "state": r["state"],
            "value": r["value"],
            "url": _profile_url(measure, r["fips"]),
        }
        for r in rows
        if r["value"] is not None
    ]
    color: dict[str, Any] = {
        "field": "value",
        "type": "quantitative",
        "title": value_title if is_index else measure.unit or _("Value"),
        "scale": {"scheme": "purples", **({"domain": [0, 1]} if is_index else {})},
        # beside the map, not over Florida and the Gulf; large enough to read
        "legend": {
            "orient": "right",
            "format": ".2f" if is_index else ",.4~g",
            "titleFontSize": 14,
            "labelFontSize": 13,
            "titleLimit": 220,
            "gradientLength": 220,
            "gradientThickness": 16,
            "titleColor": "#1b1b1b",
            "labelColor": "#1b1b1b",
        },
    }
    outline: list[dict[str, Any]] = []
    if area:
        outline = [
            {
                "data": shapes,
                "transform": [
                    *state_filter,
                    {
                        "lookup": "id",
                        "from": {
                            "data": {"values": [{"fips": f, "area": True} for f in area]},
                            "key": "fips",
                            "fields": ["area"],
                        },
                    },
                    {"filter": "datum.area === true"},
                ],
                "mark": {
                    "type": "geoshape",
                    "fillOpacity": 0,
                    "stroke": "#1b1b1b",
                    "strokeWidth": 2,
                    "interactive": False,  # clicks reach the county below
                },
            }
        ]
    if state_name:
        description = _(
            "Map of %(label)s by county in %(state)s; the table on this page lists the same "
            "figures."
        ) % {"label": measure.label, "state": state_name}
    else:
        description = _(
            "Map of %(label)s by county; the table on this page lists the same figures."
        ) % {"label": measure.label}
    return {
        "description": description,
        "width": 640,
        "height": 400,
        "autosize": {"type": "fit", "contains": "padding"},
        "background": None,
        "projection": {"type": "identity"},
        "layer": [
            {
                "data": shapes,
                "transform": state_filter,
                "mark": {
                    "type": "geoshape",
                    "fill": "#dfe1e2",
                    "stroke": "#ffffff",
                    "strokeWidth": 0.25,
                },
            },
            {
                "data": shapes,
                "transform": [
                    *state_filter,
                    {
                        "lookup": "id",
                        "from": {
                            "data": {"values": values},
                            "key": "fips",
                            "fields": ["name", "state", "value", "url"],
                        },
                    },
                    {"filter": "isValid(datum.value)"},
                ],
                "mark": {
                    "type": "geoshape",
                    "stroke": "#ffffff",
                    "strokeWidth": 0.25,
                    "cursor": "pointer",
                },
                "encoding": {
                    "color": color,
                    "href": {"field": "url", "type": "nominal"},
                    "tooltip": [
                        {"field": "name", "type": "nominal", "title": _("County")},
                        {"field": "state", "type": "nominal", "title": _("State")},
                        {
                            "field": "value",
                            "type": "quantitative",
                            "title": value_title,
                            "format": ".4f" if is_index else ",.4~g",
                        },
                    ],
                },
            },
            *outline,
        ],
        "config": {"view": {"stroke": None}, "locale": {"number": _number_locale()}},
    }


def _number_locale() -> dict[str, Any]:
    """Vega's number format for the active language: "0,25" and "1.234" in Spanish."""
    return {
        "decimal": str(formats.get_format("DECIMAL_SEPARATOR")),
        "thousands": str(formats.get_format("THOUSAND_SEPARATOR")),
        "grouping": [int(formats.get_format("NUMBER_GROUPING")) or 3],
        "currency": ["$", ""],
    }


def _query(**params: str) -> str:
    return "?" + urlencode({k: v for k, v in params.items() if v})


def _map_context(request: HttpRequest) -> dict[str, Any]:
    measure = selectors.measure_get(request.GET.get("show"))
    if request.GET.get("show") and measure is None:
        raise Http404(_("No such index or indicator."))
    gs = measure.geography_set if measure else selectors.geography_set_get(None)
    area = _area_param(request, gs)
    state, state_name = _state_param(request, gs, area)
    sort, descending = _table_params(request)
    rows = (
        selectors.measure_table(measure, state=state, sort=sort, descending=descending)
        if measure
        else []
    )
    return {
        "measure": measure,
        "geography_set": gs,
        "state": state,
        "state_name": state_name,
        "sort": sort,
        "descending": descending,
        "rows": rows,
        "area": [
            {"fips": g.fips, "kind": g.kind, "label": place_name(g.state_fips, g.fips)}
            if g.kind == "county"
            else {"fips": g.fips, "kind": g.kind, "label": place_name(g.fips)}
            for g in area
        ],
        "area_param": ",".join(g.fips for g in area),
    }


def _area_counties(area: list[Any]) -> list[str]:
    """County FIPS codes to outline: the area's counties (a whole state needs no outline)."""
    return [g["fips"] for g in area if g["kind"] == "county"]


def _search(rows: list[dict[str, Any]], query: str) -> list[dict[str, Any]]:
    needle = " ".join(query.split()).casefold()
    return [r for r in rows if needle in r["name"].casefold()] if needle else rows


@public
def map_page(request: HttpRequest) -> HttpResponse:
    context = _map_context(request)
    measure: Measure | None = context["measure"]
    query = request.GET.get("q", "").strip()[:MAX_SEARCH_LENGTH]
    rows = _search(context["rows"], query)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    show = measure.param if measure else ""
    state = context["state"]
    area = context["area_param"]
    sort, descending = context["sort"], context["descending"]
    columns = []
    labels = [("name", _("County")), ("state", _("State"))]
    if measure is not None and measure.index is not None:
        labels += [
            ("percentile", _("Percentile (national)")),
            ("state_percentile", _("Percentile (in state)")),
            ("flags", _("Flags")),
        ]
    elif measure is not None:
        labels += [("value", f"{measure.label}")]
    for key, label in labels:
        active = key == sort or (
            sort == "value"
            and measure is not None
            and measure.index is not None
            and key == ("state_percentile" if measure.index.ranking == "state" else "percentile")
        )
        next_order = "asc" if active and descending else "desc"
        if not active and key in ("name", "state"):
            next_order = "asc"
        columns.append(
            {
                "key": key,
                "label": label,
                "aria_sort": ("descending" if descending else "ascending") if active else "",
                "href": _query(
                    show=show, state=state, area=area, q=query, sort=key, order=next_order
                ),
            }
        )
    order = "desc" if descending else "asc"
    return render(
        request,
        "community/map.html",
        {
            **context,
            "options": selectors.measure_options(),
            "states": selectors.states(context["geography_set"])
            if context["geography_set"]
            else [],
            "page": page,
            "columns": columns,
            "spec": map_spec(
                measure, context["rows"], context["state_name"], _area_counties(context["area"])
            )
            if measure
            else None,
            "csv_href": _query(show=show, state=state, sort=sort, order=order),
            "page_query": _query(
                show=show, state=state, area=area, q=query, sort=sort, order=order
            ),
            "clear_search": _query(show=show, state=state, area=area, sort=sort, order=order),
            "query": query,
            "matches": len(rows),
            "show": show,
        },
    )


@public
def map_csv(request: HttpRequest) -> HttpResponse:
    context = _map_context(request)
    measure: Measure | None = context["measure"]
    if measure is None:
        raise Http404(_("Nothing to download yet."))
    response = HttpResponse(
        selectors.table_csv(measure, context["rows"]), content_type="text/csv; charset=utf-8"
    )
    suffix = f"-{context['state']}" if context["state"] else ""
    filename = f"{measure.key}-{measure.year}{suffix}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@public
def county_profile(request: HttpRequest, fips: str) -> HttpResponse:
    key = request.GET.get("index")
    index = selectors.index_get(key) if key else selectors.default_index()
    if index is None:
        raise Http404(_("No index has been computed yet."))
    profile = selectors.county_profile(index, fips)
    return render(
        request,
        "community/county.html",
        {
            "index": index,
            "indices": selectors.indices().filter(
                computed_at__isnull=False, geography_set=index.geography_set
            ),
            **profile,
        },
    )


@public
def index_list(request: HttpRequest) -> HttpResponse:
    return render(request, "community/index_list.html", {"indices": selectors.indices()})


@public
def index_detail(request: HttpRequest, key: str) -> HttpResponse:
    index = selectors.index_get(key)
    inputs = {i["indicator"]: i for i in index.provenance.get("inputs", [])}
    themes = [
        {
            **theme,
            "rows": [{**v, "input": inputs.get(v["indicator"], {})} for v in theme["variables"]],
        }
        for theme in index.themes
    ]
    return render(
        request,
        "community/index_detail.html",
        {
            "index": index,
            "themes": themes,
            "population": inputs.get(index.population_indicator),
            "computed": index.provenance.get("computed", {}),
            "provenance": index.provenance,
        },
    )


@require("index.define")
def index_new(request: HttpRequest, membership: Any) -> HttpResponse:
    """A coordinator or analyst defines a custom index from the indicators with data."""
    data = request.POST if request.method == "POST" else None
    indicators = selectors.indicators_with_data()
    sets = selectors.geography_sets()
    form = IndexForm(
        data,
        geography_sets=[(gs.key, gs.name) for gs in sets],
        indicators=[(i.key, i.name) for i in indicators],
    )
    rows = IndicatorRowsForm(data, indicators=indicators)
    problems: list[str] = []
    if data is not None:
        problems = form_problems(form, rows)
        if not problems:
            try:
                index = services.index_define_and_compute(
                    actor=membership, spec={**form.spec(), "themes": rows.themes}, request=request
                )
            except CommunityDataError as exc:
                problems = [str(p) for p in exc.problems]
            else:
                messages.success(
                    request, _("Defined and computed %(name)s.") % {"name": index.name}
                )
                return redirect("community:index", key=index.key)
    return render(
        request,
        "community/index_new.html",
        {
            "membership": membership,
            "org": membership.organization,
            "form": form,
            "rows": rows.rows(),
            "problems": problems,
        },
        status=422 if problems else 200,
    )


@require("indicator.import")
def upload_page(request: HttpRequest, membership: Any) -> HttpResponse:
    """An administrator or analyst uploads an SVI or indicator CSV; it is imported in the
    background and this page follows it (``?task=``) to the rows imported or the problem list."""
    sets = [(gs.key, gs.name) for gs in selectors.geography_sets()]
    form = UploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        geography_sets=sets,
    )
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        handle = form.cleaned_data["file"]
        try:
            data = read_stream(handle, limit=table_limit(), file=handle.name)
            _, started = uploads.upload_receive(
                actor=membership,
                kind=form.cleaned_data["kind"],
                name=handle.name,
                data=data,
                year=form.cleaned_data["year"],
                geography_set=form.cleaned_data["geography_set"] or None,
                replace=form.cleaned_data["if_stored"] == "replace",
                request=request,
            )
        except CommunityDataError as exc:
            problems = [str(p) for p in exc.problems]
        else:
            url = reverse("community:uploads", kwargs={"org": membership.organization.uuid})
            return redirect(f"{url}?task={started.uuid}")
    run: Any = None
    if request.method == "GET" and request.GET.get("task"):
        try:
            run = task_run_for(user=request.user, run_uuid=request.GET["task"])
        except (Http404, ValidationError):
            run = None
    return render(
        request,
        "community/uploads.html",
        {
            "org": membership.organization,
            "form": form,
            "problems": problems,
            "run": run,
            "uploads": selectors.uploads_for(membership=membership),
        },
        status=422 if request.method == "POST" else 200,
    )
