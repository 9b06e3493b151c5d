"""Charter's error hierarchy. Every refusal is one of these; the edge turns it into one JSON shape.

The wire shape is OpenAI's, so unmodified clients understand it::

    {"error": {"message": "...how to fix it...", "type": "invalid_request_error",
               "param": "messages", "code": "empty_messages"}}

The tree (HTTP status in brackets; ``code`` values are stable and documented in docs/api.md)::

    CharterError
    ├── InvalidRequest [400]            invalid_request, invalid_json, invalid_type, unknown_field,
    │   │                               missing_field, empty_messages, invalid_encoding, control_characters,
    │   │                               input_too_long, context_length_exceeded, invalid_value,
    │   │                               model_not_allowed, no_eligible_model, invalid_charter,
    │   │                               empty_input, unsupported_parameter, prompt_render_failed,
    │   │                               duplicate_key, ambiguous_credentials,
    │   │                               secret_not_allowed, destination_not_allowed (egress policy),
    │   │                               missing_end_user (the charter's end_users.required),
    │   │                               invalid_logout_token (OIDC back-channel logout)
    │   │                               sso_state_mismatch, sso_code_rejected (the console's single sign-on)
    │   │                               tool_not_allowed (a tool the charter's `tools` does not list,
    │   │                               or lists with another schema or description)
    │   │                               workflow_invalid (a workflow or connectors file error, naming
    │   │                               the step and line), tool_arguments_invalid (a workflow's model
    │   │                               called a tool with arguments failing its schema twice)
    │   │                               backup_tampered, backup_missing_file, backup_corrupt,
    │   │                               backup_format_unsupported, backup_key_invalid, backup_store_mismatch,
    │   │                               backup_target_not_empty, backup_source_missing, backup_unsupported
    │   │                               (charter backup / restore)
    │   └── ContentFiltered [400]       content_filter (a guard refused the prompt)
    ├── PayloadTooLarge [413]           body_too_large
    ├── RequestTimeout [408]            body_timeout, header_timeout (the client sent too slowly)
    ├── UnsupportedMediaType [415]      unsupported_media_type
    ├── AuthenticationFailed [401]      missing_api_key, invalid_api_key, revoked_api_key, expired_api_key,
    │                                   invalid_token, token_expired, wrong_audience, wrong_issuer,
    │                                   session_revoked (a person's single sign-on token),
    │                                   sso_nonce_mismatch (the console's single sign-on ID token),
    │                                   console_session_expired (the web console's session)
    ├── PermissionDenied [403]          out_of_scope, role_not_allowed, cross_tenant, metrics_not_allowed,
    │                                   no_mapped_role, mfa_required (single sign-on),
    │                                   sso_denied (the provider did not sign the person in),
    │                                   csrf_failed (a web console form),
    │                                   training_not_allowed (the charter forbids training use)
    ├── NotFound [404]                  model_not_found, not_found, use_case_not_found, metrics_disabled,
    │                                   subject_not_found, no_training_examples (nothing may enter a dataset),
    │                                   model_version_not_found (the model registry)
    │                                   workflow_not_found (charter workflows)
    ├── Gone [410]                      content_expired (deleted under the charter's retention_days)
    ├── Conflict [409]                  conflict, already_exists, legal_hold, gate_failed,
    │                                   same_principal, suite_changed_by_requester (two-person rules),
    │                                   monitor_not_configured (drift run of a charter without monitor:)
    │                                   restore_target_not_empty (charter restore into a store with data)
    │                                   already_serving, no_previous_version, dataset_tainted (model registry)
    │                                   canary_running, canary_withdrawn (model canaries)
    │                                   workflow_step_uncertain, review_rejected, workflow_lease_lost
    │                                   (workflow runs)
    ├── RateLimited [429]               rate_limit_exceeded, token_rate_limit_exceeded (per key),
    │                                   end_user_rate_limit_exceeded, end_user_token_rate_limit_exceeded
    ├── BudgetExceeded [429]            budget_exceeded (the use case spent its charter budget for the
    │                                   period; ``retry-after`` says when the period ends)
    │                                   workflow_budget_exceeded (a run's steps, tokens, time or a loop bound)
    ├── Suspended [503]                 service_suspended, use_case_suspended, model_suspended
    │                                   (kill switch; sent with ``x-should-retry: false``)
    ├── UpstreamFailed [502]            upstream_unavailable (every allowed model failed; the body
    │                                   carries the charter's manual-process message and the number
    │                                   of attempts, never where or why they failed)
    │                                   connector_failed (a workflow connector timed out, was refused
    │                                   or failed: the step fails closed)
    └── Unavailable [503]               store_unavailable, ledger_unavailable, guard_unavailable,
                                        ratelimit_unavailable, embedder_unavailable,
                                        raw_tier_key_missing, raw_tier_corrupt,
                                        secret_store_invalid, plugin_invalid, alerts_config_invalid
                                        (refuse the start), budget_unavailable,
                                        idp_unavailable (the OpenID provider's keys could not be read)
                                        backup_tool_missing, backup_tool_failed (pg_dump / pg_restore),
                                        drill_scratch_unavailable (charter backup drill)
                                        ray_unavailable (--ray / CHARTER_RAY_ADDRESS: Ray missing,
                                        the cluster unreachable, or an evaluation worker failed)
                                        (fail closed: Charter could not do its job, so it refused)
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = [
    "AuthenticationFailed",
    "BudgetExceeded",
    "CharterError",
    "Conflict",
    "ContentFiltered",
    "Gone",
    "InvalidRequest",
    "NotFound",
    "PayloadTooLarge",
    "PermissionDenied",
    "RateLimited",
    "RequestTimeout",
    "Suspended",
    "Unavailable",
    "UnsupportedMediaType",
    "UpstreamFailed",
]


class CharterError(Exception):
    """Base of every refusal. ``code`` is stable; ``message`` says how to fix it."""

    status: ClassVar[int] = 500
    type: ClassVar[str] = "server_error"
    default_code: ClassVar[str] = "internal_error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.param = param
        self.headers = headers or {}
        self.extra = extra or {}

    def to_body(self) -> dict[str, Any]:
        error: dict[str, Any] = {
            "message": self.message,
            "type": self.type,
            "param": self.param,
            "code": self.code,
        }
        error.update(self.extra)
        return {"error": error}


class InvalidRequest(CharterError):
    status = 400
    type = "invalid_request_error"
    default_code = "invalid_request"


class ContentFiltered(InvalidRequest):
    default_code = "content_filter"


class PayloadTooLarge(CharterError):
    status = 413
    type = "invalid_request_error"
    default_code = "body_too_large"


class RequestTimeout(CharterError):
    status = 408
    type = "invalid_request_error"
    default_code = "body_timeout"


class UnsupportedMediaType(CharterError):
    status = 415
    type = "invalid_request_error"
    default_code = "unsupported_media_type"


class AuthenticationFailed(CharterError):
    status = 401
    type = "authentication_error"
    default_code = "invalid_api_key"


class PermissionDenied(CharterError):
    status = 403
    type = "permission_error"
    default_code = "out_of_scope"


class NotFound(CharterError):
    status = 404
    type = "not_found_error"
    default_code = "not_found"


class Gone(CharterError):
    """The content existed and was deleted on purpose (retention): asking again will not bring it back."""

    status = 410
    type = "not_found_error"
    default_code = "content_expired"


class Conflict(CharterError):
    status = 409
    type = "conflict_error"
    default_code = "conflict"


class RateLimited(CharterError):
    status = 429
    type = "rate_limit_error"
    default_code = "rate_limit_exceeded"


class BudgetExceeded(CharterError):
    """The use case's charter budget for the period is spent (not a per-key rate limit)."""

    status = 429
    type = "insufficient_quota"
    default_code = "budget_exceeded"


class Suspended(CharterError):
    """A kill switch is on. Not transient: clients are told not to retry."""

    status = 503
    type = "service_suspended"
    default_code = "use_case_suspended"

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.headers.setdefault("x-should-retry", "false")


class UpstreamFailed(CharterError):
    status = 502
    type = "upstream_error"
    default_code = "upstream_unavailable"


class Unavailable(CharterError):
    """Charter could not do its own job (store, ledger, guard): it refuses rather than wave through."""

    status = 503
    type = "server_error"
    default_code = "store_unavailable"
