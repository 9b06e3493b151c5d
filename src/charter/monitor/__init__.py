"""Operations (ME-1, ME-2, ME-4, ME-7, HO-5): metrics, traces, production drift, alerts, health, cost
and budgets. Each concern is its own module or subpackage; see docs/operations.md, Monitoring."""
