"""A straightforward, row-at-a-time pack loader: the reference the real loader is measured against.

It writes the same rows as ``services.framework_load`` but with one INSERT per item and per link,
the way a first version of such a loader is usually written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

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
from upstream.framework.pack import Pack


def _prov(item: dict[str, Any], i: int) -> dict[str, Any]:
    return {
        "key": item["key"],
        "position": i,
        "confidence": item.get("confidence", "unconfirmed"),
        "sources": item.get("sources", []),
    }


@transaction.atomic
def naive_load(pack: Pack) -> FrameworkVersion:
    data, meta = pack.data, pack.data["framework"]
    framework, _ = Framework.objects.get_or_create(
        slug=meta["slug"], defaults={"title": meta["title"]}
    )
    version = FrameworkVersion.objects.create(
        framework=framework,
        version=meta["version"],
        title=meta["title"],
        publisher=meta["publisher"],
        status=meta["status"],
        confidence=meta["confidence"],
        summary=meta["summary"],
        document=data,
        content_hash=pack.content_hash,
        published_on=dt.date.fromisoformat(meta["date"]) if meta.get("date") else None,
    )
    for i, p in enumerate(data["principles"]):
        Principle.objects.create(
            version=version,
            name=p["name"],
            description=p["description"],
            practices=p.get("practices", []),
            **_prov(p, i),
        )
    for i, lv in enumerate(data["levels"]):
        Level.objects.create(
            version=version, name=lv["name"], description=lv["description"], **_prov(lv, i)
        )
    for i, t in enumerate(data["tiers"]):
        Tier.objects.create(
            version=version, name=t["name"], description=t["description"], **_prov(t, i)
        )
    for i, s in enumerate(data["strategies"]):
        strategy = Strategy.objects.create(
            version=version,
            number=s.get("number"),
            name=s["name"],
            description=s["description"],
            **_prov(s, i),
        )
        for key in s["levels"]:
            strategy.levels.add(Level.objects.get(version=version, key=key))
        for key in s["tiers"]:
            strategy.tiers.add(Tier.objects.get(version=version, key=key))
    for i, a in enumerate(data["activities"]):
        Activity.objects.create(
            version=version,
            strategy=Strategy.objects.get(version=version, key=a["strategy"]),
            level=Level.objects.get(version=version, key=a["level"]),
            tier=Tier.objects.get(version=version, key=a["tier"]),
            name=a["name"],
            description=a["description"],
            populations=a.get("populations", []),
            evidence=a.get("evidence", ""),
            **_prov(a, i),
        )
    for i, o in enumerate(data["outcomes"]):
        Outcome.objects.create(
            version=version,
            strategy=Strategy.objects.get(version=version, key=o["strategy"]),
            name=o["name"],
            horizon=o["horizon"],
            **_prov(o, i),
        )
    for i, f in enumerate(data.get("factors", [])):
        factor = Factor.objects.create(
            version=version,
            kind=f["kind"],
            level=Level.objects.get(version=version, key=f["level"]),
            name=f["name"],
            description=f.get("description", ""),
            **_prov(f, i),
        )
        for key in f.get("strategies", []):
            factor.strategies.add(Strategy.objects.get(version=version, key=key))
    for i, d in enumerate(data.get("definitions", [])):
        Definition.objects.create(
            version=version,
            term=d["term"],
            definition=d["definition"],
            see_also=d.get("see_also", []),
            **_prov(d, i),
        )
    from upstream.framework import search

    search.index_version(version)
    return version
