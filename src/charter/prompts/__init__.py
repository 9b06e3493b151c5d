"""The prompt registry: named prompts with immutable, content-hashed versions and movable labels,
rendered in a sandbox by the gateway's compose stage (PC-1) and promoted through the gate (PC-2).

Promotion (charter.prompts.promotion) uses the evaluation gate, which reads prompt versions; it is
imported from its module, not from this package face, so the gate can import the registry.
"""

from charter.prompts.render import PromptRenderError, render_messages
from charter.prompts.spec import PromptSpec, parse_prompt_file
from charter.prompts.versions import (
    PROTECTED_LABELS,
    PromptVersion,
    diff_versions,
    get_version,
    label_history,
    list_prompts,
    push,
    resolve,
    show_prompt,
)

__all__ = [
    "PROTECTED_LABELS",
    "PromptRenderError",
    "PromptSpec",
    "PromptVersion",
    "diff_versions",
    "get_version",
    "label_history",
    "list_prompts",
    "parse_prompt_file",
    "push",
    "render_messages",
    "resolve",
    "show_prompt",
]
