"""Alert rules, budgets and sinks as values: what the charter and the operator's file accept, and
the small rules (periods, percentiles, silences, busy-time cost) the capability is built on."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from charter.domain import ModelEntry
from charter.domain.charter import AlertRule, Budget, duration_s
from charter.errors import Unavailable
from charter.monitor.alerts.builtin import EmailOptions, make_webhook
from charter.monitor.alerts.config import AlertsConfig
from charter.monitor.alerts.silences import matches, parse_matchers
from charter.monitor.budgets import period_of
from charter.monitor.cost import exchange_cost, percentile
from charter.secretstore import Egress
from charter.settings import Settings


def test_durations_are_a_whole_number_and_a_unit() -> None:
    assert [duration_s(t) for t in ("90s", "15m", "1h", "7d")] == [90, 900, 3600, 604_800]
    for bad in ("15", "0m", "1.5h", "15 minutes", "-1h", "1w"):
        with pytest.raises(ValueError):
            duration_s(bad)


@pytest.mark.parametrize(
    ("rule", "where"),
    [
        ({"metric": "errors", "above": 1}, "metric"),
        ({"metric": "error_rate"}, "exactly one of above and below"),
        ({"metric": "error_rate", "above": 0.1, "below": 0.01}, "exactly one of above and below"),
        ({"detector": "input_length", "above": 0.1}, "no above or below"),
        ({"metric": "error_rate", "detector": "input_length", "above": 0.1}, "exactly one of metric and detector"),
        ({"metric": "error_rate", "above": 0.1, "window": "32d"}, "at most 31d"),
        ({"metric": "error_rate", "above": 0.1, "for": "soon"}, "for"),
        ({"metric": "error_rate", "above": 0.1, "guard": "pii"}, "guard narrows guard_hit_rate only"),
        ({"metric": "error_rate", "above": 0.1, "severity": "page"}, "severity"),
        ({"metric": "error_rate", "above": 0.1, "threshold": 3}, "threshold"),
    ],
)
def test_a_malformed_rule_is_refused_naming_what_is_wrong(rule: dict[str, object], where: str) -> None:
    with pytest.raises(ValidationError) as refused:
        AlertRule.model_validate(rule)
    assert where in str(refused.value)


def test_a_rule_reads_its_window_condition_and_default_name() -> None:
    rule = AlertRule.model_validate({"metric": "latency_p95_ms", "above": 2000, "window": "1h", "for": "5m"})
    assert (rule.alert_name, rule.window_s, rule.for_s) == ("latency_p95_ms", 3600, 300)
    assert rule.breached(2000.1) and not rule.breached(2000)
    low = AlertRule.model_validate({"metric": "requests", "below": 1, "name": "traffic.stopped"})
    assert (low.alert_name, low.breached(0), low.breached(1)) == ("traffic.stopped", True, False)
    assert AlertRule.model_validate({"detector": "language_mix"}).alert_name == "drift.language_mix"
    dumped = rule.model_dump()
    assert AlertRule.model_validate(dumped) == rule  # what the store keeps reads back the same


def test_budget_periods_are_utc_days_and_calendar_months() -> None:
    at = dt.datetime(2026, 12, 31, 23, 59, tzinfo=dt.UTC)
    month = period_of(Budget(limit=10, period="month"), at)
    assert (month.key, month.start.day, month.end) == ("2026-12", 1, dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    day = period_of(Budget(limit=10, period="day"), at)
    assert (day.key, day.end) == ("2026-12-31", dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    with pytest.raises(ValidationError):
        Budget(limit=0)
    with pytest.raises(ValidationError):
        Budget(limit=5, alert_at=1.5)


def test_percentiles_are_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert (percentile(values, 50), percentile(values, 95), percentile(values, 100)) == (50.0, 95.0, 100.0)
    assert percentile([7.0], 95) == 7.0 and percentile([], 50) is None


def _entry(**prices: float) -> ModelEntry:
    return ModelEntry(id="m", tenant_id="t", alias="a", provider="openai", endpoint=None, platform_model_id="a",
                      version="1", region="r", classification_ceiling="internal", context_window=4096,
                      price_prompt_per_1k=prices.get("prompt", 0.0),
                      price_completion_per_1k=prices.get("completion", 0.0), weight=100, enabled=True,
                      hourly_cost=prices.get("hourly", 0.0))


def test_an_exchange_costs_its_tokens_plus_the_hardware_hour_it_held() -> None:
    assert exchange_cost(_entry(prompt=1.0, completion=2.0), 1000, 500, 1234.0) == pytest.approx(2.0)
    assert exchange_cost(_entry(hourly=3.6), 10, 10, 1000.0) == pytest.approx(0.001)  # 1 s of a 3.60/h box
    assert exchange_cost(None, 10, 10, 1000.0) == 0.0


def test_silence_matchers_compare_fields_and_labels_with_patterns() -> None:
    alert = {"name": "budget.share", "use_case": "helpdesk", "severity": "warning", "labels": {"period": "2026-12"}}
    assert matches(parse_matchers(["name=budget.*", "use_case=helpdesk"]), alert)
    assert matches({"period": "2026-*"}, alert)
    assert not matches({"name": "budget.*", "use_case": "permits"}, alert)
    assert not matches({"region": "*"}, alert)  # a label the alert lacks
    with pytest.raises(Exception, match="key=value"):
        parse_matchers(["name"])


def test_the_alerts_file_checks_sinks_and_platform_rules() -> None:
    config = AlertsConfig.model_validate({
        "sinks": [{"name": "mail", "type": "email", "severities": ["critical"], "host": "smtp.x", "from": "a@x",
                   "to": ["b@x"]}, {"name": "hook", "type": "webhook", "url": "https://h.x", "secret": "s"}],
        "rules": [{"metric": "requests", "below": 1, "scope": "platform"}],
    })
    assert (config.routed("critical"), config.routed("info")) == (["mail", "hook"], ["hook"])
    assert config.sinks[0].options == {"host": "smtp.x", "from": "a@x", "to": ["b@x"]}
    assert EmailOptions.model_validate(config.sinks[0].options).sender == "a@x"
    with pytest.raises(ValidationError):
        AlertsConfig.model_validate({"sinks": [{"name": "a", "type": "webhook"}, {"name": "a", "type": "email"}]})
    with pytest.raises(ValidationError):
        AlertsConfig.model_validate({"rules": [{"metric": "requests", "below": 1, "scope": "galaxy"}]})


def test_a_sink_with_an_unknown_option_or_a_destination_off_the_allow_list_stops_the_start(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path, outbound_allow=["https://hooks.agency.example"])
    egress = Egress.from_settings(settings)
    with pytest.raises(Unavailable) as unknown:
        make_webhook({"url": "https://hooks.agency.example/x", "secret": "s", "retries": 3}, settings, egress)
    assert unknown.value.code == "alerts_config_invalid" and "retries" in unknown.value.message
    with pytest.raises(Unavailable) as off_list:
        make_webhook({"url": "https://elsewhere.example/x", "secret": "s"}, settings, egress)
    assert off_list.value.code == "alerts_config_invalid" and "allow-list" in off_list.value.message
    with pytest.raises(Unavailable) as no_secret:
        make_webhook({"url": "https://hooks.agency.example/x", "secret": "missing"}, settings, egress)
    assert no_secret.value.code == "alerts_config_invalid" and "platform" in no_secret.value.message
