"""Charter's built-in evaluators, registered through the ``register_evaluators`` hook (see builtin.py)."""
