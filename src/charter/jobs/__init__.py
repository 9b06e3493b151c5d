"""Scheduled jobs: periodic work that runs once per interval across all replicas.

:mod:`charter.jobs.base` holds the :class:`Job` type, :mod:`charter.jobs.catalog` the built-in jobs,
:mod:`charter.jobs.scheduler` the lease-based scheduler and :mod:`charter.jobs.tables` its tables.
"""
