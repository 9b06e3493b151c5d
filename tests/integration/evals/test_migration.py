"""The prompts/evals migration (0004_prompts_evals) upgrades and downgrades on both engines."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from charter.store.engine import make_engine
from charter.store.migrate import alembic_config, upgrade

TABLES = {
    "prompts",
    "prompt_versions",
    "prompt_labels",
    "prompt_label_moves",
    "eval_datasets",
    "eval_items",
    "eval_suites",
    "eval_runs",
    "eval_results",
    "gate_decisions",
}


def test_pc1_migration_round_trip(settings):
    engine = make_engine(settings.effective_database_url)
    try:
        upgrade(engine)
        assert set(inspect(engine).get_table_names()) >= TABLES
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "prompts@-1")
        left = set(inspect(engine).get_table_names())
        assert not TABLES & left and "use_cases" in left
        upgrade(engine)
        assert set(inspect(engine).get_table_names()) >= TABLES
    finally:
        engine.dispose()
