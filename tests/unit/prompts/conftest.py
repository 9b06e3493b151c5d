from __future__ import annotations

from dataclasses import dataclass

import pytest

from charter.runtime import Runtime

CHARTER = """\
name: tax-helpdesk
tenant: agency
models: [mock, bigger]
regions: [local]
system_prompt: You answer tax questions.
"""


@dataclass
class Agency:
    rt: Runtime
    tenant_id: str

    def write(self, fn):  # type: ignore[no-untyped-def]
        return self.rt.writer.write(fn)

    def apply(self, text: str) -> None:
        from charter.policy.service import apply_charter

        self.write(lambda c: apply_charter(c, text, actor="test"))


@pytest.fixture
def agency(runtime: Runtime) -> Agency:
    from charter.policy.service import apply_charter, tenant_id_for

    runtime.writer.write(lambda c: apply_charter(c, CHARTER, actor="test"))
    tenant_id = runtime.writer.write(lambda c: tenant_id_for(c, "agency"))
    return Agency(runtime, tenant_id)
