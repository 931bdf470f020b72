from pathlib import Path
import pytest
from django.core.management import call_command, CommandError
from tests.community.conftest import us2023, youth_indicator  # noqa

CASES = {
    "superscript": "fips,indicator,year,value\n42001,youth-idle,²⁰²²,1\n".encode(),
    "arabic": "fips,indicator,year,value\n42001,youth-idle,٢٠٢٢,1\n".encode(),
    "arabic_value": "fips,indicator,year,value\n42001,youth-idle,2022,٣\n".encode(),
    "nul": b"fips,indicator,year,value\n42001,youth\x00-idle,2022,1\n",
    "long": b"fips,indicator,year,value\n42001,youth-idle,2022," + b"1" * 140000 + b"\n",
    "longline": b"x" * 200000,
    "binary": bytes(range(256)) * 10,
    "empty": b"",
    "bom_garbage": b"\xef\xbb\xbf" + bytes(range(128, 256)),
    "latin1": "fips,indicator,year,value\n42001,youth-idlé,2022,1\n".encode("latin-1"),
    "quote": b'fips,indicator,year,value\n"42001,youth-idle,2022,1\n',
}


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("cmd", ["import-csv", "import-svi"])
def test_probe(name, cmd, us2023, youth_indicator, tmp_path):
    p = tmp_path / f"SVI_2022_{name}.csv"
    p.write_bytes(CASES[name])
    try:
        call_command("community", cmd, str(p))
    except CommandError as e:
        print(name, "CommandError", e)
