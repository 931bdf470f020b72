"""Browse pages for the framework knowledge base. Readable without JavaScript."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext

from upstream.core.access import public
from upstream.core.vocabularies import CONFIDENCE, HORIZONS, SECTORS, label_of
from upstream.framework import diff as pack_diff
from upstream.framework import search as fw_search
from upstream.framework import selectors, translation
from upstream.framework.models import FrameworkVersion
from upstream.framework.pack import pack_text
from upstream.framework.translation import text_of


def _render(
    request: HttpRequest, template: str, version: FrameworkVersion | None, **context: Any
) -> HttpResponse:
    base: dict[str, Any] = {
        "version": version,
        "confidence_labels": {k: gettext(v) for k, v in CONFIDENCE.items()},
    }
    if version is not None:
        base["fw"] = {"framework": version.framework.slug, "version": version.version}
        base["translation_credit"] = translation.credit(version)
        # read only by the pages that show it
        base["other_versions"] = SimpleLazyObject(
            lambda: list(
                version.framework.versions.order_by("-loaded_at", "-id").values_list(
                    "version", flat=True
                )
            )
        )
    base.update(context)
    return render(request, f"framework/{template}", base)


@public
def home(request: HttpRequest) -> HttpResponse:
    version = selectors.default_version(settings.DEFAULT_FRAMEWORK)
    if version is None:
        return _render(request, "empty.html", None)
    return _landing(request, version, is_home=True)


@public
def framework_list(request: HttpRequest) -> HttpResponse:
    return _render(request, "framework_list.html", None, frameworks=selectors.frameworks())


@public
def framework_latest(request: HttpRequest, framework: str) -> HttpResponse:
    version = selectors.version_get(framework=framework)
    return redirect("framework:landing", framework=framework, version=version.version)


@public
def landing(request: HttpRequest, framework: str, version: str) -> HttpResponse:
    return _landing(request, selectors.version_get(framework=framework, version=version))


def _landing(
    request: HttpRequest, version: FrameworkVersion, is_home: bool = False
) -> HttpResponse:
    tiers = list(selectors.tiers(version))
    tier_by_key = {tier.key: tier for tier in tiers}
    aims = [
        (aim, [tier_by_key[key] for key in aim.get("tiers", []) if key in tier_by_key])
        for aim in version.aims
    ]
    return _render(
        request,
        "landing.html",
        version,
        is_home=is_home,
        aims=aims,
        principles=selectors.principles(version),
        strategies=selectors.strategies(version),
        levels=selectors.levels(version),
        tiers=tiers,
    )


@public
def principle_detail(request: HttpRequest, framework: str, version: str, key: str) -> HttpResponse:
    fv = selectors.version_get(framework=framework, version=version)
    return _render(request, "principle.html", fv, principle=selectors.principle_get(fv, key))


@public
def level_detail(request: HttpRequest, framework: str, version: str, key: str) -> HttpResponse:
    fv = selectors.version_get(framework=framework, version=version)
    level = selectors.level_get(fv, key)
    return _render(
        request,
        "level.html",
        fv,
        level=level,
        strategies=selectors.strategies(fv, level=key),
        activities=selectors.activities(fv, level=key),
        risk_factors=selectors.factors(fv, level=key, kind="risk"),
        protective_factors=selectors.factors(fv, level=key, kind="protective"),
    )


@public
def tier_detail(request: HttpRequest, framework: str, version: str, key: str) -> HttpResponse:
    fv = selectors.version_get(framework=framework, version=version)
    tier = selectors.tier_get(fv, key)
    aims = [aim for aim in fv.aims if key in aim.get("tiers", [])]
    return _render(
        request,
        "tier.html",
        fv,
        tier=tier,
        aims=aims,
        strategies=selectors.strategies(fv, tier=key),
        activities=selectors.activities(fv, tier=key),
    )


@public
def strategy_list(request: HttpRequest, framework: str, version: str) -> HttpResponse:
    fv = selectors.version_get(framework=framework, version=version)
    return _render(request, "strategy_list.html", fv, strategies=selectors.strategies(fv))


def _strategy_page(version: FrameworkVersion, key: str) -> dict[str, Any]:
    strategy = selectors.strategy_get(version, key)
    factors = list(strategy.factors.all())
    return {
        "strategy": strategy,
        "outcomes_by_horizon": [
            (gettext(label), [o for o in strategy.outcomes.all() if o.horizon == horizon])
            for horizon, label in HORIZONS.items()
        ],
        "risk_factors": [f for f in factors if f.kind == "risk"],
        "protective_factors": [f for f in factors if f.kind == "protective"],
        "sectors": [label_of(SECTORS, s) for s in strategy.sectors],
    }


@public
def strategy_detail(request: HttpRequest, framework: str, version: str, key: str) -> HttpResponse:
    fv = selectors.version_get(framework=framework, version=version)
    # The page is a cached fragment keyed by the version's content (core.fragments): the strategy
    # is read only when the fragment is rendered (and an unknown key is a 404 then).
    page = SimpleLazyObject(lambda: _strategy_page(fv, key))
    return _render(
        request,
        "strategy.html",
        fv,
        page=page,
        fragment_parts=selectors.version_state(fv, key),
    )


@public
def activity_detail(request: HttpRequest, framework: str, version: str, key: str) -> HttpResponse:
    fv = selectors.version_get(framework=framework, version=version)
    activity = selectors.activity_get(fv, key)
    siblings = selectors.activities(fv, strategy=activity.strategy.key).exclude(pk=activity.pk)
    return _render(request, "activity.html", fv, activity=activity, siblings=siblings)


@public
def factor_list(request: HttpRequest, framework: str, version: str) -> HttpResponse:
    fv = selectors.version_get(framework=framework, version=version)
    kind = request.GET.get("kind") or None
    if kind not in (None, "risk", "protective"):
        kind = None
    factors = list(selectors.factors(fv, kind=kind))
    groups = [
        (level, [f for f in factors if f.level_id == level.pk]) for level in selectors.levels(fv)
    ]
    return _render(request, "factor_list.html", fv, groups=groups, kind=kind)


@public
def matrix(request: HttpRequest, framework: str, version: str) -> HttpResponse:
    fv = selectors.version_get(framework=framework, version=version)
    level_list, rows = selectors.strategy_level_matrix(fv)
    return _render(request, "matrix.html", fv, matrix_levels=level_list, rows=rows)


@public
def glossary(request: HttpRequest, framework: str, version: str) -> HttpResponse:
    fv = selectors.version_get(framework=framework, version=version)
    # In the page's language, alphabetical by the term shown.
    rows = list(selectors.definitions(fv))
    terms = {d.key: str(text_of(d, "term").value) for d in rows}
    definitions = sorted(rows, key=lambda d: terms[d.key].casefold())
    return _render(request, "glossary.html", fv, definitions=definitions, terms=terms)


@public
def search(request: HttpRequest, framework: str, version: str) -> HttpResponse:
    fv = selectors.version_get(framework=framework, version=version)
    query = request.GET.get("q", "")[:200]
    kind = request.GET.get("kind", "")
    kinds = [kind] if kind in fw_search.KINDS else None
    hits = fw_search.search(fv, query, kinds=kinds) if query.strip() else []
    return _render(
        request,
        "search.html",
        fv,
        query=query,
        hits=hits,
        kind=kind,
        kinds=list(fw_search.KIND_LABELS.items()),
    )


@public
def search_default(request: HttpRequest) -> HttpResponse:
    """The header's search box on pages outside a framework: search the default version."""
    version = selectors.default_version(settings.DEFAULT_FRAMEWORK)
    if version is None:
        return _render(request, "empty.html", None)
    url = reverse("framework:search", args=[version.framework.slug, version.version])
    query = request.GET.get("q", "")[:200]
    return redirect(f"{url}?{urlencode({'q': query})}" if query else url)


@public
def pack_download(request: HttpRequest, framework: str, version: str, fmt: str) -> HttpResponse:
    """The loaded version as a pack file, to correct and load as a new version."""
    fv = selectors.version_get(framework=framework, version=version)
    document = FrameworkVersion.objects.values_list("document", flat=True).get(pk=fv.pk)
    text, content_type = pack_text(document, fmt)
    response = HttpResponse(text, content_type=content_type)
    filename = f"{fv.framework.slug}-{fv.version}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@public
def version_diff(request: HttpRequest, framework: str) -> HttpResponse:
    versions = list(
        FrameworkVersion.objects.select_related("framework")
        .filter(framework__slug=framework)
        .order_by("-loaded_at", "-id")
    )
    if not versions:
        raise Http404("No such framework.")
    by_name = {v.version: v for v in versions}
    old_name = request.GET.get("from") or (versions[1].version if len(versions) > 1 else "")
    new_name = request.GET.get("to") or versions[0].version
    old, new = by_name.get(old_name), by_name.get(new_name)
    changes = pack_diff.diff_documents(old.document, new.document) if old and new else None
    return _render(
        request,
        "diff.html",
        versions[0],
        versions=versions,
        old=old,
        new=new,
        changes=changes,
    )
