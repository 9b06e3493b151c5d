"""The prompts/evals migrations (0004_prompts_evals, 0006_two_person) upgrade and downgrade on both engines."""

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
    "model_change_requests",
}


def test_pc1_migration_round_trip(settings):
    engine = make_engine(settings.effective_database_url)
    try:
        upgrade(engine)
        assert set(inspect(engine).get_table_names()) >= TABLES
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "prompts@-2")
        left = set(inspect(engine).get_table_names())
        assert not TABLES & left and "use_cases" in left
        upgrade(engine)
        assert set(inspect(engine).get_table_names()) >= TABLES
    finally:
        engine.dispose()


def test_md3_two_person_migration_adds_requests_and_decision_subjects(settings):
    engine = make_engine(settings.effective_database_url)
    try:
        upgrade(engine)
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0004_prompts_evals")
        columns = {c["name"] for c in inspect(engine).get_columns("gate_decisions")}
        assert "subject_id" not in columns and "model_change_requests" not in inspect(engine).get_table_names()
        upgrade(engine)
        columns = {c["name"] for c in inspect(engine).get_columns("gate_decisions")}
        assert "subject_id" in columns and "model_change_requests" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
