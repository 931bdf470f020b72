"""Each app declares its own audit actions; audit events are written only by services (and the
sign-in signals)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.conftest import REPO_ROOT
from upstream.accounts.audit_actions import ACTIONS as accounts
from upstream.audit import actions
from upstream.audit.audit_actions import ACTIONS as audit
from upstream.community import audit_actions
from upstream.community.audit_actions import ACTIONS as community
from upstream.core.audit_actions import ACTIONS as core
from upstream.directory.audit_actions import ACTIONS as directory
from upstream.people.audit_actions import ACTIONS as people
from upstream.planning.audit_actions import ACTIONS as planning

SRC = REPO_ROOT / "src" / "upstream"


def _writers() -> set[Path]:
    return {
        path.relative_to(SRC)
        for path in SRC.rglob("*.py")
        if re.search(r"\baudit_record\(", path.read_text())
    }


def _may_write(path: Path) -> bool:
    """A service module (``services.py`` or a module of a ``services`` package), the sign-in
    signals, or the audit app's own definition of ``audit_record``."""
    return path.name in ("services.py", "signals.py") or (
        len(path.parts) > 1 and path.parts[-2] == "services"
    )


def test_audit_events_are_written_only_by_services_and_signals() -> None:
    writers = _writers()
    assert Path("audit/services.py") in writers  # the scan finds the definition itself
    assert [str(path) for path in sorted(writers) if not _may_write(path)] == []


def test_the_scan_would_catch_a_write_from_a_view() -> None:
    for name in ("views.py", "api.py", "forms.py", "selectors.py", "management/commands/x.py"):
        assert not _may_write(Path("planning") / name)
    assert _may_write(Path("planning/services/activities.py"))


def test_every_app_declares_its_own_actions() -> None:
    collected = actions.collect()
    assert collected == {
        **core,
        **accounts,
        **audit,
        **community,
        **planning,
        **people,
        **directory,
    }
    assert all(
        action.startswith(("auth.", "org.", "member.", "apikey.", "coalition."))
        for action in accounts
    )
    assert all(action.startswith("plan.") for action in planning)
    assert all(action.startswith("people.") for action in people)
    assert all(action.startswith("directory.") for action in directory)
    for action, label in collected.items():
        assert re.fullmatch(r"[a-z]+\.[a-z_]+", action), action
        assert label and label[0].isupper(), action


def test_every_action_written_in_the_code_is_declared() -> None:
    written = set()
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        if not (path.name in ("services.py", "signals.py") or "services" in path.parts):
            continue  # audit writes live in services and signals only (tested below)
        text = path.read_text()
        written |= set(re.findall(r'\baction="([a-z]+\.[a-z_]+)"', text))
        written |= set(re.findall(r'(?:_audit_for_user\(\s*|\belse )"([a-z]+\.[a-z_]+)"', text))
    assert written - set(actions.ACTIONS) == set()
    assert {"plan.created", "auth.sign_in", "coalition.declined", "index.defined"} <= written


def test_an_action_declared_by_two_apps_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(audit_actions.ACTIONS, "plan.created", "Plan created (again)")
    with pytest.raises(ImproperlyConfigured, match=r"plan\.created"):
        actions.collect()


def test_the_filter_lists_every_action_by_label() -> None:
    choices = actions.action_choices()
    assert dict(choices) == dict(actions.ACTIONS)
    labels = [label.lower() for _, label in choices]
    assert labels == sorted(labels)
    assert actions.action_label("plan.exported") == "Plan downloaded"
