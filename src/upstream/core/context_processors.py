from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    """Values every page template may use."""
    return {"demo_mode": settings.DEMO_MODE, "site_name": "Upstream"}
