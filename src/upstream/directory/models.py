"""The resource directory: the Open Referral HSDS 3.0 core (plus 3.1 service_capacity and unit).

Every table holds the records of one owner, the Upstream organization that imported them
(``organization``); a record keeps its HSDS ``hsds_id``, unique per owner, so importing the same
record again updates it. The HSDS relations are foreign keys; the few fields the directory filters
on are columns; ``data`` keeps the record's own HSDS fields exactly as given (what an export
writes back), and ``content_hash`` tells an unchanged record from an updated one.

A location is public, confidential (a shelter, a safe house) or internal. For a location that is
not public, its coordinates and the whole of its addresses and phones are kept in ``sealed``
instead of ``data`` (see :data:`SealedText`), shown only to the owner and never exported.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SealedText = models.TextField
"""The one field type that holds a confidential location's details (JSON text).

This is a plain text column until the core encrypted field (``core.crypto``) is available; switch
this alias to it, with a data migration that rewrites the column, and nothing else changes."""


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    CONFIDENTIAL = "confidential", _("Confidential (address, coordinates and phones withheld)")
    INTERNAL = "internal", _("Internal only (withheld from every export)")


class Record(models.Model):
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    hsds_id = models.CharField(max_length=250)
    content_hash = models.CharField(max_length=64)
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "hsds_id"], name="%(app_label)s_%(class)s_hsds_id"
            )
        ]

    def __str__(self) -> str:
        return self.hsds_id


def _fk(model: str, name: str | None = None) -> models.ForeignKey[models.Model | None]:
    return models.ForeignKey(
        model, null=True, blank=True, on_delete=models.SET_NULL, related_name=name or "+"
    )


class Taxonomy(Record):
    name = models.CharField(max_length=500, blank=True)

    class Meta(Record.Meta):
        verbose_name_plural = "taxonomies"


class TaxonomyTerm(Record):
    taxonomy = _fk("directory.Taxonomy", "terms")
    parent = _fk("directory.TaxonomyTerm", "children")
    code = models.CharField(max_length=250, blank=True)
    name = models.CharField(max_length=500, blank=True)


class Unit(Record):
    name = models.CharField(max_length=250, blank=True)


class Provider(Record):
    """An HSDS ``organization``: one that delivers services (not the owner of the record)."""

    name = models.CharField(max_length=500, blank=True)
    parent = _fk("directory.Provider")


class Program(Record):
    provider = _fk("directory.Provider", "programs")
    name = models.CharField(max_length=500, blank=True)


class Service(Record):
    provider = _fk("directory.Provider", "services")
    program = _fk("directory.Program", "services")
    name = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=20, blank=True)
    # Eligibility, as columns for the searches to come.
    minimum_age = models.FloatField(null=True, blank=True)
    maximum_age = models.FloatField(null=True, blank=True)
    eligibility_description = models.TextField(blank=True)


class Location(Record):
    provider = _fk("directory.Provider", "locations")
    name = models.CharField(max_length=500, blank=True)
    location_type = models.CharField(max_length=20, blank=True)
    visibility = models.CharField(
        max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    sealed = SealedText(blank=True, default="")


class ServiceAtLocation(Record):
    service = _fk("directory.Service", "service_at_locations")
    location = _fk("directory.Location", "service_at_locations")


class Contact(Record):
    provider = _fk("directory.Provider")
    service = _fk("directory.Service")
    service_at_location = _fk("directory.ServiceAtLocation")
    location = _fk("directory.Location")


class Address(Record):
    location = _fk("directory.Location", "addresses")
    sealed = SealedText(blank=True, default="")

    class Meta(Record.Meta):
        verbose_name_plural = "addresses"


class Phone(Record):
    location = _fk("directory.Location", "phones")
    service = _fk("directory.Service")
    provider = _fk("directory.Provider")
    contact = _fk("directory.Contact")
    service_at_location = _fk("directory.ServiceAtLocation")
    sealed = SealedText(blank=True, default="")


class Schedule(Record):
    service = _fk("directory.Service")
    location = _fk("directory.Location")
    service_at_location = _fk("directory.ServiceAtLocation")


class Language(Record):
    service = _fk("directory.Service")
    location = _fk("directory.Location")
    phone = _fk("directory.Phone")


class ServiceArea(Record):
    service = _fk("directory.Service", "service_areas")
    name = models.CharField(max_length=500, blank=True)


class ServiceCapacity(Record):
    """HSDS 3.1 ``service_capacity``: how much of a unit (beds, hours) is available."""

    service = _fk("directory.Service", "capacities")
    unit = _fk("directory.Unit")

    class Meta(Record.Meta):
        verbose_name_plural = "service capacities"


class Attribute(Record):
    """A taxonomy term attached to any record (``link_entity`` names its table)."""

    taxonomy_term = _fk("directory.TaxonomyTerm")
    link_id = models.CharField(max_length=250, blank=True)
    link_entity = models.CharField(max_length=50, blank=True)


class DirectoryImport(models.Model):
    """An HSDS file given for import (browser or command line), kept until its background import
    ends; then the bytes are cleared and only the report stays."""

    class Format(models.TextChoices):
        JSON = "hsds-json", _("HSDS 3.0 JSON")
        DATAPACKAGE = "hsds-csv", _("HSDS 3.0 tabular data package (zip of CSV files)")
        HSDS_1_1 = "hsds-1.1", _("HSDS 1.1 CSV files (zip), mapped to 3.0")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be imported")
        IMPORTED = "imported", _("Imported")
        REFUSED = "refused", _("Refused, nothing written")
        DISCARDED = "discarded", _("Discarded, not imported")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="directory_imports"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    format = models.CharField(max_length=20, choices=Format.choices)
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField(default=0)
    data = models.BinaryField(blank=True, default=b"")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    summary = models.CharField(max_length=500, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name
