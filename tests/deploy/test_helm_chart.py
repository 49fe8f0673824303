"""Offline checks of the Helm chart deploy/helm/renda (and of the image contract it relies on).

No cluster and no helm binary: `helm_python` (helm-python-sdk) binds Helm's own Go engine for
lint, values-schema validation and rendering; `kubernetes_validate` checks every rendered object
against the Kubernetes OpenAPI schemas in strict mode (unknown fields are errors). Only CRD kinds,
which have no built-in schema, are left out of that, and the test names them exactly.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import re
import shutil
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dockerfile
import helm_python as helm
import jsonschema
import kubernetes_validate
import pytest
import yaml

from runtime.config import Settings

ROOT = Path(__file__).resolve().parents[2]
CHART_DIR = ROOT / "deploy" / "helm" / "renda"
CI_VALUES = sorted((CHART_DIR / "ci").glob("*.yaml"))
SERVICES = ("intake", "workflow", "scoring", "notify")
RELEASE = "renda"
NAMESPACE = "renda-prod"
# The oldest version Chart.yaml's kubeVersion admits, and the newest schema set bundled.
KUBE_VERSIONS = ("1.27.0", kubernetes_validate.utils.latest_version())
SERVICE_MONITOR = ("monitoring.coreos.com/v1", "ServiceMonitor")
PROMETHEUS_RULE = ("monitoring.coreos.com/v1", "PrometheusRule")
RABBITMQ_CLUSTER = ("rabbitmq.com/v1beta1", "RabbitmqCluster")
CRD_KINDS = {SERVICE_MONITOR, PROMETHEUS_RULE, RABBITMQ_CLUSTER}
RULES_FILE = CHART_DIR / "files" / "renda-alerts.rules.yaml"
DASHBOARD_FILE = CHART_DIR / "files" / "renda-dashboard.json"

# The RabbitmqCluster fields the chart may set, written from the operator's API reference
# (rabbitmq.com/v1beta1, https://www.rabbitmq.com/kubernetes/operator/using-operator):
# kubernetes-validate has no schema for the CRD, so unknown or mistyped fields fail here.
_QUANTITIES = {"type": "object", "additionalProperties": {"type": ["string", "integer"]}}
RABBITMQ_CLUSTER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"const": "rabbitmq.com/v1beta1"},
        "kind": {"const": "RabbitmqCluster"},
        "metadata": {"type": "object", "required": ["name", "namespace"]},
        "spec": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "replicas": {"type": "integer", "minimum": 1},
                "image": {"type": "string"},
                "imagePullSecrets": {"type": "array", "items": {"type": "object"}},
                "resources": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {"requests": _QUANTITIES, "limits": _QUANTITIES},
                },
                "persistence": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "storage": {"type": "string"},
                        "storageClassName": {"type": "string"},
                    },
                },
                "rabbitmq": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "additionalConfig": {"type": "string"},
                        "additionalPlugins": {"type": "array", "items": {"type": "string"}},
                        "advancedConfig": {"type": "string"},
                        "envConfig": {"type": "string"},
                    },
                },
                "service": {"type": "object"},
                "affinity": {"type": "object"},
                "tolerations": {"type": "array", "items": {"type": "object"}},
                "terminationGracePeriodSeconds": {"type": "integer"},
                "override": {"type": "object"},
            },
        },
    },
}

DATABASE_URL = "postgresql+psycopg://renda:db-s3cret@postgres.db.svc:5432/renda_{service}"
BROKER_URL = "amqp://renda:mq-s3cret@rabbitmq.mq.svc:5672/renda"
MINIMAL: dict[str, Any] = {
    "secrets": {
        "databaseUrl": DATABASE_URL,
        "brokerUrl": BROKER_URL,
        "secretKey": "test-signing-key",
        "contactKeys": "dGVzdC1jb250YWN0LWtleS1ub3QtYS1yZWFsLW9uZSE=",
    }
}

OVERRIDE: dict[str, Any] = {
    "image": {"repository": "registry.city.example/renda/renda", "tag": "1.2.3"},
    "secrets": {
        "existingSecret": "renda-credentials",
        "databaseUrlKey": "database-url",
        "brokerUrlKey": "broker-url",
    },
    "config": {"logLevel": "warning", "maxRequestBytes": 4194304, "webConcurrency": 4},
    "api": {"replicas": 3, "podDisruptionBudget": {"enabled": True, "maxUnavailable": 1}},
    "worker": {"replicas": 3},
    "services": {
        "intake": {
            "api": {
                "replicas": 5,
                "extraEnv": [{"name": "WEB_CONCURRENCY", "value": "6"}],
            }
        },
        "notify": {"api": {"replicas": 1}},
        "scoring": {
            "worker": {
                "autoscaling": {
                    "enabled": True,
                    "minReplicas": 3,
                    "maxReplicas": 12,
                    "targetCPUUtilizationPercentage": 60,
                }
            }
        },
    },
    "ingress": {
        "className": "nginx",
        "host": "renda.city.example",
        "tls": {"enabled": True, "secretName": "renda-city-tls"},
    },
    "metrics": {"serviceMonitor": {"enabled": True, "labels": {"release": "prometheus"}}},
}

CONTRACT_CONFIG = {
    "RENDA_BUS_PREFIX": "renda",
    "RENDA_LOG_LEVEL": "INFO",
    "RENDA_MAX_REQUEST_BYTES": "1048576",
    "RENDA_OUTBOX_POLL_SECONDS": "0.2",
    "RENDA_RETRY_DELAYS": "1,5,30",
    "RENDA_MAX_ATTEMPTS": "5",
    "RENDA_DELIVERY_LIMIT": "20",
    "RENDA_PREFETCH": "20",
    "PORT": "8000",
    "RENDA_WORKER_PORT": "9000",
    "WEB_CONCURRENCY": "2",
}

NS_LABEL = "kubernetes.io/metadata.name"
DNS_1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$")


# --------------------------------------------------------------------------------------------
# Helpers


def merged(*layers: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge value layers the way several `-f` files stack."""
    out: dict[str, Any] = {}
    for layer in layers:
        for key, value in layer.items():
            if isinstance(value, dict) and isinstance(out.get(key), dict):
                out[key] = merged(out[key], value)
            else:
                out[key] = copy.deepcopy(value)
    return out


class Rendered:
    """The manifests of one `helm template`, parsed."""

    def __init__(self, files: dict[str, str]) -> None:
        self.files = dict(files)
        self.notes = self.files.pop("renda/templates/NOTES.txt", "")
        self.objects: list[dict[str, Any]] = [
            doc for text in self.files.values() for doc in yaml.safe_load_all(text) if doc
        ]
        names = [(o["kind"], o["metadata"]["name"]) for o in self.objects]
        assert len(names) == len(set(names)), f"duplicate objects: {sorted(names)}"

    def kind(self, kind: str) -> list[dict[str, Any]]:
        return [o for o in self.objects if o["kind"] == kind]

    def get(self, kind: str, name: str) -> dict[str, Any]:
        found = [o for o in self.kind(kind) if o["metadata"]["name"] == name]
        assert found, f"no {kind} {name}; have {[o['metadata']['name'] for o in self.kind(kind)]}"
        return found[0]

    def deployment(self, service: str, kind: str) -> dict[str, Any]:
        return self.get("Deployment", f"{RELEASE}-{service}-{kind}")


def container(obj: dict[str, Any]) -> dict[str, Any]:
    containers = obj["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def env_of(c: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """name -> EnvVar; the last one wins, as in Kubernetes."""
    return {e["name"]: e for e in c.get("env", [])}


def selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in selector.items())


def is_hook(obj: dict[str, Any]) -> bool:
    return "helm.sh/hook" in obj["metadata"].get("annotations", {})


def render(chart: helm.Chart, values: dict[str, Any], name: str = RELEASE) -> Rendered:
    return Rendered(chart.render(values, name=name, namespace=NAMESPACE, is_install=True))


def all_leaf_keys(values: dict[str, Any], prefix: str = "") -> Iterator[str]:
    """Dotted keys of values.yaml as the README documents them (blocks documented whole stop)."""
    whole = {"podSecurityContext", "securityContext"}
    for key, value in values.items():
        path = f"{prefix}.{key}" if prefix else key
        if path.startswith("services.") and path.count(".") == 2:
            yield "services.<name>." + key
        elif (
            isinstance(value, dict)
            and value
            and path not in whole
            and not path.endswith(("resources", "Probe"))
        ):
            yield from all_leaf_keys(value, path)
        else:
            yield path


# --------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def chart() -> Iterator[helm.Chart]:
    with helm.Chart.load(CHART_DIR) as loaded:
        yield loaded


@pytest.fixture(scope="module")
def default(chart: helm.Chart) -> Rendered:
    return render(chart, MINIMAL)


@pytest.fixture(scope="module")
def override(chart: helm.Chart) -> Rendered:
    return render(chart, OVERRIDE)


# --------------------------------------------------------------------------------------------
# Chart metadata, lint, values schema


def test_chart_metadata_matches_the_project(chart: helm.Chart) -> None:
    meta = chart.metadata
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert meta["apiVersion"] == "v2"
    assert meta["name"] == "renda"
    assert meta["type"] == "application"
    # The default image tag is appVersion: it must be the version the image is built from.
    assert meta["appVersion"] == project["version"]
    assert meta["kubeVersion"].startswith(">=1.27")
    assert chart.schema is not None, "values.schema.json is missing"


@pytest.mark.parametrize("kube_version", KUBE_VERSIONS)
@pytest.mark.parametrize("values_file", CI_VALUES, ids=lambda p: p.name)
def test_lint_is_clean(values_file: Path, kube_version: str) -> None:
    values = yaml.safe_load(values_file.read_text())
    report = helm.lint(
        CHART_DIR, values, strict=True, namespace=NAMESPACE, kube_version=f"v{kube_version}"
    )
    assert report["total_charts_linted"] == 1
    assert report["errors"] == []
    # Severity 2 = warning, 3 = error; infos (e.g. "icon is recommended") are fine.
    assert [m for m in report["messages"] if m["severity"] >= 2] == []


def test_lint_with_the_override_values_is_clean() -> None:
    report = helm.lint(CHART_DIR, OVERRIDE, strict=True, namespace=NAMESPACE)
    assert report["errors"] == []
    assert [m for m in report["messages"] if m["severity"] >= 2] == []


def test_ci_value_files_exist() -> None:
    assert {p.name for p in CI_VALUES} >= {"default-values.yaml", "production-values.yaml"}


def test_lint_catches_a_broken_template(tmp_path: Path) -> None:
    """The lint check above is not a no-op: a template error is reported."""
    broken = tmp_path / "renda"
    shutil.copytree(CHART_DIR, broken)
    with (broken / "templates" / "configmap.yaml").open("a") as f:
        f.write("  BROKEN: {{ .Values.config.noSuchBlock.noSuchKey }}\n")
    report = helm.lint(broken, MINIMAL, strict=True)
    assert report["errors"], report


def test_rendering_without_credentials_fails_loudly(chart: helm.Chart) -> None:
    with pytest.raises(helm.HelmRenderError, match=r"secrets\.databaseUrl"):
        chart.render(None, name=RELEASE, namespace=NAMESPACE)
    with pytest.raises(helm.HelmRenderError, match=r"secrets\.brokerUrl"):
        chart.render({"secrets": {"databaseUrl": DATABASE_URL}}, name=RELEASE)


def test_apis_run_in_production_mode_with_their_keys_from_the_secret(chart: helm.Chart) -> None:
    """Production mode refuses the development fallbacks (a QR code signed with a fixed
    phrase, contacts encrypted with a derived key); so every API needs the two keys."""
    rendered = render(chart, MINIMAL)
    config = rendered.get("ConfigMap", f"{RELEASE}-config")
    assert config["data"]["RENDA_ENV"] == "production"
    for service in SERVICES:
        env = env_of(container(rendered.get("Deployment", f"{RELEASE}-{service}-api")))
        for var in ("RENDA_SECRET_KEY", "RENDA_CONTACT_KEYS"):
            assert env[var]["valueFrom"]["secretKeyRef"]["name"] == f"{RELEASE}-secrets", var
    # The notify worker opens constituents' phones to send their SMS; no other worker.
    for service in SERVICES:
        env = env_of(container(rendered.get("Deployment", f"{RELEASE}-{service}-worker")))
        assert ("RENDA_CONTACT_KEYS" in env) == (service == "notify"), service
    for missing in ("secretKey", "contactKeys"):
        without = merged(MINIMAL, {"secrets": {missing: ""}})
        with pytest.raises(helm.HelmRenderError, match=rf"secrets\.{missing}"):
            chart.render(without, name=RELEASE, namespace=NAMESPACE)


@pytest.mark.parametrize(
    ("bad", "where"),
    [
        ({"api": {"replica": 3}}, "/api"),
        ({"services": {"scorng": {"api": {}}}}, "/services"),
        ({"services": {"intake": {"api": {"containerPort": 9999}}}}, "/services/intake/api"),
        ({"worker": {"replicas": "three"}}, "/worker/replicas"),
        ({"config": {"logLevel": "LOUD"}}, "/config/logLevel"),
        ({"ingress": {"tls": True}}, "/ingress/tls"),
        ({"image": {"pullPolicy": "Sometimes"}}, "/image/pullPolicy"),
        ({"console": {"replica": 2}}, "/console"),
        ({"console": {"enabled": "yes"}}, "/console/enabled"),
        ({"config": {"sessionIdleSeconds": 0}}, "/config/sessionIdleSeconds"),
    ],
)
def test_values_schema_rejects_mistakes(chart: helm.Chart, bad: dict[str, Any], where: str) -> None:
    values = merged(MINIMAL, bad)
    with pytest.raises(helm.HelmValuesError, match=re.escape(where)):
        chart.validate_schema(values)
    # ...and an install with them fails before anything is rendered.
    with pytest.raises(helm.HelmValuesError):
        chart.render(values, name=RELEASE, namespace=NAMESPACE)


def test_values_schema_accepts_the_documented_values(chart: helm.Chart) -> None:
    chart.validate_schema(MINIMAL)
    chart.validate_schema(OVERRIDE)
    for path in CI_VALUES:
        chart.validate_schema(yaml.safe_load(path.read_text()))


# --------------------------------------------------------------------------------------------
# Kubernetes schema validation of everything rendered


def _validate_all(rendered: Rendered, kube_version: str) -> tuple[list[str], set[tuple[str, str]]]:
    errors: list[str] = []
    skipped: set[tuple[str, str]] = set()
    for obj in rendered.objects:
        kind = (obj["apiVersion"], obj["kind"])
        if kind in CRD_KINDS:  # no built-in schema: checked by the tests of each kind below
            skipped.add(kind)
            continue
        try:
            kubernetes_validate.validate(obj, kube_version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            at = ".".join(str(p) for p in exc.path)
            errors.append(f"{obj['kind']}/{obj['metadata']['name']}: {at}: {exc.message}")
        except kubernetes_validate.SchemaNotFoundError as exc:
            errors.append(exc.message)
    return errors, skipped


@pytest.mark.parametrize("kube_version", KUBE_VERSIONS)
@pytest.mark.parametrize("which", ["default", "override", *(p.name for p in CI_VALUES)])
def test_every_manifest_is_valid_kubernetes(
    chart: helm.Chart, which: str, kube_version: str
) -> None:
    if which == "default":
        values = MINIMAL
    elif which == "override":
        values = OVERRIDE
    else:
        values = yaml.safe_load((CHART_DIR / "ci" / which).read_text())
    rendered = render(chart, values)
    errors, skipped = _validate_all(rendered, kube_version)
    assert errors == []
    metrics = values.get("metrics", {})
    expected = {
        kind
        for kind, on in (
            (SERVICE_MONITOR, metrics.get("serviceMonitor", {}).get("enabled")),
            (PROMETHEUS_RULE, metrics.get("prometheusRule", {}).get("enabled")),
            (RABBITMQ_CLUSTER, values.get("rabbitmq", {}).get("operator", {}).get("enabled")),
        )
        if on
    }
    assert skipped == expected
    assert len(rendered.objects) > 20


def test_kubernetes_validation_is_strict(default: Rendered) -> None:
    """The validation above rejects unknown fields and wrong types: it would catch a bad chart."""
    bad = copy.deepcopy(default.deployment("intake", "api"))
    container(bad)["livenessProbe"]["httpGet"]["paht"] = "/healthz"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(bad, KUBE_VERSIONS[-1], strict=True)
    bad = copy.deepcopy(default.deployment("intake", "api"))
    bad["spec"]["replicas"] = "2"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(bad, KUBE_VERSIONS[-1], strict=True)


# --------------------------------------------------------------------------------------------
# The workloads


def test_eight_deployments_with_their_commands(default: Rendered) -> None:
    deployments = {d["metadata"]["name"]: d for d in default.kind("Deployment")}
    assert sorted(deployments) == sorted(
        f"{RELEASE}-{s}-{k}" for s in SERVICES for k in ("api", "worker")
    )
    for service in SERVICES:
        for kind in ("api", "worker"):
            d = default.deployment(service, kind)
            c = container(d)
            assert c["image"] == "registry.example.org/renda/renda:0.1.0"
            assert "command" not in c, "the image's ENTRYPOINT is `renda`; only args are given"
            assert c["args"] == [kind, service]
            assert d["spec"]["replicas"] == 2
            assert d["metadata"]["namespace"] == NAMESPACE
            assert d["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


def test_deployment_selectors_do_not_overlap(default: Rendered) -> None:
    deployments = default.kind("Deployment")
    for d in deployments:
        selector = d["spec"]["selector"]["matchLabels"]
        matched = [
            other["metadata"]["name"]
            for other in deployments
            if selects(selector, other["spec"]["template"]["metadata"]["labels"])
        ]
        assert matched == [d["metadata"]["name"]]


def test_image_tag_defaults_to_app_version_and_can_be_pinned(chart: helm.Chart) -> None:
    app_version = chart.metadata["appVersion"]
    tagged = render(chart, merged(MINIMAL, {"image": {"tag": "2.0.0"}}))
    pinned = render(chart, merged(MINIMAL, {"image": {"digest": "sha256:" + "a" * 64}}))
    default = render(chart, MINIMAL)
    assert container(default.deployment("scoring", "worker"))["image"].endswith(f":{app_version}")
    assert container(tagged.deployment("scoring", "worker"))["image"].endswith(":2.0.0")
    assert container(pinned.deployment("scoring", "worker"))["image"].endswith(
        "@sha256:" + "a" * 64
    )


def test_api_pods_serve_http_with_probes(default: Rendered) -> None:
    for service in SERVICES:
        c = container(default.deployment(service, "api"))
        assert c["ports"] == [{"name": "http", "containerPort": 8000, "protocol": "TCP"}]
        assert c["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
        assert c["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
        assert c["startupProbe"]["httpGet"]["path"] == "/healthz"
        assert c["lifecycle"]["preStop"]["exec"]["command"] == ["sleep", "5"]


def test_worker_pods_serve_metrics_and_health_on_the_worker_port(default: Rendered) -> None:
    for service in SERVICES:
        d = default.deployment(service, "worker")
        c = container(d)
        assert c["ports"] == [{"name": "metrics", "containerPort": 9000, "protocol": "TCP"}]
        assert c["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "metrics"}
        assert c["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "metrics"}
        assert d["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] == 60


def test_configuration_is_in_the_configmap_and_secrets_are_not(default: Rendered) -> None:
    (cm,) = default.kind("ConfigMap")
    data = cm["data"]
    for key, value in CONTRACT_CONFIG.items():
        assert data[key] == value, key
    assert all(isinstance(v, str) for v in data.values())
    assert "RENDA_DATABASE_URL" not in data and "RENDA_BROKER_URL" not in data
    text = yaml.safe_dump(cm)
    for secret_part in ("db-s3cret", "mq-s3cret", "postgresql", "amqp://"):
        assert secret_part not in text
    # Nowhere but in Secrets do the credentials appear, not even in pod specs.
    for obj in default.objects:
        if obj["kind"] != "Secret":
            assert "s3cret" not in yaml.safe_dump(obj), obj["metadata"]["name"]
    assert "s3cret" not in default.notes


def test_chart_managed_secret_holds_both_urls_and_both_keys(default: Rendered) -> None:
    secret = default.get("Secret", f"{RELEASE}-secrets")
    assert not is_hook(secret)
    decoded = {k: base64.b64decode(v).decode() for k, v in secret["data"].items()}
    assert decoded == {
        "RENDA_DATABASE_URL": DATABASE_URL,
        "RENDA_BROKER_URL": BROKER_URL,
        "RENDA_SECRET_KEY": MINIMAL["secrets"]["secretKey"],
        "RENDA_CONTACT_KEYS": MINIMAL["secrets"]["contactKeys"],
    }


def test_every_app_container_reads_config_and_secrets(default: Rendered) -> None:
    for d in default.kind("Deployment"):
        c = container(d)
        assert c["envFrom"] == [{"configMapRef": {"name": f"{RELEASE}-config"}}]
        env = env_of(c)
        for name in ("RENDA_DATABASE_URL", "RENDA_BROKER_URL"):
            ref = env[name]["valueFrom"]["secretKeyRef"]
            assert ref == {"name": f"{RELEASE}-secrets", "key": name}


def test_api_pods_have_a_prometheus_multiproc_dir_on_an_emptydir(default: Rendered) -> None:
    for service in SERVICES:
        d = default.deployment(service, "api")
        c = container(d)
        directory = env_of(c)["PROMETHEUS_MULTIPROC_DIR"]["value"]
        mounts = {m["mountPath"]: m["name"] for m in c["volumeMounts"]}
        volumes = {v["name"]: v for v in d["spec"]["template"]["spec"]["volumes"]}
        assert "emptyDir" in volumes[mounts[directory]]
        assert "emptyDir" in volumes[mounts["/tmp"]]
    for service in SERVICES:
        assert "PROMETHEUS_MULTIPROC_DIR" not in env_of(
            container(default.deployment(service, "worker"))
        )


def test_pods_are_locked_down(default: Rendered) -> None:
    pods = [*default.kind("Deployment"), *default.kind("Job")]
    assert len(pods) == 9
    for obj in pods:
        spec = obj["spec"]["template"]["spec"]
        name = obj["metadata"]["name"]
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        assert spec["securityContext"]["runAsUser"] == 10001, name
        assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert spec["automountServiceAccountToken"] is False, name
        c = container(obj)
        sc = c["securityContext"]
        assert sc["readOnlyRootFilesystem"] is True, name
        assert sc["allowPrivilegeEscalation"] is False, name
        assert sc["capabilities"] == {"drop": ["ALL"]}, name
        tmp = [m for m in c["volumeMounts"] if m["mountPath"] == "/tmp"]
        assert tmp, f"{name}: no writable /tmp"
        volumes = {v["name"]: v for v in spec["volumes"]}
        assert "emptyDir" in volumes[tmp[0]["name"]], name
        for bound in ("requests", "limits"):
            assert set(c["resources"][bound]) >= {"cpu", "memory"}, f"{name} {bound}"


def test_pods_carry_prometheus_annotations(default: Rendered) -> None:
    for d in default.kind("Deployment"):
        annotations = d["spec"]["template"]["metadata"]["annotations"]
        (port,) = container(d)["ports"]
        assert annotations["prometheus.io/scrape"] == "true"
        assert annotations["prometheus.io/port"] == str(port["containerPort"])
        assert annotations["prometheus.io/path"] == "/metrics"


def test_pods_roll_when_the_configuration_changes(chart: helm.Chart, default: Rendered) -> None:
    configmap_text = default.files["renda/templates/configmap.yaml"]
    secret_text = default.files["renda/templates/secret.yaml"]
    expected = hashlib.sha256(configmap_text.encode()).hexdigest()
    for d in default.kind("Deployment"):
        annotations = d["spec"]["template"]["metadata"]["annotations"]
        assert annotations["checksum/config"] == expected
        assert annotations["checksum/secret"] == hashlib.sha256(secret_text.encode()).hexdigest()

    def pod_annotations(values: dict[str, Any]) -> dict[str, str]:
        return render(chart, values).deployment("workflow", "worker")["spec"]["template"][
            "metadata"
        ]["annotations"]

    before = pod_annotations(MINIMAL)
    assert pod_annotations(merged(MINIMAL, {"config": {"logLevel": "DEBUG"}})) != before
    rotated = merged(MINIMAL, {"secrets": {"brokerUrl": BROKER_URL.replace("mq-", "new-")}})
    assert pod_annotations(rotated)["checksum/secret"] != before["checksum/secret"]
    assert pod_annotations(merged(MINIMAL, {"api": {"replicas": 7}})) == before


# --------------------------------------------------------------------------------------------
# Migrations


def test_migrations_run_as_a_pre_install_and_pre_upgrade_hook(default: Rendered) -> None:
    (job,) = default.kind("Job")
    assert job["metadata"]["name"] == f"{RELEASE}-migrate"
    annotations = job["metadata"]["annotations"]
    assert annotations["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert annotations["helm.sh/hook-delete-policy"] == "before-hook-creation"
    spec = job["spec"]["template"]["spec"]
    assert spec["restartPolicy"] == "Never"
    assert job["spec"]["backoffLimit"] >= 0
    assert job["spec"]["activeDeadlineSeconds"] > 0
    c = container(job)
    assert c["args"] == ["migrate", "all"]
    assert "command" not in c
    # Hooks run before the release's ServiceAccount exists: the Job must not depend on it.
    assert spec["serviceAccountName"] == "default"


def test_migration_hook_has_its_settings_before_the_release_exists(default: Rendered) -> None:
    (job,) = default.kind("Job")
    (cm,) = default.kind("ConfigMap")
    c = container(job)
    assert "envFrom" not in c, "the ConfigMap does not exist yet at pre-install"
    env = env_of(c)
    for key, value in cm["data"].items():
        assert env[key]["value"] == value, key
    ref = env["RENDA_DATABASE_URL"]["valueFrom"]["secretKeyRef"]
    hook_secret = default.get("Secret", ref["name"])
    assert is_hook(hook_secret), "the Job reads a Secret that is not there at pre-install"
    annotations = hook_secret["metadata"]["annotations"]
    assert annotations["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert "before-hook-creation" in annotations["helm.sh/hook-delete-policy"]
    assert int(annotations["helm.sh/hook-weight"]) < int(
        job["metadata"]["annotations"]["helm.sh/hook-weight"]
    )
    assert base64.b64decode(hook_secret["data"][ref["key"]]).decode() == DATABASE_URL
    # Everything else the Job uses exists before it too: nothing but hooks it depends on.
    hooks = {o["metadata"]["name"] for o in default.objects if is_hook(o)}
    assert hooks == {f"{RELEASE}-migrate", f"{RELEASE}-migrations", f"{RELEASE}-test-readyz"}


def test_migrations_can_be_turned_off(chart: helm.Chart) -> None:
    rendered = render(chart, merged(MINIMAL, {"migrations": {"enabled": False}}))
    assert rendered.kind("Job") == []
    assert [s["metadata"]["name"] for s in rendered.kind("Secret")] == [f"{RELEASE}-secrets"]
    assert "DISABLED" in rendered.notes


# --------------------------------------------------------------------------------------------
# Networking


def test_services_select_their_pods(default: Rendered) -> None:
    for service in SERVICES:
        for kind, port_name in (("api", "http"), ("worker", "metrics")):
            svc = default.get("Service", f"{RELEASE}-{service}-{kind}")
            pods = default.deployment(service, kind)["spec"]["template"]["metadata"]["labels"]
            assert selects(svc["spec"]["selector"], pods)
            (port,) = svc["spec"]["ports"]
            assert port["name"] == port_name and port["targetPort"] == port_name
            assert svc["spec"]["type"] == "ClusterIP"
    assert len(default.kind("Service")) == 8


def test_ingress_routes_each_prefix_to_its_api(default: Rendered) -> None:
    (ingress,) = default.kind("Ingress")
    (rule,) = ingress["spec"]["rules"]
    assert "host" not in rule
    assert "tls" not in ingress["spec"]
    assert "ingressClassName" not in ingress["spec"]
    routes = {p["path"]: p for p in rule["http"]["paths"]}
    assert sorted(routes) == sorted(f"/{s}" for s in SERVICES)
    for service in SERVICES:
        path = routes[f"/{service}"]
        assert path["pathType"] == "Prefix"
        backend = path["backend"]["service"]
        svc = default.get("Service", backend["name"])
        assert svc["metadata"]["name"] == f"{RELEASE}-{service}-api"
        assert backend["port"]["name"] in {p["name"] for p in svc["spec"]["ports"]}
    assert "/metrics" not in routes and "/healthz" not in routes


def test_ingress_can_be_disabled(chart: helm.Chart) -> None:
    rendered = render(chart, merged(MINIMAL, {"ingress": {"enabled": False}}))
    assert rendered.kind("Ingress") == []
    assert "port-forward" in rendered.notes


def test_api_pods_have_disruption_budgets(default: Rendered) -> None:
    budgets = {p["metadata"]["name"]: p for p in default.kind("PodDisruptionBudget")}
    assert sorted(budgets) == sorted(f"{RELEASE}-{s}-api" for s in SERVICES)
    for service in SERVICES:
        pdb = budgets[f"{RELEASE}-{service}-api"]
        assert pdb["spec"]["minAvailable"] == 1
        pods = default.deployment(service, "api")["spec"]["template"]["metadata"]["labels"]
        assert selects(pdb["spec"]["selector"]["matchLabels"], pods)
        worker = default.deployment(service, "worker")["spec"]["template"]["metadata"]["labels"]
        assert not selects(pdb["spec"]["selector"]["matchLabels"], worker)


def test_no_optional_extras_by_default(default: Rendered) -> None:
    assert default.kind("ServiceMonitor") == []
    for kind in ("PrometheusRule", "RabbitmqCluster", "NetworkPolicy"):
        assert default.kind(kind) == [], kind
    assert [c["metadata"]["name"] for c in default.kind("ConfigMap")] == [f"{RELEASE}-config"]
    assert default.kind("HorizontalPodAutoscaler") == []
    assert len(default.kind("ServiceAccount")) == 1


def test_helm_test_pod_checks_every_api(default: Rendered) -> None:
    pod = default.get("Pod", f"{RELEASE}-test-readyz")
    assert pod["metadata"]["annotations"]["helm.sh/hook"] == "test"
    (c,) = pod["spec"]["containers"]
    urls = c["args"][1:]
    assert urls == [f"http://{RELEASE}-{s}-api:80/readyz" for s in SERVICES]
    for url in urls:
        default.get("Service", url.split("//")[1].split(":")[0])


def test_notes_tell_where_the_apis_are(default: Rendered, override: Rendered) -> None:
    for service in SERVICES:
        assert f"/{service}/v1/" in default.notes
        assert f"https://renda.city.example/{service}/v1/" in override.notes
    assert "WARNING: ingress.tls.enabled is false" in default.notes
    assert "WARNING" not in override.notes
    assert "rollout restart" in override.notes


def test_notes_warn_about_a_database_url_without_placeholder(chart: helm.Chart) -> None:
    values = merged(MINIMAL, {"secrets": {"databaseUrl": "postgresql+psycopg://u:p@pg/renda"}})
    assert "{service}" in render(chart, values).notes
    assert 'no "{service}" placeholder' in render(chart, values).notes


def test_long_release_names_give_valid_names(chart: helm.Chart) -> None:
    name = "renda-" + "x" * 47  # 53 characters, Helm's maximum
    helm.validate_release_name(name)
    rendered = render(chart, MINIMAL, name=name)
    for obj in rendered.objects:
        if obj["kind"] in {"Service", "Deployment", "Ingress", "ConfigMap", "Secret", "Job"}:
            assert DNS_1035_LABEL.match(obj["metadata"]["name"]), obj["metadata"]["name"]
        for value in obj["metadata"].get("labels", {}).values():
            assert len(value) <= 63
    errors, _ = _validate_all(rendered, KUBE_VERSIONS[-1])
    assert errors == []


# --------------------------------------------------------------------------------------------
# The production-shaped override


def test_override_scales_each_component(override: Rendered) -> None:
    expected = {(s, k): 3 for s in SERVICES for k in ("api", "worker")}
    expected[("intake", "api")] = 5
    expected[("notify", "api")] = 1
    del expected[("scoring", "worker")]  # autoscaled
    for (service, kind), replicas in expected.items():
        assert override.deployment(service, kind)["spec"]["replicas"] == replicas, (service, kind)
    assert "replicas" not in override.deployment("scoring", "worker")["spec"]
    (hpa,) = override.kind("HorizontalPodAutoscaler")
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": f"{RELEASE}-scoring-worker",
    }
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (3, 12)


def test_override_disruption_budgets_follow_replicas(override: Rendered) -> None:
    budgets = {p["metadata"]["name"]: p for p in override.kind("PodDisruptionBudget")}
    # notify's api runs a single replica: a budget would block node drains.
    assert sorted(budgets) == sorted(f"{RELEASE}-{s}-api" for s in SERVICES if s != "notify")
    for pdb in budgets.values():
        assert pdb["spec"]["maxUnavailable"] == 1
        assert "minAvailable" not in pdb["spec"]


def test_override_uses_the_existing_secret_only(override: Rendered) -> None:
    assert override.kind("Secret") == []
    workloads = [*override.kind("Deployment"), *override.kind("Job")]
    assert len(workloads) == 9
    for obj in workloads:
        env = env_of(container(obj))
        assert env["RENDA_DATABASE_URL"]["valueFrom"]["secretKeyRef"] == {
            "name": "renda-credentials",
            "key": "database-url",
        }
        assert env["RENDA_BROKER_URL"]["valueFrom"]["secretKeyRef"] == {
            "name": "renda-credentials",
            "key": "broker-url",
        }
        assert "checksum/secret" not in obj["spec"]["template"]["metadata"].get("annotations", {})


def test_override_configuration(override: Rendered) -> None:
    (cm,) = override.kind("ConfigMap")
    assert cm["data"]["RENDA_LOG_LEVEL"] == "WARNING"
    assert cm["data"]["RENDA_MAX_REQUEST_BYTES"] == "4194304"  # not 4.194304e+06
    assert cm["data"]["WEB_CONCURRENCY"] == "4"
    assert env_of(container(override.deployment("intake", "api")))["WEB_CONCURRENCY"] == {
        "name": "WEB_CONCURRENCY",
        "value": "6",
    }
    assert "WEB_CONCURRENCY" not in env_of(container(override.deployment("workflow", "api")))
    for d in override.kind("Deployment"):
        assert container(d)["image"] == "registry.city.example/renda/renda:1.2.3"


def test_override_ingress_has_tls(override: Rendered) -> None:
    (ingress,) = override.kind("Ingress")
    spec = ingress["spec"]
    assert spec["ingressClassName"] == "nginx"
    assert spec["tls"] == [{"secretName": "renda-city-tls", "hosts": ["renda.city.example"]}]
    (rule,) = spec["rules"]
    assert rule["host"] == "renda.city.example"
    assert sorted(p["path"] for p in rule["http"]["paths"]) == sorted(f"/{s}" for s in SERVICES)


def test_override_service_monitors_scrape_every_component(override: Rendered) -> None:
    monitors = {m["metadata"]["name"]: m for m in override.kind("ServiceMonitor")}
    assert sorted(monitors) == [f"{RELEASE}-api", f"{RELEASE}-worker"]
    for kind in ("api", "worker"):
        monitor = monitors[f"{RELEASE}-{kind}"]
        assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
        assert monitor["metadata"]["labels"]["release"] == "prometheus"
        selector = monitor["spec"]["selector"]["matchLabels"]
        (endpoint,) = monitor["spec"]["endpoints"]
        assert endpoint["path"] == "/metrics"
        # The metrics' own `service` label must survive the operator's target label `service`.
        assert endpoint["honorLabels"] is True
        # The alerts select targets by renda_service (renda/service, sanitised by the operator).
        assert monitor["spec"]["targetLabels"] == ["renda/service"]
        selected = [
            s for s in override.kind("Service") if selects(selector, s["metadata"]["labels"])
        ]
        assert sorted(s["metadata"]["name"] for s in selected) == sorted(
            f"{RELEASE}-{s}-{kind}" for s in SERVICES
        )
        for svc in selected:
            assert endpoint["port"] in {p["name"] for p in svc["spec"]["ports"]}


# --------------------------------------------------------------------------------------------
# Documentation and the image the chart runs


def test_readme_documents_every_value() -> None:
    values = yaml.safe_load((CHART_DIR / "values.yaml").read_text())
    readme = (CHART_DIR / "README.md").read_text()
    missing = [key for key in all_leaf_keys(values) if f"| `{key}` |" not in readme]
    assert missing == []


def test_dockerfile_builds_the_image_the_chart_expects(chart: helm.Chart) -> None:
    commands = dockerfile.parse_file(str(ROOT / "Dockerfile"))
    by_cmd: dict[str, list[dockerfile.Command]] = {}
    for command in commands:
        by_cmd.setdefault(command.cmd, []).append(command)
    args = {c.value[0].split("=", 1)[0]: c.value[0].split("=", 1)[1] for c in by_cmd["ARG"]}
    assert args["PYTHON_IMAGE"] == "python:3.11-slim"
    assert all(f.value[0] == "${PYTHON_IMAGE}" for f in by_cmd["FROM"])
    runs = " ".join(" ".join(c.value) for c in by_cmd["RUN"])
    assert "pip install -r requirements.txt" in runs
    assert "pip install --no-deps ." in runs
    # The final stage runs as the uid the chart's podSecurityContext declares (non-root).
    (user,) = by_cmd["USER"]
    assert user.value[0] == "10001:10001"
    uid = chart.values["podSecurityContext"]["runAsUser"]
    assert user.value[0].split(":")[0] == str(uid) != "0"
    (entrypoint,) = by_cmd["ENTRYPOINT"]
    assert entrypoint.json and entrypoint.value == ("renda",)
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "var", "deploy"} <= set(ignored)


# --------------------------------------------------------------------------------------------
# Alerts, dashboard, network policies, the RabbitMQ operator


def ci_values(name: str) -> dict[str, Any]:
    return yaml.safe_load((CHART_DIR / "ci" / name).read_text())


@pytest.fixture(scope="module")
def production(chart: helm.Chart) -> Rendered:
    return render(chart, ci_values("production-values.yaml"))


@pytest.fixture(scope="module")
def with_operator(chart: helm.Chart) -> Rendered:
    return render(chart, ci_values("rabbitmq-operator-values.yaml"))


def test_prometheus_rule_carries_the_rules_file(production: Rendered) -> None:
    (rule,) = production.kind("PrometheusRule")
    assert rule["apiVersion"] == "monitoring.coreos.com/v1"
    assert rule["metadata"]["labels"]["release"] == "prometheus"
    base = "https://git.city.example.org/renda/renda/-/blob/main/docs/runbook.md"
    expected = yaml.safe_load(
        RULES_FILE.read_text().replace("https://renda.example.org/docs/runbook.md", base)
    )
    assert rule["spec"] == {"groups": expected["groups"]}
    alerts = [r for g in rule["spec"]["groups"] for r in g["rules"]]
    assert len(alerts) >= 11
    for alert in alerts:
        assert set(alert) <= {"alert", "expr", "for", "labels", "annotations"}
        assert alert["annotations"]["runbook_url"] == f"{base}#{alert['alert'].lower()}"


def test_grafana_dashboard_configmap_holds_the_generated_dashboard(production: Rendered) -> None:
    dashboard = production.get("ConfigMap", f"{RELEASE}-dashboard")
    assert dashboard["metadata"]["labels"]["grafana_dashboard"] == "1"
    assert dashboard["metadata"]["annotations"] == {"grafana_folder": "renda"}
    assert dashboard["data"]["renda.json"] == DASHBOARD_FILE.read_text().rstrip("\n")


def test_a_network_policy_per_component(production: Rendered) -> None:
    policies = {p["metadata"]["name"]: p for p in production.kind("NetworkPolicy")}
    assert sorted(policies) == sorted(
        f"{RELEASE}-{s}-{k}" for s in SERVICES for k in ("api", "worker")
    )
    for service in SERVICES:
        for kind in ("api", "worker"):
            spec = policies[f"{RELEASE}-{service}-{kind}"]["spec"]
            assert spec["policyTypes"] == ["Ingress", "Egress"]
            selector = spec["podSelector"]["matchLabels"]
            selected = [
                d["metadata"]["name"]
                for d in production.kind("Deployment")
                if selects(selector, d["spec"]["template"]["metadata"]["labels"])
            ]
            assert selected == [f"{RELEASE}-{service}-{kind}"]
            port = "http" if kind == "api" else "metrics"
            assert all(rule["ports"] == [{"port": port}] for rule in spec["ingress"])
            sources = [peer for rule in spec["ingress"] for peer in rule["from"]]
            from_ingress = {"namespaceSelector": {"matchLabels": {NS_LABEL: "ingress-nginx"}}}
            assert (from_ingress in sources) == (kind == "api")
            assert {"namespaceSelector": {"matchLabels": {NS_LABEL: "monitoring"}}} in sources
            egress_ports = {p["port"] for rule in spec["egress"] for p in rule["ports"]}
            expected = {53, 5432} | ({5672} if kind == "worker" else set())
            expected |= {443} if (service, kind) == ("notify", "worker") else set()
            assert egress_ports == expected, (service, kind)
            database = [r for r in spec["egress"] if r["ports"] == [{"port": 5432}]]
            assert database[0]["to"] == [{"ipBlock": {"cidr": "10.20.0.0/16"}}]


def test_helm_test_pod_may_reach_the_apis(production: Rendered) -> None:
    pod = production.get("Pod", f"{RELEASE}-test-readyz")
    for service in SERVICES:
        policy = production.get("NetworkPolicy", f"{RELEASE}-{service}-api")
        peers = [p for r in policy["spec"]["ingress"] for p in r["from"] if "podSelector" in p]
        assert any(
            selects(p["podSelector"]["matchLabels"], pod["metadata"]["labels"]) for p in peers
        )


def test_rabbitmq_cluster_for_the_operator(with_operator: Rendered) -> None:
    (cluster,) = with_operator.kind("RabbitmqCluster")
    jsonschema.validate(cluster, RABBITMQ_CLUSTER_SCHEMA)
    spec = cluster["spec"]
    assert spec["replicas"] == 3
    assert "default_queue_type = quorum" in spec["rabbitmq"]["additionalConfig"]
    assert "vm_memory_high_watermark.relative = 0.8" in spec["rabbitmq"]["additionalConfig"]
    assert spec["persistence"] == {"storage": "20Gi", "storageClassName": "fast-ssd"}
    assert set(spec["resources"]) == {"requests", "limits"}
    name = cluster["metadata"]["name"]
    workloads = [*with_operator.kind("Deployment"), *with_operator.kind("Job")]
    for obj in workloads:
        env = env_of(container(obj))
        names = [e["name"] for e in container(obj)["env"]]
        # Kubernetes expands $(VAR) only from variables defined before it.
        assert names.index("RENDA_RABBITMQ_PASSWORD") < names.index("RENDA_BROKER_URL")
        assert env["RENDA_BROKER_URL"]["value"] == (
            "amqp://$(RENDA_RABBITMQ_USERNAME):$(RENDA_RABBITMQ_PASSWORD)"
            f"@{name}.{NAMESPACE}.svc:5672/%2F"
        )
        for var, key in (
            ("RENDA_RABBITMQ_USERNAME", "username"),
            ("RENDA_RABBITMQ_PASSWORD", "password"),
        ):
            ref = env[var]["valueFrom"]["secretKeyRef"]
            assert (ref["name"], ref["key"]) == (f"{name}-default-user", key)
            # The operator creates its Secret after the pre-install hook: migrations need no broker.
            assert ref.get("optional", False) == (obj["kind"] == "Job")
        assert env["RENDA_DATABASE_URL"]["valueFrom"]["secretKeyRef"] == {
            "name": "renda-credentials",
            "key": "database-url",
        }
    assert f'"{name}-default-user"' in with_operator.notes
    assert "keys database-url)" in with_operator.notes
    worker_policy = with_operator.get("NetworkPolicy", f"{RELEASE}-scoring-worker")
    broker = [r for r in worker_policy["spec"]["egress"] if r["ports"] == [{"port": 5672}]]
    assert broker[0]["to"] == [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": name}}}]


def test_rabbitmq_cluster_schema_catches_mistakes(with_operator: Rendered) -> None:
    (cluster,) = with_operator.kind("RabbitmqCluster")
    bad = copy.deepcopy(cluster)
    bad["spec"]["replica"] = 3
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, RABBITMQ_CLUSTER_SCHEMA)


def test_operator_and_a_broker_url_together_are_refused(chart: helm.Chart) -> None:
    values = merged(MINIMAL, {"rabbitmq": {"operator": {"enabled": True}}})
    with pytest.raises(helm.HelmRenderError, match=r"rabbitmq\.operator\.enabled"):
        chart.render(values, name=RELEASE, namespace=NAMESPACE)
    without_url = merged(values, {"secrets": {"brokerUrl": ""}})
    (secret,) = [s for s in render(chart, without_url).kind("Secret") if not is_hook(s)]
    assert set(secret["data"]) == {"RENDA_DATABASE_URL", "RENDA_SECRET_KEY", "RENDA_CONTACT_KEYS"}


def test_rabbitmq_operator_needs_three_nodes(chart: helm.Chart) -> None:
    values = merged(
        ci_values("rabbitmq-operator-values.yaml"), {"rabbitmq": {"operator": {"replicas": 1}}}
    )
    with pytest.raises(helm.HelmValuesError, match="/rabbitmq/operator/replicas"):
        chart.validate_schema(values)


def _schema_node(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["definitions"][node["$ref"].rsplit("/", 1)[1]]
    return node


def test_values_schema_describes_every_value(chart: helm.Chart) -> None:
    """A complete schema: every key of values.yaml has a typed entry, so a typo in any of
    them is refused (additionalProperties: false) rather than silently ignored."""
    schema = chart.schema
    assert schema is not None
    missing: list[str] = []

    def walk(values: dict[str, Any], node: dict[str, Any], path: str) -> None:
        node = _schema_node(schema, node)
        for key, value in values.items():
            where = f"{path}.{key}" if path else key
            child = node.get("properties", {}).get(key)
            if child is None:
                if node.get("additionalProperties") in (None, False):
                    missing.append(where)
                continue
            child = _schema_node(schema, child)
            assert {"type", "enum", "const", "oneOf", "anyOf"} & set(child), where
            if isinstance(value, dict) and child.get("properties"):
                assert child.get("additionalProperties") is False, f"{where} admits unknown keys"
                walk(value, child, where)

    walk(chart.values, schema, "")
    assert missing == []


def test_every_container_has_resources(production: Rendered, with_operator: Rendered) -> None:
    for rendered in (production, with_operator):
        pods = [
            *(
                (o["kind"], o["metadata"]["name"], o["spec"]["template"]["spec"])
                for o in [*rendered.kind("Deployment"), *rendered.kind("Job")]
            ),
            *(("Pod", o["metadata"]["name"], o["spec"]) for o in rendered.kind("Pod")),
        ]
        assert len(pods) == 10
        for kind, name, spec in pods:
            for c in [*spec.get("initContainers", []), *spec["containers"]]:
                for bound in ("requests", "limits"):
                    assert set(c["resources"][bound]) >= {"cpu", "memory"}, (kind, name, bound)


# --------------------------------------------------------------------------------------------
# The console (`renda api console`): off by default, a fifth deployable when enabled

CONSOLE = f"{RELEASE}-console"
CONSOLE_KEY = "example-console-signing-key-not-a-real-one-0123456789"


@pytest.fixture(scope="module")
def console(chart: helm.Chart) -> Rendered:
    return render(chart, ci_values("console-values.yaml"))


def test_no_console_unless_enabled(default: Rendered) -> None:
    assert all(o["metadata"]["name"] != CONSOLE for o in default.objects)
    (ingress,) = default.kind("Ingress")
    assert "/console" not in {p["path"] for p in ingress["spec"]["rules"][0]["http"]["paths"]}
    assert "console" not in default.notes


def test_console_runs_api_console_with_its_settings(console: Rendered) -> None:
    d = console.get("Deployment", CONSOLE)
    c = container(d)
    assert c["args"] == ["api", "console"]
    assert "command" not in c
    assert c["ports"] == [{"name": "http", "containerPort": 8000, "protocol": "TCP"}]
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        assert c[probe]["httpGet"] == {"path": "/console/sign-in", "port": "http"}, probe
    assert c["envFrom"] == [{"configMapRef": {"name": f"{RELEASE}-config"}}]
    env = env_of(c)
    for name in ("RENDA_DATABASE_URL", "RENDA_SECRET_KEY"):
        ref = env[name]["valueFrom"]["secretKeyRef"]
        assert ref == {"name": f"{RELEASE}-secrets", "key": name}
    # No broker: the console writes through intake's API only.
    assert "RENDA_BROKER_URL" not in env
    assert console.get("ConfigMap", f"{RELEASE}-config")["data"]["RENDA_SESSION_IDLE_SECONDS"] == (
        "900"
    )
    # Autoscaled (ci/console-values.yaml): no fixed replicas, the HPA owns them.
    assert "replicas" not in d["spec"]
    hpa = console.get("HorizontalPodAutoscaler", CONSOLE)
    assert hpa["spec"]["scaleTargetRef"]["name"] == CONSOLE
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (2, 4)


def test_console_reaches_each_api_service(console: Rendered) -> None:
    url = env_of(container(console.get("Deployment", CONSOLE)))["RENDA_API_BASE_URL"]["value"]
    assert url == f"http://{RELEASE}-{{service}}-api:80"
    settings = Settings.from_env({"RENDA_API_BASE_URL": url})
    for service in SERVICES:
        host, port = settings.api_url_for(service).removeprefix("http://").split(":")
        svc = console.get("Service", host)
        assert svc["metadata"]["labels"]["renda/service"] == service
        assert int(port) in {p["port"] for p in svc["spec"]["ports"]}


def test_console_lists_each_api_when_their_ports_differ(chart: helm.Chart) -> None:
    values = merged(
        ci_values("console-values.yaml"),
        {"services": {"notify": {"api": {"service": {"type": "ClusterIP", "port": 8080}}}}},
    )
    rendered = render(chart, values)
    url = env_of(container(rendered.get("Deployment", CONSOLE)))["RENDA_API_BASE_URL"]["value"]
    settings = Settings.from_env({"RENDA_API_BASE_URL": url})
    assert settings.api_url_for("notify") == f"http://{RELEASE}-notify-api:8080"
    assert settings.api_url_for("intake") == f"http://{RELEASE}-intake-api:80"


def test_console_pods_are_locked_down_and_scraped(console: Rendered) -> None:
    d = console.get("Deployment", CONSOLE)
    spec = d["spec"]["template"]["spec"]
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["automountServiceAccountToken"] is False
    c = container(d)
    assert c["securityContext"]["readOnlyRootFilesystem"] is True
    assert c["securityContext"]["capabilities"] == {"drop": ["ALL"]}
    volumes = {v["name"]: v for v in spec["volumes"]}
    (tmp,) = [m for m in c["volumeMounts"] if m["mountPath"] == "/tmp"]
    assert "emptyDir" in volumes[tmp["name"]]
    for bound in ("requests", "limits"):
        assert set(c["resources"][bound]) >= {"cpu", "memory"}
    annotations = d["spec"]["template"]["metadata"]["annotations"]
    # Its /metrics sits beside /console on the http port: annotated, and one ServiceMonitor
    # (of three) selects its Service.
    assert annotations["prometheus.io/port"] == "8000"
    assert annotations["prometheus.io/path"] == "/metrics"
    svc = console.get("Service", CONSOLE)
    monitors = console.kind("ServiceMonitor")
    assert len(monitors) == 3
    (scraping,) = [
        m
        for m in monitors
        if selects(m["spec"]["selector"]["matchLabels"], svc["metadata"]["labels"])
    ]
    assert scraping["metadata"]["name"] == f"{RELEASE}-console"
    assert scraping["spec"]["endpoints"][0]["port"] == "http"


def test_console_selectors_are_its_own(console: Rendered) -> None:
    deployments = console.kind("Deployment")
    assert len(deployments) == 9
    for d in deployments:
        selector = d["spec"]["selector"]["matchLabels"]
        matched = [
            other["metadata"]["name"]
            for other in deployments
            if selects(selector, other["spec"]["template"]["metadata"]["labels"])
        ]
        assert matched == [d["metadata"]["name"]]
    pods = console.get("Deployment", CONSOLE)["spec"]["template"]["metadata"]["labels"]
    svc = console.get("Service", CONSOLE)
    assert selects(svc["spec"]["selector"], pods)
    assert svc["spec"]["ports"][0]["targetPort"] == "http"
    pdb = console.get("PodDisruptionBudget", CONSOLE)
    assert pdb["spec"]["minAvailable"] == 1
    assert selects(pdb["spec"]["selector"]["matchLabels"], pods)


def test_ingress_routes_console_to_the_console(console: Rendered) -> None:
    (ingress,) = console.kind("Ingress")
    routes = {p["path"]: p for p in ingress["spec"]["rules"][0]["http"]["paths"]}
    assert sorted(routes) == sorted([*(f"/{s}" for s in SERVICES), "/console"])
    assert routes["/console"]["pathType"] == "Prefix"
    assert routes["/console"]["backend"]["service"] == {"name": CONSOLE, "port": {"name": "http"}}
    assert "https://renda.city.example.org/console/" in console.notes


def test_console_signing_key_comes_from_the_secret(chart: helm.Chart, console: Rendered) -> None:
    secret = console.get("Secret", f"{RELEASE}-secrets")
    assert base64.b64decode(secret["data"]["RENDA_SECRET_KEY"]).decode() == CONSOLE_KEY
    for obj in console.objects:
        if obj["kind"] != "Secret":
            assert CONSOLE_KEY not in yaml.safe_dump(obj), obj["metadata"]["name"]
    without_key = merged(ci_values("console-values.yaml"), {"secrets": {"secretKey": ""}})
    with pytest.raises(helm.HelmRenderError, match=r"secrets\.secretKey"):
        chart.render(without_key, name=RELEASE, namespace=NAMESPACE)
    existing = merged(
        OVERRIDE,
        {"console": {"enabled": True}, "secrets": {"secretKeyKey": "console-signing-key"}},
    )
    rendered = render(chart, existing)
    assert rendered.kind("Secret") == []
    ref = env_of(container(rendered.get("Deployment", CONSOLE)))["RENDA_SECRET_KEY"]
    assert ref["valueFrom"]["secretKeyRef"] == {
        "name": "renda-credentials",
        "key": "console-signing-key",
    }


def test_console_network_policy_and_the_apis_admit_it(console: Rendered) -> None:
    spec = console.get("NetworkPolicy", CONSOLE)["spec"]
    pods = console.get("Deployment", CONSOLE)["spec"]["template"]["metadata"]["labels"]
    assert selects(spec["podSelector"]["matchLabels"], pods)
    assert spec["policyTypes"] == ["Ingress", "Egress"]
    rule, scrape = spec["ingress"]
    assert rule["ports"] == scrape["ports"] == [{"port": "http"}]
    assert scrape["from"] == [{"namespaceSelector": {"matchLabels": {NS_LABEL: "monitoring"}}}]
    test_pod = console.get("Pod", f"{RELEASE}-test-readyz")["metadata"]["labels"]
    assert {"namespaceSelector": {"matchLabels": {NS_LABEL: "ingress-nginx"}}} in rule["from"]
    assert any(selects(p["podSelector"]["matchLabels"], test_pod) for p in rule["from"][1:])
    egress_ports = {p["port"] for r in spec["egress"] for p in r["ports"]}
    assert egress_ports == {53, 5432, 8000}, "no broker, nothing outside"
    (to_apis,) = [r for r in spec["egress"] if r["ports"] == [{"port": 8000}]]
    (peer,) = to_apis["to"]
    for service in SERVICES:
        api = console.deployment(service, "api")["spec"]["template"]["metadata"]["labels"]
        worker = console.deployment(service, "worker")["spec"]["template"]["metadata"]["labels"]
        assert selects(peer["podSelector"]["matchLabels"], api)
        assert not selects(peer["podSelector"]["matchLabels"], worker)
        policy = console.get("NetworkPolicy", f"{RELEASE}-{service}-api")
        admitted = [p for r in policy["spec"]["ingress"] for p in r["from"] if "podSelector" in p]
        assert any(selects(p["podSelector"]["matchLabels"], pods) for p in admitted)
    worker_policy = console.get("NetworkPolicy", f"{RELEASE}-intake-worker")
    peers = [p for r in worker_policy["spec"]["ingress"] for p in r["from"]]
    assert not any("podSelector" in p for p in peers)


def test_helm_test_pod_checks_the_console(console: Rendered) -> None:
    (c,) = console.get("Pod", f"{RELEASE}-test-readyz")["spec"]["containers"]
    assert c["args"][-1] == f"http://{CONSOLE}:80/console/sign-in"
    assert c["args"][1:-1] == [f"http://{RELEASE}-{s}-api:80/readyz" for s in SERVICES]


def test_photos_live_on_a_claim_that_only_intake_mounts(
    chart: helm.Chart, default: Rendered
) -> None:
    (claim,) = default.kind("PersistentVolumeClaim")
    assert claim["metadata"]["name"] == f"{RELEASE}-photos"
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    assert claim["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
    for service in SERVICES:
        for kind in ("api", "worker"):
            d = default.deployment(service, kind)
            volumes = {v["name"]: v for v in d["spec"]["template"]["spec"]["volumes"]}
            env = env_of(container(d))
            if service == "intake":  # the api keeps them, the worker erases them (ADR 0011)
                assert (
                    volumes["photos"]["persistentVolumeClaim"]["claimName"] == f"{RELEASE}-photos"
                )
                assert env["RENDA_PHOTO_DIR"]["value"] == "/var/lib/renda/photos"
                mounts = {m["name"]: m["mountPath"] for m in container(d)["volumeMounts"]}
                assert mounts["photos"] == "/var/lib/renda/photos"
            else:
                assert "photos" not in volumes and "RENDA_PHOTO_DIR" not in env, (service, kind)
    theirs = render(chart, merged(MINIMAL, {"photos": {"existingClaim": "city-photos"}}))
    assert theirs.kind("PersistentVolumeClaim") == []
    intake = theirs.deployment("intake", "api")["spec"]["template"]["spec"]["volumes"]
    assert {"name": "photos", "persistentVolumeClaim": {"claimName": "city-photos"}} in intake


def test_photos_in_a_bucket_replace_the_claim(chart: helm.Chart) -> None:
    bucket = {
        "photos": {
            "s3": {
                "bucketUrl": "s3://city-renda/photos",
                "endpointUrl": "http://minio.storage:9000",
                "region": "cn-south-1",
                "existingSecret": "city-bucket",
            }
        },
        "networkPolicy": {
            "enabled": True,
            "objectStore": {"port": 9000, "to": [{"ipBlock": {"cidr": "10.30.0.0/16"}}]},
        },
    }
    rendered = render(chart, merged(MINIMAL, bucket))
    assert rendered.kind("PersistentVolumeClaim") == []
    for service in SERVICES:
        for kind in ("api", "worker"):
            d = rendered.deployment(service, kind)
            volumes = {v["name"] for v in d["spec"]["template"]["spec"]["volumes"]}
            mounts = {m["name"] for m in container(d)["volumeMounts"]}
            env = env_of(container(d))
            assert "photos" not in volumes | mounts and "RENDA_PHOTO_DIR" not in env
            assert ("RENDA_PHOTO_STORE" in env) == (service == "intake")
            egress = rendered.get("NetworkPolicy", f"{RELEASE}-{service}-{kind}")["spec"]["egress"]
            to_bucket = [r for r in egress if r["ports"] == [{"port": 9000}]]
            assert len(to_bucket) == (service == "intake"), (service, kind)
    env = env_of(container(rendered.deployment("intake", "worker")))
    assert env["RENDA_PHOTO_STORE"]["value"] == "s3://city-renda/photos"
    env = env_of(container(rendered.deployment("intake", "api")))
    assert env["RENDA_PHOTO_STORE"]["value"] == "s3://city-renda/photos"
    assert env["RENDA_S3_ENDPOINT_URL"]["value"] == "http://minio.storage:9000"
    assert env["RENDA_S3_REGION"]["value"] == "cn-south-1"
    for var, key in (
        ("RENDA_S3_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID"),
        ("RENDA_S3_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY"),
    ):
        assert env[var]["valueFrom"]["secretKeyRef"] == {"name": "city-bucket", "key": key}
    policy = rendered.get("NetworkPolicy", f"{RELEASE}-intake-api")["spec"]["egress"]
    (to_bucket,) = [r for r in policy if r["ports"] == [{"port": 9000}]]
    assert to_bucket["to"] == [{"ipBlock": {"cidr": "10.30.0.0/16"}}]
    # Without a Secret, boto3's own chain (the pod's role): no credentials in the pod.
    role = render(chart, merged(MINIMAL, {"photos": {"s3": {"bucketUrl": "s3://city-renda"}}}))
    env = env_of(container(role.deployment("intake", "api")))
    assert env["RENDA_PHOTO_STORE"]["value"] == "s3://city-renda"
    assert not {"RENDA_S3_ENDPOINT_URL", "RENDA_S3_ACCESS_KEY_ID"} & set(env)
    with pytest.raises(helm.HelmValuesError, match="/photos/s3/bucketUrl"):
        chart.validate_schema(merged(MINIMAL, {"photos": {"s3": {"bucketUrl": "city-renda"}}}))


def test_trusted_proxies_reach_the_configmap(chart: helm.Chart, default: Rendered) -> None:
    data = default.get("ConfigMap", f"{RELEASE}-config")["data"]
    assert (data["RENDA_TRUSTED_PROXIES"], data["RENDA_TRUSTED_PROXY_HOPS"]) == ("", "1")
    values = {"config": {"trustedProxies": "10.42.0.0/16,10.43.0.0/16", "trustedProxyHops": 2}}
    data = render(chart, merged(MINIMAL, values)).get("ConfigMap", f"{RELEASE}-config")["data"]
    assert (data["RENDA_TRUSTED_PROXIES"], data["RENDA_TRUSTED_PROXY_HOPS"]) == (
        "10.42.0.0/16,10.43.0.0/16",
        "2",
    )
