"""Charters: schema loading with line-numbered errors, versions, tenants and use cases."""
