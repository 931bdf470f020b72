"""The plans router; every route module of this package registers on it."""

from __future__ import annotations

from ninja import Router
from ninja.throttling import AuthRateThrottle

from upstream.accounts.api import API_RATE, AUTH

router = Router(tags=["plans"], auth=AUTH, throttle=[AuthRateThrottle(API_RATE)])
