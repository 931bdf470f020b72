"""The people router; every route module of this package registers on it."""

from __future__ import annotations

from ninja import Router
from ninja.throttling import AuthRateThrottle

from upstream.accounts.api import API_RATE, AUTH

router = Router(tags=["people"], auth=AUTH, throttle=[AuthRateThrottle(API_RATE)])

# Administrators state their reason for reading personal records in this header; it is kept in
# the audit event of the read.
REASON_HEADER = "X-Upstream-Reason"
