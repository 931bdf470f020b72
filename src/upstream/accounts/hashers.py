"""Password hashing parameters (measured cost in docs/security.md)."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class UpstreamArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id, 3 passes over 64 MiB with 2 lanes (OWASP's minimum is 2 passes over 19 MiB).

    Stored hashes carry their parameters, so changing these re-hashes each password at its
    owner's next sign-in.
    """

    algorithm = "argon2"
    time_cost = 3
    memory_cost = 65536  # KiB
    parallelism = 2
