"""Interactions: the stored record of every exchange (redacted tier + encrypted raw tier)."""
