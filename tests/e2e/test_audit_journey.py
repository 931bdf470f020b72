"""An administrator reads the audit log, filters it, and downloads the filtered events as CSV
after confirming their identity. Every page passes axe."""

from __future__ import annotations

import csv
import io
import time
from typing import Any

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import make_member
from tests.e2e.conftest import assert_accessible
from upstream.accounts import services
from upstream.audit.models import AuditEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "admin-password-for-the-audit-journey"


def _code(key: bytes, steps_ahead: int = 0) -> str:
    totp = TOTP(key, step=30, digits=6)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def test_admin_filters_the_audit_log_and_downloads_it(live_server: Any, page: Any) -> None:
    org = services.organization_create(
        actor=None, name="Harbor Clinic", sectors=["health-care"], state_fips="39"
    )
    admin = make_member(org, "admin", email="admin@example.org", password=PASSWORD)
    device = TOTPDevice.objects.create(user=admin.user, name="app", confirmed=True)
    base = live_server.url

    page.goto(base + "/account/sign-in/")
    page.get_by_label("Email address").fill("admin@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/account/two-factor/verify/**")
    page.get_by_label("One-time code").fill(_code(device.bin_key))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/plans/")  # people with plans land on them
    page.get_by_role("link", name="Harbor Clinic").first.click()
    page.wait_for_url(f"**/orgs/{org.uuid}/")

    page.get_by_role("link", name="Audit log").first.click()
    page.wait_for_url(f"**/orgs/{org.uuid}/audit/")
    assert_accessible(page)
    page.get_by_label("Action").select_option("auth.sign_in")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/audit/?*action=auth.sign_in*")
    assert_accessible(page)

    page.get_by_role("link", name="Download these events (CSV)").click()
    page.wait_for_url("**/account/confirm/**")
    assert_accessible(page)
    TOTPDevice.objects.filter(pk=device.pk).update(drift=0)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("One-time code").fill(_code(device.bin_key, steps_ahead=1))
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Confirm").click()
    download = download_info.value
    assert download.suggested_filename.startswith("audit-log-harbor-clinic-")
    with open(download.path(), encoding="utf-8") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read())))
    assert rows and {row["action"] for row in rows} == {"auth.sign_in"}
    assert rows[0]["who"] == "admin@example.org"
    record = AuditEvent.objects.get(action="audit.log_exported")
    assert record.details["filters"] == {"action": "auth.sign_in"}
    assert record.details["rows"] == len(rows)
