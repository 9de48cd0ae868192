"""The Kubernetes manifests (deploy/k8s), rendered and checked offline.

Each overlay is built with kustomize (deploy/k8s/kustomize.sh: kubectl's built-in kustomize here, or
one it builds from the Go module proxy). Every object of a Kubernetes kind is validated strictly
(unknown fields fail) against the Kubernetes API's own schemas, shipped by kubernetes-validate; the
operators' custom resources against the schemas in tests/unit/k8s/operator_schemas.yaml, with
jsonschema. Then the rules ops rely on: probes on the operations port, resources, non-root, a
NetworkPolicy, a PodDisruptionBudget and an HPA per process, no secret values, the images
deploy/images.sh builds, the realm without demo users in production.
"""
import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ["dev", "production"]
KUBERNETES_VERSION = "1.33.0"
SERVICES = ["publications", "events", "helpdesk", "notifications"]
PYTHON_PROCESSES = [*SERVICES, "gateway"]
PROCESSES = [*PYTHON_PROCESSES, "front-door"]
OPS_PORT = 9100
OPERATOR_SCHEMAS = yaml.safe_load((ROOT / "tests" / "unit" / "k8s" / "operator_schemas.yaml").read_text())
DEFS = OPERATOR_SCHEMAS.pop("$defs")
PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]


def render(overlay):
    result = subprocess.run(["bash", str(K8S / "kustomize.sh"), "build", str(K8S / "overlays" / overlay)],
                            check=False, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


RENDERED = {}


@pytest.fixture(params=OVERLAYS, scope="module")
def overlay(request):
    if request.param not in RENDERED:
        RENDERED[request.param] = render(request.param)
    return request.param, RENDERED[request.param]


def objects(docs, kind):
    return {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == kind}


def the(docs, kind, name):
    found = objects(docs, kind)
    assert name in found, f"no {kind} {name}"
    return found[name]


def operator_schema(doc):
    return OPERATOR_SCHEMAS.get(f"{doc['apiVersion']}/{doc['kind']}")


def test_every_object_is_valid_against_the_kubernetes_or_its_operators_schema(overlay):
    name, docs = overlay
    kinds = set()
    for doc in docs:
        label = f"{name}: {doc['kind']} {doc['metadata']['name']}"
        schema = operator_schema(doc)
        if schema is not None:
            errors = sorted(jsonschema.Draft202012Validator({**schema, "$defs": DEFS}).iter_errors(doc), key=str)
            assert not errors, f"{label}: " + "; ".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
        else:
            try:
                kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
            except kubernetes_validate.SchemaNotFoundError:
                pytest.fail(f"{label}: neither a Kubernetes kind nor a custom resource we have a schema of")
            except kubernetes_validate.ValidationError as error:
                pytest.fail(f"{label}: {error.message} at {list(error.path)}")
        kinds.add(doc["kind"])
        assert doc["metadata"].get("namespace") == "wijkwijzer", label
        assert doc["metadata"]["labels"]["app.kubernetes.io/part-of"] == "wijkwijzer", label
    assert {"RabbitmqCluster", "MongoDBCommunity", "Keycloak", "KeycloakRealmImport", "PrometheusRule",
            "ServiceMonitor", "Vhost", "User", "Permission"} <= kinds


def test_the_validators_catch_a_broken_object():
    """A misspelt field fails both kinds of validation, so the passes above mean something."""
    deployment = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"},
                  "spec": {"selector": {}, "template": {"spec": {"containers": [{"name": "x", "imagee": "y"}]}}}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)
    user = {"apiVersion": "rabbitmq.com/v1beta1", "kind": "User", "metadata": {"name": "x"},
            "spec": {"rabbitmqClusterReference": {"name": "rabbitmq"}, "importCredentialSecret": {"name": "x"}}}
    assert list(jsonschema.Draft202012Validator({**operator_schema(user), "$defs": DEFS}).iter_errors(user))


def container_port(container, port):
    if isinstance(port, int):
        return port
    [number] = [p["containerPort"] for p in container.get("ports", []) if p["name"] == port]
    return number


@pytest.mark.parametrize("process", PROCESSES)
def test_deployment_has_probes_resources_and_runs_unprivileged(overlay, process):
    _, docs = overlay
    deployment = the(docs, "Deployment", process)
    pod = deployment["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    assert pod["automountServiceAccountToken"] is False
    for container in [*pod.get("initContainers", []), *pod["containers"]]:
        resources = container["resources"]
        assert {"cpu", "memory"} <= set(resources["requests"]) and {"cpu", "memory"} <= set(resources["limits"])
        security = container["securityContext"]
        assert security["allowPrivilegeEscalation"] is False and security["readOnlyRootFilesystem"] is True
        assert security["capabilities"]["drop"] == ["ALL"]
    [main] = pod["containers"]
    probes = {kind: main[kind]["httpGet"] for kind in ("startupProbe", "livenessProbe", "readinessProbe")}
    if process == "front-door":
        # nginx's own answer: the gateway's health is not the front door's
        assert {probe["path"] for probe in probes.values()} == {"/config.json"}
        return
    for probe in probes.values():
        assert container_port(main, probe["port"]) == OPS_PORT
    assert probes["readinessProbe"]["path"] == "/readyz"
    assert probes["livenessProbe"]["path"] == "/healthz" and probes["startupProbe"]["path"] == "/healthz"
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true" and annotations["prometheus.io/port"] == str(OPS_PORT)
    # a rolling update never drops below the wanted replicas
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


@pytest.mark.parametrize("process", PYTHON_PROCESSES)
def test_the_deploy_step_runs_before_the_process_with_its_own_configuration(overlay, process):
    _, docs = overlay
    pod = the(docs, "Deployment", process)["spec"]["template"]["spec"]
    [migrate] = pod["initContainers"]
    [main] = pod["containers"]
    assert migrate["image"] == main["image"]
    assert "$MIGRATE_COMMAND" in " ".join(migrate["command"]) and "$WIJKWIJZER_SERVICE_CLASS" in migrate["command"][-1]
    maps = {ref["configMapRef"]["name"] for ref in migrate["envFrom"] if "configMapRef" in ref}
    migrate_map = next(m for name, m in objects(docs, "ConfigMap").items() if name in maps and "MIGRATE_COMMAND" in m["data"])
    assert migrate_map["data"]["MIGRATE_COMMAND"] == "wijkwijzer-migrate"   # a script of libs/wijkwijzer
    assert migrate["env"] == main["env"]
    # the process's own settings: its database, and its own broker and database users
    settings = {name: m for name, m in objects(docs, "ConfigMap").items()
                if name in {ref["configMapRef"]["name"] for ref in main["envFrom"] if "configMapRef" in ref}}
    assert any(m["data"].get("MONGODB_DATABASE") == process for m in settings.values())
    env = {item["name"]: item for item in main["env"]}
    assert env["AMQP_USERNAME"]["valueFrom"]["secretKeyRef"]["name"] == f"{process}-amqp"
    assert env["AMQP_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == f"{process}-amqp"
    assert env["AMQP_URI"]["value"] == "amqp://$(AMQP_USERNAME):$(AMQP_PASSWORD)@$(AMQP_HOST):5672/$(AMQP_VHOST)"
    assert env["MONGODB_URI"]["valueFrom"]["secretKeyRef"] == {"name": f"{process}-mongo",
                                                              "key": "connectionString.standard"}


@pytest.mark.parametrize("process", PROCESSES)
def test_each_process_has_a_disruption_budget_an_autoscaler_and_a_service(overlay, process):
    _, docs = overlay
    deployment = the(docs, "Deployment", process)
    selector = deployment["spec"]["selector"]["matchLabels"]
    assert selector.items() <= deployment["spec"]["template"]["metadata"]["labels"].items()
    pdb = the(docs, "PodDisruptionBudget", process)
    assert pdb["spec"]["selector"]["matchLabels"] == selector and pdb["spec"]["maxUnavailable"] == 1
    hpa = the(docs, "HorizontalPodAutoscaler", process)
    target = hpa["spec"]["scaleTargetRef"]
    assert (target["apiVersion"], target["kind"], target["name"]) == ("apps/v1", "Deployment", process)
    assert hpa["spec"]["minReplicas"] <= deployment["spec"]["replicas"] <= hpa["spec"]["maxReplicas"]
    [metric] = hpa["spec"]["metrics"]
    assert metric["resource"]["name"] == "cpu"
    service = the(docs, "Service", process)
    assert service["spec"]["selector"] == selector
    [main] = deployment["spec"]["template"]["spec"]["containers"]
    for port in service["spec"]["ports"]:
        container_port(main, port["targetPort"])   # names a port the container has
    if process != "front-door":
        assert service["metadata"]["labels"]["wijkwijzer.nl/metrics"] == "true"
        assert "ops" in [port["name"] for port in service["spec"]["ports"]]


def test_the_service_monitor_scrapes_the_operations_port_of_every_process(overlay):
    _, docs = overlay
    [monitor] = objects(docs, "ServiceMonitor").values()
    selected = [name for name, service in objects(docs, "Service").items()
                if monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()]
    assert sorted(selected) == sorted(PYTHON_PROCESSES)
    assert monitor["spec"]["endpoints"][0]["port"] == "ops"


def peers(rule):
    """What a NetworkPolicy rule admits, as short words."""
    found = []
    for peer in rule.get("to", rule.get("from", [])):
        if "ipBlock" in peer:
            found.append(f"cidr:{peer['ipBlock']['cidr']}-{','.join(peer['ipBlock'].get('except', []))}")
            continue
        namespace = peer.get("namespaceSelector", {}).get("matchLabels", {}).get("kubernetes.io/metadata.name")
        labels = peer.get("podSelector", {}).get("matchLabels", {})
        pod = labels.get("app.kubernetes.io/name") or labels.get("app") or labels.get("k8s-app")
        found.append(f"{namespace or 'here'}/{pod or '*'}")
    ports = sorted(port["port"] for port in rule.get("ports", []))
    return [f"{peer}:{'+'.join(map(str, ports)) or 'any'}" for peer in found]


@pytest.mark.parametrize("process", PROCESSES)
def test_network_policy_lets_each_process_reach_only_what_it_must(overlay, process):
    name, docs = overlay
    policies = [p for p in objects(docs, "NetworkPolicy").values()
                if p["spec"]["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": process}]
    main = [p for p in policies if p["metadata"]["name"] == process]
    assert main and main[0]["spec"]["policyTypes"] == ["Ingress", "Egress"], "deny all but what is listed"
    egress = sorted(peer for p in policies for rule in p["spec"].get("egress", []) for peer in peers(rule))
    ingress = sorted(peer for p in policies for rule in p["spec"].get("ingress", []) for peer in peers(rule))
    dns = "kube-system/kube-dns:53+53"
    broker, database = "here/rabbitmq:5672", "here/mongodb-svc:27017"
    expected = {
        "publications": [broker, database, dns],
        "events": [broker, database, dns],
        "helpdesk": [broker, database, dns],
        "notifications": [broker, database, dns,
                          "cidr:0.0.0.0/0-" + ",".join([*PRIVATE, "169.254.0.0/16", "100.64.0.0/10", "127.0.0.0/8"]) + ":any",
                          *(["here/mailpit:1025"] if name == "dev" else [])],
        "gateway": [broker, database, dns, "here/keycloak:8080"],
        "front-door": [dns, "here/gateway:8000"],
    }[process]
    assert egress == sorted(expected)
    if process == "front-door":
        assert ingress == ["ingress-nginx/*:8000"]
    elif process == "gateway":
        assert ingress == sorted(["here/front-door:8000", f"monitoring/*:{OPS_PORT}"])
    else:
        assert ingress == [f"monitoring/*:{OPS_PORT}"]


def test_network_policy_selectors_match_the_operators_pods(overlay):
    """The labels the policies pick the broker, database and Keycloak pods by are the ones their
    operators set: RabbitmqCluster pods app.kubernetes.io/name=<cluster>, MongoDBCommunity pods
    app=<name>-svc, Keycloak pods app=keycloak."""
    _, docs = overlay
    assert "rabbitmq" in objects(docs, "RabbitmqCluster")
    assert "mongodb" in objects(docs, "MongoDBCommunity")
    assert "keycloak" in objects(docs, "Keycloak")


def test_no_secret_values_in_the_repository():
    for path in K8S.rglob("*.yaml"):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and doc.get("kind") == "Secret":
                pytest.fail(f"{path}: Secrets are made by ops (docs/operations.md), never kept here")
            if doc and doc.get("kind") == "Kustomization":
                assert not doc.get("secretGenerator"), f"{path}: no secretGenerator"


def referenced_secrets(docs):
    names = set()
    for doc in docs:
        text = json.dumps(doc)
        names |= set(re.findall(r'"secretKeyRef": \{"name": "([^"]+)"', text))
        names |= set(re.findall(r'"secretRef": \{"name": "([^"]+)"', text))
        names |= set(re.findall(r'"(?:importCredentialsSecret|passwordSecretRef|usernameSecret|passwordSecret)": '
                                r'\{"name": "([^"]+)"', text))
        names |= {tls["secretName"] for tls in doc.get("spec", {}).get("tls", []) if isinstance(tls, dict)}
    return names


def test_every_secret_the_manifests_need_is_made_by_an_operator_or_documented(overlay):
    _, docs = overlay
    made_by_operators = {user["connectionStringSecretName"]
                         for mongo in objects(docs, "MongoDBCommunity").values() for user in mongo["spec"]["users"]}
    docs_text = (ROOT / "docs" / "operations.md").read_text()
    for secret in referenced_secrets(docs) - made_by_operators:
        assert re.search(rf"kubectl -n wijkwijzer create secret \w+ {re.escape(secret)}\b", docs_text), \
            f"docs/operations.md does not say how to create the Secret {secret}"


def test_each_process_has_its_own_broker_and_database_user_with_its_own_database_only(overlay):
    _, docs = overlay
    users = objects(docs, "User")
    permissions = objects(docs, "Permission")
    [mongo] = objects(docs, "MongoDBCommunity").values()
    database_users = {user["name"]: user for user in mongo["spec"]["users"]}
    assert set(users) == set(permissions) == set(database_users) == set(PYTHON_PROCESSES)
    for process in PYTHON_PROCESSES:
        assert users[process]["spec"]["importCredentialsSecret"]["name"] == f"{process}-amqp"
        assert permissions[process]["spec"]["userReference"]["name"] == process
        assert permissions[process]["spec"]["vhost"] == "wijkwijzer"
        user = database_users[process]
        assert user["roles"] == [{"name": "readWrite", "db": process}]
        assert user["connectionStringSecretName"] == f"{process}-mongo"
        assert user["passwordSecretRef"]["name"] == f"{process}-mongo-password"


def image_names():
    result = subprocess.run(["bash", str(ROOT / "deploy" / "images.sh"), "list", "--version", "x"],
                            capture_output=True, text=True, timeout=30, check=True)
    return {line.rsplit(":", 1)[0] for line in result.stdout.split()}


def test_images_are_the_ones_deploy_images_sh_builds_with_one_tag(overlay):
    name, docs = overlay
    ours = image_names()
    used = {container["image"] for d in objects(docs, "Deployment").values()
            for container in [*d["spec"]["template"]["spec"].get("initContainers", []),
                              *d["spec"]["template"]["spec"]["containers"]]
            if container["image"].startswith("wijkwijzer/")}
    assert {image.rsplit(":", 1)[0] for image in used} == ours
    tags = {image.rsplit(":", 1)[1] for image in used}
    assert len(tags) == 1, f"one version of the platform at a time: {tags}"
    if name == "dev":
        assert tags == {"dev"}


def test_the_front_door_runs_the_repositorys_nginx_configuration(overlay):
    _, docs = overlay
    pod = the(docs, "Deployment", "front-door")["spec"]["template"]["spec"]
    [templates] = [v for v in pod["volumes"] if v["name"] == "templates"]
    maps = objects(docs, "ConfigMap")
    sources = [maps[source["configMap"]["name"]]["data"] for source in templates["projected"]["sources"]]
    files = {name: text for data in sources for name, text in data.items()}
    assert files["wijkwijzer.conf.template"] == (ROOT / "deploy" / "nginx" / "wijkwijzer.conf.template").read_text()
    [main] = pod["containers"]
    [settings] = [maps[ref["configMapRef"]["name"]]["data"] for ref in main["envFrom"]]
    for variable in set(re.findall(r"\$\{(WIJKWIJZER_[A-Z_]+)\}", "".join(files.values()))):
        assert settings.get(variable), f"{variable} is not set for the front door"
    assert settings["WIJKWIJZER_GATEWAY"] == "gateway:8000"
    gateway = the(docs, "Service", "gateway")
    assert any(port["port"] == 8000 for port in gateway["spec"]["ports"])


def test_one_site_and_one_issuer_everywhere(overlay):
    _, docs = overlay
    site = the(docs, "Ingress", "front-door")["spec"]["rules"][0]["host"]
    login = the(docs, "Ingress", "keycloak")["spec"]["rules"][0]["host"]
    issuer = f"https://{login}/realms/wijkwijzer"
    assert the(docs, "Keycloak", "keycloak")["spec"]["hostname"]["hostname"] == f"https://{login}"
    maps = {name.rsplit("-", 1)[0]: m["data"] for name, m in objects(docs, "ConfigMap").items()}
    assert maps["gateway-settings"]["JWT_ISSUER"] == issuer
    assert json.loads(maps["front-door-settings"]["WIJKWIJZER_WEB_CONFIG"]) == {
        "api": "/api/v1", "oidc": {"authority": issuer, "client_id": "wijkwijzer-web"}}
    assert maps["front-door-settings"]["WIJKWIJZER_IDP_ORIGIN"] == f"https://{login}"
    assert maps["events-settings"]["WEB_BASE_URL"] == maps["notifications-settings"]["WEB_BASE_URL"] == f"https://{site}"
    [client] = [c for c in the(docs, "KeycloakRealmImport", "wijkwijzer")["spec"]["realm"]["clients"]
                if c["clientId"] == "wijkwijzer-web"]
    assert client["redirectUris"] == [f"https://{site}/*"] and client["webOrigins"] == [f"https://{site}"]
    assert client["attributes"]["post.logout.redirect.uris"] == f"https://{site}/*"
    for ingress in objects(docs, "Ingress").values():
        assert ingress["spec"]["tls"][0]["hosts"] == [ingress["spec"]["rules"][0]["host"]]


def test_production_imports_no_demo_users_and_dev_all_of_them():
    realm = json.loads((ROOT / "deploy" / "keycloak" / "wijkwijzer-realm.json").read_text())
    for name in OVERLAYS:
        RENDERED.setdefault(name, render(name))
    production = the(RENDERED["production"], "KeycloakRealmImport", "wijkwijzer")["spec"]["realm"]
    dev = the(RENDERED["dev"], "KeycloakRealmImport", "wijkwijzer")["spec"]["realm"]
    assert "users" not in production
    assert "wijkwijzer" not in json.dumps(production.get("users", [])) and '"credentials"' not in json.dumps(production)
    assert [u["username"] for u in dev["users"]] == [u["username"] for u in realm["users"]]
    # the rest of the realm is the repository's file
    for key in ("roles", "scopeMappings", "components", "defaultLocale", "accessTokenLifespan"):
        assert production[key] == realm[key] == dev[key]


def test_the_realm_import_is_made_from_the_current_realm_file():
    result = subprocess.run([sys.executable, str(K8S / "realm_import.py"), "--check"], check=False,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"run python deploy/k8s/realm_import.py: {result.stdout}"


REQUIRED_ALERTS = {
    "WijkWijzerServiceNotReady", "WijkWijzerDeadLetters", "WijkWijzerOutboxBacklogGrowing",
    "WijkWijzerRetryBacklogHigh", "WijkWijzerRpcFailureRatio", "WijkWijzerGateway5xxRatio",
    "WijkWijzerLatencyP99High",
}


def test_alerts_cover_the_platforms_failures_and_each_is_documented():
    rule = yaml.safe_load((K8S / "base" / "alerts.yaml").read_text())
    rules = [r for group in rule["spec"]["groups"] for r in group["rules"]]
    names = {r["alert"] for r in rules}
    assert REQUIRED_ALERTS <= names
    docs_text = (ROOT / "docs" / "operations.md").read_text()
    for r in rules:
        assert f"#### {r['alert']}" in docs_text, f"docs/operations.md says nothing about {r['alert']}"
        assert r["annotations"]["runbook"] == f"docs/operations.md#{r['alert'].lower()}"
        assert r["labels"]["severity"] in ("warning", "critical")
        for metric in re.findall(r"\bwijkwijzer_[a-z_]+", r["expr"]):
            base = re.sub(r"_(bucket|total|count|sum)$", "", metric)
            assert f"`{base}" in docs_text, f"{metric} is not among the metrics docs/operations.md documents"
        assert r["expr"].count("(") == r["expr"].count(")")
