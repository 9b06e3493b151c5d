"""Backup, restore and the restore drill (RR-1, RR-2): ``charter backup``, ``charter restore``,
``charter backup drill``. See docs/operations.md, "Backup and restore".

Modules: ``sealing`` (key material sealed under a passphrase or a wrapping key), ``keyfiles`` (which
key files, and where they go back), ``database`` (SQLite online backup API, ``pg_dump`` /
``pg_restore``), ``service`` (backup and restore), ``drill`` (restore into scratch; RPO and RTO).
"""

__all__: list[str] = []
