"""Replace recovery codes stored in the clear by their digests (see ``recovery_digest``).

Codes made before this migration keep working: each is stored as the digest of itself. Stop
every process running the previous release first: one still running could store a new code in
the clear after this ran, and that code would then never work.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import migrations


def _digest(user_uuid: Any, code: str) -> str:
    # a copy of upstream.accounts.two_factor.recovery_digest as it was when this ran
    normal = "".join(code.split()).replace("-", "").lower()
    salted = f"upstream-recovery-code:{user_uuid}:{normal}"
    return hashlib.sha256(salted.encode()).hexdigest()[:16]


def hash_codes(apps: Any, schema_editor: Any) -> None:
    token_model = apps.get_model("otp_static", "StaticToken")
    # django-otp's codes are 8 base32 letters; digests are 16 hex digits
    digest_shape = r"^[0-9a-f]{16}$"
    tokens = token_model.objects.exclude(token__regex=digest_shape).select_related("device__user")
    for token in tokens:
        token.token = _digest(token.device.user.uuid, token.token)
        token.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_password_reset_sent_at"),
        ("otp_static", "0003_add_timestamps"),
    ]

    # irreversible: the codes cannot be recovered from their digests
    operations = [migrations.RunPython(hash_codes)]
