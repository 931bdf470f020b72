"""HSDS 1.1 CSV tables (a zip) mapped to HSDS 3.0, then checked like a 3.0 data package.

The mapping, table by table:

* ``organizations``: the same fields; ``url`` becomes ``website``.
* ``services``: the same fields; ``fees`` becomes ``fees_description``; an empty ``status``
  becomes ``active`` (3.0 requires one).
* ``locations``: the same fields, with ``location_type`` ``physical``.
* ``phones``, ``contacts``, ``programs``, ``service_at_location``, ``service_areas``,
  ``languages``: the same fields (a phone's ``language`` becomes one of its ``languages``).
* ``physical_addresses`` / ``postal_addresses``: ``address`` rows of that ``address_type``; an
  address of an organization (1.1 allows it, 3.0 does not) gets a location of type ``postal``
  for that organization; an empty ``country`` becomes ``US``.
* ``regular_schedules``: a weekly ``schedule`` (``freq`` ``WEEKLY``, ``byday`` from ``weekday``).

1.1 files are often extracts of a larger directory: a service's or location's
``organization_id`` that names no organization in the file (or the directory) is left out, and
the report says how many; every other broken link refuses the file, as in 3.0.

Rows without an id (1.1 allows them) get one derived from the row, so importing the same files
again updates the same records; such a row with nothing but links to other rows is skipped.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.utils.translation import gettext, ngettext

from upstream.core.problems import Problem, shown
from upstream.directory.importers import Batch, dedupe, problem, refuse_if
from upstream.directory.importers.files import zip_texts
from upstream.directory.importers.tabular import add_checked, read_rows, typed

NAMESPACE = uuid.UUID("5b0c3f5e-5f0c-4d5e-9a59-1d0f2b6c7e11")

# 1.1 file → (3.0 table, renamed columns, dropped columns)
FILES: dict[str, tuple[str, dict[str, str], frozenset[str]]] = {
    "organizations.csv": ("organization", {"url": "website"}, frozenset()),
    "programs.csv": ("program", {}, frozenset()),
    "services.csv": ("service", {"fees": "fees_description"}, frozenset({"keywords"})),
    "locations.csv": ("location", {}, frozenset()),
    "service_at_location.csv": ("service_at_location", {}, frozenset()),
    "contacts.csv": ("contact", {}, frozenset()),
    "phones.csv": ("phone", {}, frozenset({"language"})),
    "physical_addresses.csv": ("address", {}, frozenset({"organization_id"})),
    "postal_addresses.csv": ("address", {}, frozenset({"organization_id"})),
    "regular_schedules.csv": ("schedule", {}, frozenset({"weekday"})),
    "service_areas.csv": ("service_area", {"service_area": "name"}, frozenset()),
    "languages.csv": ("language", {"language": "name"}, frozenset()),
}
ORDER = list(FILES)
WEEKDAYS = {
    "monday": "MO", "tuesday": "TU", "wednesday": "WE", "thursday": "TH",
    "friday": "FR", "saturday": "SA", "sunday": "SU",
    "1": "MO", "2": "TU", "3": "WE", "4": "TH", "5": "FR", "6": "SA", "7": "SU",
}  # fmt: skip


def parse(data: bytes, *, name: str) -> dict[str, str]:
    return zip_texts(data, name=name)


def _derived_id(file: str, row: dict[str, str]) -> str:
    content = "|".join(f"{k}={v}" for k, v in sorted(row.items()) if k != "__row__")
    return str(uuid.uuid5(NAMESPACE, f"{file}|{content}"))


def validate(texts: dict[str, str], *, name: str) -> Batch:
    batch = Batch(
        name=name,
        optional_links=frozenset({("service", "organization_id"), ("location", "organization_id")}),
    )
    problems: list[Problem] = []
    found = [f for f in ORDER if f in texts]
    if not found:
        expected = ", ".join(ORDER)
        refuse_if(
            [
                Problem(
                    gettext("no HSDS 1.1 table in the zip (expected some of %(expected)s)")
                    % {"expected": expected},
                    file=name,
                )
            ],
            source=name,
        )
    if "datapackage.json" in texts and "regular_schedules.csv" not in texts:
        batch.notes.append(gettext("datapackage.json ignored: the tables are read as HSDS 1.1."))
    org_names: dict[str, str] = {}
    org_locations: dict[str, str] = {}
    statuses = countries = 0
    empty: dict[str, int] = {}
    for file in found:
        table, renamed, dropped = FILES[file]
        _header, rows, read_problems = read_rows(texts[file], file=file)
        problems.extend(read_problems)
        for row in rows:
            number = int(row["__row__"])
            place = {"file": file, "row": number}
            if not (row.get("id") or "").strip():
                if not any(
                    (v or "").strip()
                    for k, v in row.items()
                    if k != "__row__" and not k.endswith("_id")
                ):
                    empty[file] = (
                        empty.get(file, 0) + 1
                    )  # only links to other rows: nothing to keep
                    continue
                row = {**row, "id": _derived_id(file, row)}
            source = {renamed.get(k, k): v for k, v in row.items() if k not in dropped}
            record: dict[str, Any] = typed(table, source, file=file, problems=problems)
            if table == "organization":
                record.setdefault("description", "")
                org_names[record["id"]] = str(record.get("name", ""))
            elif table == "service" and not record.get("status"):
                record["status"] = "active"
                statuses += 1
            elif table == "location":
                record.setdefault("location_type", "physical")
            elif table == "address":
                record["address_type"] = "postal" if file.startswith("postal") else "physical"
                for required in ("address_1", "city", "state_province", "postal_code"):
                    record.setdefault(required, "")
                if "country" not in record:
                    record["country"] = "US"
                    countries += 1
                org = (row.get("organization_id") or "").strip()
                if "location_id" not in record and org:
                    location_id = org_locations.get(org)
                    if location_id is None:
                        location_id = str(uuid.uuid5(NAMESPACE, f"postal-location|{org}"))
                        org_locations[org] = location_id
                        batch.add(
                            "location",
                            {
                                "id": location_id,
                                "organization_id": org,
                                "location_type": "postal",
                                "name": org_names.get(org, ""),
                            },
                            place,
                        )
                    record["location_id"] = location_id
            elif table == "phone" and (row.get("language") or "").strip():
                language = row["language"].strip()
                batch.add(
                    "language",
                    {
                        "id": _derived_id("phone-language", row),
                        "phone_id": record["id"],
                        "name": language,
                    },
                    place,
                )
            elif table == "schedule":
                weekday = (row.get("weekday") or "").strip()
                if weekday:
                    day = WEEKDAYS.get(weekday.lower())
                    if day is None:
                        problems.append(
                            problem(
                                table,
                                row.get("id"),
                                gettext("unknown weekday %(value)s") % {"value": shown(weekday)},
                                place,
                                "weekday",
                            )
                        )
                        continue
                    record.update({"freq": "WEEKLY", "byday": day})
            add_checked(batch, table, record, file=file, row=number, problems=problems)
    for file, skipped in empty.items():
        batch.notes.append(
            ngettext(
                "%(file)s: %(count)s row without an id or any content skipped.",
                "%(file)s: %(count)s rows without an id or any content skipped.",
                skipped,
            )
            % {"file": file, "count": skipped}
        )
    if statuses:
        batch.notes.append(
            ngettext(
                "%(count)s service without a status was given status 'active'.",
                "%(count)s services without a status were given status 'active'.",
                statuses,
            )
            % {"count": statuses}
        )
    if countries:
        batch.notes.append(
            ngettext(
                "%(count)s address without a country was given country 'US'.",
                "%(count)s addresses without a country were given country 'US'.",
                countries,
            )
            % {"count": countries}
        )
    if org_locations:
        batch.notes.append(
            ngettext(
                "%(count)s organization address was given a postal location.",
                "%(count)s organization addresses were given a postal location each.",
                len(org_locations),
            )
            % {"count": len(org_locations)}
        )
    problems.extend(dedupe(batch, nested=True))
    refuse_if(problems, source=name)
    return batch
