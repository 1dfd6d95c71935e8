#!/usr/bin/env python3
"""Validates docs/openapi.yaml and checks a running Pantau's API answers against it.

usage: openapi-check.py BASE_URL NOC_TOKEN OPD_TOKEN
  BASE_URL   e.g. http://127.0.0.1:8080 (loopback only)
  NOC_TOKEN  an API token of a noc (or admin) user
  OPD_TOKEN  an API token of an opd user (for the 403 answers)
Every documented GET is called; each answer's status must be documented for that operation
and its JSON must validate against the documented schema (JSON Schema 2020-12, as OpenAPI
3.1 uses). Prints one line per check and exits 1 on the first problem.
"""
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource

spec_path = Path(__file__).resolve().parent.parent / "docs" / "openapi.yaml"
spec = yaml.safe_load(spec_path.read_text())
validate(spec)
print(f"ok   {spec_path.name} is a valid OpenAPI {spec['openapi']} document")

base, noc, opd = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
assert base.startswith("http://127.") or base.startswith("https://127."), "loopback only"
registry = Registry().with_resource("urn:pantau", Resource.from_contents(spec, default_specification=__import__("referencing").jsonschema.DRAFT202012))


def call(method, path, token=None, body=None):
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode())
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


def resolve(obj):
    while isinstance(obj, dict) and "$ref" in obj:
        node = spec
        for part in obj["$ref"].lstrip("#/").split("/"):
            node = node[part]
        obj = node
    return obj


def check(method, template, path, token, want=None, body=None):
    op = spec["paths"][template][method.lower()]
    status, ctype, data = call(method, path, token, body)
    if want is not None and status != want:
        sys.exit(f"FAIL {method} {path}: status {status}, expected {want}: {data[:300]!r}")
    documented = op["responses"].get(str(status))
    if documented is None:
        sys.exit(f"FAIL {method} {path}: status {status} is not documented for {template}")
    content = resolve(documented).get("content", {})
    if "application/json" in content:
        if not ctype.startswith("application/json"):
            sys.exit(f"FAIL {method} {path}: {status} answered {ctype}, documented application/json")
        schema = {"$ref": "urn:pantau#" + content["application/json"]["schema"]["$ref"][1:]} \
            if "$ref" in content["application/json"]["schema"] else dict(content["application/json"]["schema"])
        if "$ref" not in schema:
            schema = json.loads(json.dumps(schema).replace('"#/components', '"urn:pantau#/components'))
        errors = sorted(Draft202012Validator(schema, registry=registry).iter_errors(json.loads(data)), key=lambda e: e.path)
        if errors:
            e = errors[0]
            sys.exit(f"FAIL {method} {path}: {status} does not match the schema at {list(e.path)}: {e.message}")
    print(f"ok   {method} {path} -> {status}")
    return json.loads(data) if data and ctype.startswith("application/json") else None


sites = check("GET", "/api/v1/sites", "/api/v1/sites", noc, 200)
tickets = check("GET", "/api/v1/tickets", "/api/v1/tickets", noc, 200)
check("GET", "/api/v1/me", "/api/v1/me", noc, 200)
check("GET", "/api/v1/status", "/api/v1/status", noc, 200)
check("GET", "/api/v1/availability", "/api/v1/availability", noc, 200)
check("GET", "/api/v1/availability", "/api/v1/availability?month=2026-13", noc, 400)
check("GET", "/api/v1/sites/{id}", f"/api/v1/sites/{sites[0]['id']}", noc, 200)
check("GET", "/api/v1/sites/{id}", "/api/v1/sites/no-such-site", noc, 404)
check("GET", "/api/v1/tickets/{number}", "/api/v1/tickets/GGN-2099-01-0001", noc, 404)
for t in tickets:
    check("GET", "/api/v1/tickets/{number}", f"/api/v1/tickets/{t['number']}", noc, 200)
mine = set(check("GET", "/api/v1/me", "/api/v1/me", opd, 200)["sites"])
for t in tickets:
    if not mine & set(t["affected_sites"] + [t["root"]]):
        check("GET", "/api/v1/tickets/{number}", f"/api/v1/tickets/{t['number']}", opd, 404)  # like a ticket that does not exist
        break
check("GET", "/api/v1/status", "/api/v1/status", None, 401)
check("GET", "/metrics", "/metrics", opd, 403)
closed = [t for t in tickets if t["state"] == "closed"]
if closed:
    check("POST", "/api/v1/tickets/{number}/ack", f"/api/v1/tickets/{closed[0]['number']}/ack", noc, 409)
# The helpdesk: an opd user reports for its own site (opened or joined), not for another.
own = sorted(mine)[0]
first = check("POST", "/api/v1/reports", "/api/v1/reports", opd, None, {"site": own, "text": "internet mati (openapi check)"})
assert first["ticket"]["kind"] in ("reported", "outage", "notice"), first
again = check("POST", "/api/v1/reports", "/api/v1/reports", opd, 200, {"site": own, "text": "masih mati", "contact": "whatsapp:+6281200000999"})
assert again["attached"] and again["ticket"]["number"] == first["ticket"]["number"], again
other = next(s["id"] for s in sites if s["id"] not in mine and s["role"] == "opd")
check("POST", "/api/v1/reports", "/api/v1/reports", opd, 403, {"site": other, "text": "x"})
check("POST", "/api/v1/reports", "/api/v1/reports", noc, 400, {"site": other, "text": "x", "contact": "0812"})
check("POST", "/api/v1/reports", "/api/v1/reports", None, 401, {"site": other, "text": "x"})
print("openapi-check: all answers match docs/openapi.yaml")
