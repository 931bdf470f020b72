"""Forms of the directory pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from upstream.core.forms import UswdsForm
from upstream.directory.models import DirectoryImport

FORMAT_CHOICES = [("", _("Recognise it from the file")), *DirectoryImport.Format.choices]


class ImportForm(UswdsForm):
    """An HSDS file to import in the background (checked by the directory's importers)."""

    file = forms.FileField(
        label=_("HSDS file"),
        widget=forms.FileInput(attrs={"accept": ".json,.zip,application/json,application/zip"}),
        help_text=_(
            "HSDS 3.0 JSON (a list of services or organizations), or a zip of HSDS 3.0 "
            "data package or HSDS 1.1 CSV files. The whole file is imported or none of it."
        ),
    )
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, required=False)
