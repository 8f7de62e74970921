"""GC tuning runs at the end of start-up only when TICKETGW_TUNE_GC is on."""

from __future__ import annotations

import pytest

import app.main
from app.config import Settings

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("tune_gc", [True, False])
async def test_lifespan_tunes_gc_only_when_asked(database_url, monkeypatch, tune_gc):
    calls: list[str] = []
    monkeypatch.setattr(app.main, "tune_gc_once", lambda: calls.append("tuned"))
    application = app.main.create_app(Settings(database_url=database_url, tune_gc=tune_gc))
    async with application.router.lifespan_context(application):
        pass
    assert calls == (["tuned"] if tune_gc else [])


def test_the_setting_is_off_unless_the_environment_turns_it_on():
    assert Settings.from_env({"TICKETGW_TUNE_GC": "1"}).tune_gc is True
    assert Settings.from_env({}).tune_gc is False
