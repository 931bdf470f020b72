from __future__ import annotations

import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from upstream.community import selectors, services
from upstream.community.geo import GEOGRAPHY_SETS, geography_set_load
from upstream.community.imports import import_long_csv_file, import_svi_csv
from upstream.community.models import GeographySet
from upstream.community.problems import CommunityDataError
from upstream.core.readers import read_yaml, table_limit

DOWNLOAD_TIMEOUT = 60


class Command(BaseCommand):
    # Lazy, so it is translated when shown; Django declares it as str.
    help = gettext_lazy(  # type: ignore[assignment]
        "Community analytics: geographies, indicator imports, the SVI and custom indices."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        load = sub.add_parser(
            "load-geographies", help=_("Load states and counties of a boundary vintage.")
        )
        load.add_argument(
            "--set",
            dest="sets",
            action="append",
            choices=sorted(GEOGRAPHY_SETS),
            help=_("Geography set to load (repeatable; default: us-2023)."),
        )

        indicator = sub.add_parser("indicator", help=_("Define or list indicators."))
        isub = indicator.add_subparsers(dest="indicator_action", required=True, metavar="ACTION")
        add = isub.add_parser("add", help=_("Define (or update) an indicator."))
        add.add_argument("key")
        add.add_argument("--name", required=True)
        add.add_argument("--unit", default="")
        add.add_argument("--direction", choices=["higher", "lower"], default="higher")
        add.add_argument("--theme", default="")
        add.add_argument("--source", default="")
        add.add_argument("--year", type=int, default=None)
        add.add_argument("--description", default="")
        isub.add_parser("list", help=_("List indicator definitions."))

        csv_import = sub.add_parser(
            "import-csv", help=_("Import fips,indicator,year,value[,moe] rows (all or nothing).")
        )
        csv_import.add_argument("file")
        csv_import.add_argument("--set", dest="geography_set", default=None)
        csv_import.add_argument(
            "--replace", action="store_true", help=_("Overwrite observations already stored.")
        )

        svi = sub.add_parser("import-svi", help=_("Import a CDC/ATSDR SVI county or tract CSV."))
        svi.add_argument("file")
        svi.add_argument(
            "--year", type=int, default=None, help=_("Release year (default: from name).")
        )
        svi.add_argument("--set", dest="geography_set", default=None)
        svi.add_argument(
            "--no-compute", action="store_true", help=_("Do not (re)compute the svi-YEAR index.")
        )

        fetch = sub.add_parser(
            "fetch-svi",
            help=_("Download the official CDC SVI county file (or use --file) and import it."),
        )
        fetch.add_argument("--year", type=int, required=True)
        fetch.add_argument(
            "--file", default=None, help=_("Use this local file instead of downloading.")
        )
        fetch.add_argument("--set", dest="geography_set", default=None)

        index = sub.add_parser("index", help=_("Define, compute and list indices."))
        xsub = index.add_subparsers(dest="index_action", required=True, metavar="ACTION")
        xsub.add_parser("list", help=_("List index definitions."))
        compute = xsub.add_parser("compute", help=_("Compute an index from stored observations."))
        compute.add_argument("key")
        create = xsub.add_parser("create", help=_("Define a custom index from a YAML file."))
        create.add_argument("--spec", required=True, help=_("YAML index specification."))
        create.add_argument(
            "--replace", action="store_true", help=_("Redefine an index with the same key.")
        )
        create.add_argument("--no-compute", action="store_true")

        export = sub.add_parser("export", help=_("Write an index's results."))
        export.add_argument("key")
        export.add_argument("--csv", action="store_true", required=True, help=_("As CSV."))
        export.add_argument("--state", default=None, help=_("Only this state (2-digit FIPS)."))
        export.add_argument(
            "--output", "-o", default=None, help=_("File (default: standard output).")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"].replace("-", "_")
        try:
            getattr(self, f"_{action}")(options)
        except CommunityDataError as error:
            if error.source:
                self.stderr.write(f"{error.source}:")
            for problem in error.problems:
                self.stderr.write(gettext("error: %(problem)s") % {"problem": problem})
            raise CommandError(
                ngettext(
                    "%(count)d problem; nothing was written.",
                    "%(count)d problems; nothing was written.",
                    len(error.problems),
                )
                % {"count": len(error.problems)}
            ) from error

    # -- geographies and indicators -------------------------------------------------------

    def _load_geographies(self, options: dict[str, Any]) -> None:
        for key in options["sets"] or [settings.COMMUNITY_DEFAULT_SET]:
            self.stdout.write(geography_set_load(key=key).message)

    def _indicator(self, options: dict[str, Any]) -> None:
        if options["indicator_action"] == "list":
            for i in selectors.indicators():
                label = " [synthetic]" if i.synthetic else ""
                self.stdout.write(f"{i.key}\t{i.direction}\t{i.unit}\t{i.name}{label}")
            return
        indicator = services.indicator_define(
            key=options["key"],
            name=options["name"],
            unit=options["unit"],
            direction=options["direction"],
            theme=options["theme"],
            source=options["source"],
            year=options["year"],
            description=options["description"],
        )
        self.stdout.write(
            gettext("Defined indicator %(key)s: %(name)s.")
            % {"key": indicator.key, "name": indicator.name}
        )

    # -- imports ---------------------------------------------------------------------------

    def _import_csv(self, options: dict[str, Any]) -> None:
        result = import_long_csv_file(
            path=Path(options["file"]),
            geography_set=options["geography_set"],
            replace=options["replace"],
        )
        self.stdout.write(result.message)

    def _import_svi(self, options: dict[str, Any]) -> None:
        self._svi_from(Path(options["file"]), options)

    def _svi_from(self, path: Path, options: dict[str, Any]) -> None:
        result = import_svi_csv(
            path=path, year=options["year"], geography_set=options["geography_set"]
        )
        self.stdout.write(result.message)
        if options.get("no_compute"):
            return
        if result.kind == "tract":
            self.stdout.write(
                gettext(
                    "Tract observations stored. Define a tract index with `kind: tract` and "
                    "`upstream community index create --spec FILE.yaml` to rank them."
                )
            )
            return
        gs: GeographySet = result.geography_set
        index = services.svi_index_ensure(year=result.years[0], geography_set=gs)
        computed = index.provenance.get("computed", {})
        self.stdout.write(
            gettext("Computed index %(key)s (%(ranked)s counties ranked).")
            % {"key": index.key, "ranked": computed.get("ranked_nationally")}
        )

    def _fetch_svi(self, options: dict[str, Any]) -> None:
        if options["file"]:
            self._svi_from(Path(options["file"]), options)
            return
        year = options["year"]
        url = settings.COMMUNITY_SVI_URL.format(year=year)
        with tempfile.TemporaryDirectory(prefix="upstream-svi-") as folder:
            target = Path(folder) / f"SVI_{year}_US_county.csv"
            self.stdout.write(gettext("Downloading %(url)s ...") % {"url": url})
            try:
                with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response:  # noqa: S310
                    data = response.read(table_limit() + 1)
                if len(data) > table_limit():
                    raise CommandError(
                        gettext("%(url)s is larger than %(limit)s bytes")
                        % {"url": url, "limit": f"{table_limit():,}"}
                    )
                target.write_bytes(data)
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                raise CommandError(
                    gettext(
                        "cannot download the SVI %(year)s file from %(url)s (%(error)s). This "
                        "machine may be offline: download the file elsewhere and run "
                        "`upstream community fetch-svi --year %(year)s --file PATH`."
                    )
                    % {"year": year, "url": url, "error": exc}
                ) from exc
            self._svi_from(target, options)

    # -- indices ---------------------------------------------------------------------------

    def _index(self, options: dict[str, Any]) -> None:
        action = options["index_action"]
        if action == "list":
            for index in selectors.indices():
                state = (
                    _("computed %(when)s") % {"when": f"{index.computed_at:%Y-%m-%d %H:%M}"}
                    if index.computed_at
                    else _("not computed")
                )
                label = " [synthetic]" if index.synthetic else ""
                self.stdout.write(
                    f"{index.key}\t{index.year}\t{index.geography_set.key}\t{state}\t"
                    f"{index.name}{label}"
                )
            return
        if action == "compute":
            found = selectors.indices().filter(key=options["key"]).first()
            if found is None:
                raise CommandError(
                    gettext("no index %(key)s (see `upstream community index list`)")
                    % {"key": repr(options["key"])}
                )
            self.stdout.write(services.index_compute(index=found).message)
            return
        spec = read_yaml(Path(options["spec"]))  # bounded; no aliases; problems as DataError
        with transaction.atomic():  # define and compute together, or neither
            index = services.index_define(spec=spec, replace=options["replace"])
            computed = None if options["no_compute"] else services.index_compute(index=index)
        self.stdout.write(
            gettext("Defined index %(key)s: %(name)s.") % {"key": index.key, "name": index.name}
        )
        if computed is not None:
            self.stdout.write(computed.message)

    def _export(self, options: dict[str, Any]) -> None:
        index = selectors.indices().filter(key=options["key"]).first()
        if index is None:
            raise CommandError(gettext("no index %(key)s") % {"key": repr(options["key"])})
        measure = selectors.measure_get(f"index:{index.key}")
        if measure is None:
            raise CommandError(
                gettext("index %(key)s has not been computed") % {"key": repr(index.key)}
            )
        rows = selectors.measure_table(
            measure, state=options["state"], sort="name", descending=False
        )
        rows.sort(key=lambda r: r["fips"])
        text = selectors.table_csv(measure, rows)
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stderr.write(
                ngettext(
                    "Wrote %(count)d row to %(file)s.",
                    "Wrote %(count)d rows to %(file)s.",
                    len(rows),
                )
                % {"count": len(rows), "file": options["output"]}
            )
        else:
            self.stdout.write(text, ending="")
