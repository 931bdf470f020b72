"""People API, under /api/v1/people/{org}/...: the people pages' reads and writes.

Personal records are for people signed in with two-factor sign-in: API keys cannot use these
routes. Another organization's uuid, or a person of another organization, answers 404.
Administrators send the reason they read personal records in the ``X-Upstream-Reason`` header
(403 without one); it is kept in the audit event of the read.
"""

from __future__ import annotations

from upstream.people.api.router import router

# isort: split
from upstream.people.api import consents, people

__all__ = ["consents", "people", "router"]
