"""Principals: API keys and their roles."""
