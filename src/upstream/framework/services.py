"""Writes to the framework knowledge base."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from upstream.framework import search
from upstream.framework.models import (
    Activity,
    Definition,
    Factor,
    Framework,
    FrameworkVersion,
    Level,
    Outcome,
    Principle,
    Strategy,
    Tier,
)
from upstream.framework.pack import Pack, PackError, PackProblem, load_valid, validate


@dataclass(frozen=True)
class LoadResult:
    version: FrameworkVersion
    created: bool

    @property
    def message(self) -> str:
        label = self.version.label
        if self.created:
            return _("Loaded %(label)s: %(title)s.") % {"label": label, "title": self.version.title}
        return _("%(label)s is already loaded with the same content; nothing changed.") % {
            "label": label
        }


def _prov(item: dict[str, Any], position: int) -> dict[str, Any]:
    return {
        "key": item["key"],
        "position": position,
        "confidence": item.get("confidence", "unconfirmed"),
        "sources": item.get("sources", []),
        "translations": item.get("translations", {}),
    }


def framework_load_file(*, path: Path) -> LoadResult:
    """Validate and load the pack at ``path``; see ``framework_load``."""
    return framework_load(pack=load_valid(path))


@transaction.atomic
def framework_load(*, pack: Pack) -> LoadResult:
    """Store a validated pack as a framework version, all or nothing.

    The same version with the same content is a no-op; the same version with different content is
    refused (publish it under a new version instead); a new version is stored beside the old ones.
    """
    problems = validate(pack)
    if problems:
        raise PackError(problems)
    data = pack.data
    meta = data["framework"]
    digest = pack.content_hash
    existing = (
        FrameworkVersion.objects.select_related("framework")
        .filter(framework__slug=meta["slug"], version=str(meta["version"]))
        .first()
    )
    if existing is not None:
        if existing.content_hash == digest:
            return LoadResult(version=existing, created=False)
        path = ("framework", "version")
        raise PackError(
            [
                PackProblem(
                    pack.file,
                    pack.line_of(path),
                    path,
                    f"version {meta['version']!r} of {meta['slug']!r} is already loaded with "
                    "different content; give the changed pack a new version",
                )
            ]
        )

    framework, _created = Framework.objects.get_or_create(
        slug=meta["slug"], defaults={"title": meta["title"]}
    )
    if framework.title != meta["title"]:
        framework.title = meta["title"]
        framework.save(update_fields=["title"])
    published = meta.get("date")
    version = FrameworkVersion.objects.create(
        framework=framework,
        version=str(meta["version"]),
        title=meta["title"],
        short_title=meta.get("short_title", ""),
        subtitle=meta.get("subtitle", ""),
        publisher=meta["publisher"],
        published_on=dt.date.fromisoformat(published) if published else None,
        source_url=meta.get("source_url", ""),
        status=meta["status"],
        confidence=meta["confidence"],
        summary=meta["summary"],
        notice=meta.get("notice", ""),
        aims=meta.get("aims", []),
        sources=meta.get("sources", []),
        translations=meta.get("translations", {}),
        translation_sources=data.get("translation_sources", {}),
        document=data,
        content_hash=digest,
    )

    Principle.objects.bulk_create(
        Principle(
            version=version,
            name=p["name"],
            description=p["description"],
            practices=p.get("practices", []),
            **_prov(p, i),
        )
        for i, p in enumerate(data["principles"])
    )
    levels = {
        level.key: level
        for level in Level.objects.bulk_create(
            Level(version=version, name=lv["name"], description=lv["description"], **_prov(lv, i))
            for i, lv in enumerate(data["levels"])
        )
    }
    tiers = {
        tier.key: tier
        for tier in Tier.objects.bulk_create(
            Tier(version=version, name=t["name"], description=t["description"], **_prov(t, i))
            for i, t in enumerate(data["tiers"])
        )
    }
    strategies = {
        s.key: s
        for s in Strategy.objects.bulk_create(
            Strategy(
                version=version,
                number=s.get("number"),
                name=s["name"],
                aliases=s.get("aliases", []),
                description=s["description"],
                sectors=s.get("sectors", []),
                **_prov(s, i),
            )
            for i, s in enumerate(data["strategies"])
        )
    }
    strategy_levels = Strategy.levels.through
    strategy_tiers = Strategy.tiers.through
    strategy_levels.objects.bulk_create(
        strategy_levels(strategy_id=strategies[s["key"]].pk, level_id=levels[lv].pk)
        for s in data["strategies"]
        for lv in s["levels"]
    )
    strategy_tiers.objects.bulk_create(
        strategy_tiers(strategy_id=strategies[s["key"]].pk, tier_id=tiers[t].pk)
        for s in data["strategies"]
        for t in s["tiers"]
    )
    Activity.objects.bulk_create(
        Activity(
            version=version,
            strategy=strategies[a["strategy"]],
            level=levels[a["level"]],
            tier=tiers[a["tier"]],
            name=a["name"],
            description=a["description"],
            populations=a.get("populations", []),
            evidence=a.get("evidence", ""),
            **_prov(a, i),
        )
        for i, a in enumerate(data["activities"])
    )
    Outcome.objects.bulk_create(
        Outcome(
            version=version,
            strategy=strategies[o["strategy"]],
            name=o["name"],
            description=o.get("description", ""),
            horizon=o["horizon"],
            **_prov(o, i),
        )
        for i, o in enumerate(data["outcomes"])
    )
    factor_rows = Factor.objects.bulk_create(
        Factor(
            version=version,
            kind=f["kind"],
            level=levels[f["level"]],
            name=f["name"],
            description=f.get("description", ""),
            **_prov(f, i),
        )
        for i, f in enumerate(data.get("factors", []))
    )
    factor_strategies = Factor.strategies.through
    factor_strategies.objects.bulk_create(
        factor_strategies(factor_id=row.pk, strategy_id=strategies[key].pk)
        for row, f in zip(factor_rows, data.get("factors", []), strict=True)
        for key in f.get("strategies", [])
    )
    Definition.objects.bulk_create(
        Definition(
            version=version,
            term=d["term"],
            definition=d["definition"],
            see_also=d.get("see_also", []),
            **_prov(d, i),
        )
        for i, d in enumerate(data.get("definitions", []))
    )
    search.index_version(version)
    return LoadResult(version=version, created=True)
