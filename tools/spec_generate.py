#!/usr/bin/env python3
"""Writes src/spec/data/spec.jsonl from AWS's published resource specification.

Usage: spec_generate.py DB_JSON_GZ SERVICE_SPEC_VERSION CFNLINT_DIR OUTPUT

DB_JSON_GZ is db.json.gz of the npm package @aws-cdk/aws-service-spec: resource types,
properties, nested property types, required flags, GetAtt attributes and documentation.
CFNLINT_DIR is an unpacked cfn-lint (PyPI, MIT-0) package folder: its bundled CloudFormation
registry schemas (data/schemas/resources, us-east-1) add the constraints that the first source
lacks (enum, pattern, minimum/maximum, minLength/maxLength, minItems/maxItems), matched by
resource type and property path, and GetAtt attributes the first lacks (readOnlyProperties, and
cfn-lint's record of the writable properties CloudFormation's GetAtt also reads).

The output, read lazily by src/spec/spec.cpp:
  line 1:    {"source": "...", "types": N}
  N lines:   <type name> TAB <offset> TAB <length>    (sorted by name; offsets after "%%\\n")
  "%%"
  N blocks:  one line of JSON per resource type, in the index's order:
    {"d": doc, "s": 1 for SAM, "p": [props], "a": [[attribute, type]], "t": [[name, doc, [props]]]}
    prop:  [name, type, required 0/1, doc]
    type:  "s" string, "i" integer, "n" number, "b" boolean, "j" json, "d" date-time, "t" tag,
           "*" anything; or an object {"k": one of those letters, or "a" list, "m" map,
           "r" the block's property type number "r", "u" union of "u"; "e": element type;
           constraints "enum", "pat", "min", "max", "minl", "maxl", "mini", "maxi"}
"""
import gzip
import json
import os
import re
import sys

# Documentation is kept for hover and messages, not as a manual: the first paragraph, with
# Markdown links reduced to their text, up to about DOC_LIMIT characters (at a sentence's end).
DOC_LIMIT = 300


def short(doc):
    doc = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", doc or "").split("\n\n")[0].strip()
    if len(doc) > DOC_LIMIT:
        cut = doc.rfind(". ", 0, DOC_LIMIT)
        doc = doc[: cut + 1] if cut > 80 else doc[:DOC_LIMIT].rstrip() + "..."
    return doc


SIMPLE = {"string": "s", "integer": "i", "number": "n", "boolean": "b", "json": "j",
          "date-time": "d", "tag": "t"}


def registry_schemas(cfnlint_dir):
    """Type name -> registry schema (us-east-1), as cfn-lint bundles them."""
    providers = os.path.join(cfnlint_dir, "data", "schemas", "providers", "us_east_1.py")
    with open(providers) as f:
        names = dict(re.findall(r'"([A-Za-z0-9:]+)": "([0-9a-f]+)"', f.read()))
    schemas = {}
    for name, digest in names.items():
        path = os.path.join(cfnlint_dir, "data", "schemas", "resources", digest + ".json")
        if os.path.exists(path):
            with open(path) as f:
                schemas[name] = json.load(f)
    return schemas


class Registry:
    """Follows one registry schema alongside the specification's structure."""

    def __init__(self, schema):
        self.schema = schema

    def resolve(self, node, depth=0):
        while isinstance(node, dict) and "$ref" in node and depth < 20:
            ref = node["$ref"]
            if not ref.startswith("#/"):
                return None
            target = self.schema
            for part in ref[2:].split("/"):
                target = target.get(part) if isinstance(target, dict) else None
                if target is None:
                    return None
            node = target
            depth += 1
        return node if isinstance(node, dict) else None

    def child(self, node, name):
        node = self.resolve(node)
        if node is None:
            return None
        props = node.get("properties")
        if isinstance(props, dict) and name in props:
            return props[name]
        return None

    def items(self, node):
        node = self.resolve(node)
        return node.get("items") if node is not None else None

    def values(self, node):
        node = self.resolve(node)
        if node is None:
            return None
        pattern = node.get("patternProperties")
        if isinstance(pattern, dict) and len(pattern) == 1:
            return next(iter(pattern.values()))
        extra = node.get("additionalProperties")
        return extra if isinstance(extra, dict) else None


def getatt_facts(cfnlint_dir):
    """cfn-lint's record of CloudFormation's legacy Fn::GetAtt on writable properties: the types
    whose every property GetAtt reads, and per type the few properties it reads."""
    import ast

    path = os.path.join(cfnlint_dir, "schema", "_getatts.py")
    every, some = [], {}
    if not os.path.exists(path):
        return every, some
    with open(path) as f:
        tree = ast.parse(f.read())
    for node in tree.body:
        target = getattr(node, "target", None) or (node.targets[0] if getattr(node, "targets", None) else None)
        name = getattr(target, "id", "")
        if name == "_all_property_types":
            every = ast.literal_eval(node.value)
        elif name == "_exceptions":
            some = ast.literal_eval(node.value)
    return every, some


def leaf_paths(registry, node, prefix, depth=0):
    """Dotted paths of a registry property's scalar leaves (and lists of scalars)."""
    node = registry.resolve(node)
    if node is None or depth > 8:
        return [prefix]
    types = node.get("type")
    types = types if isinstance(types, list) else [types]
    if "object" in types and isinstance(node.get("properties"), dict):
        out = []
        for name, sub in node["properties"].items():
            out += leaf_paths(registry, sub, prefix + "." + name, depth + 1)
        return out
    if "array" in types:
        items = registry.resolve(node.get("items")) or {}
        item_types = items.get("type")
        if item_types in ("object", "array"):
            return []
    return [prefix]


def registry_attributes(name, schema, every, some):
    """Attribute names the registry schema gives: readOnlyProperties, and the legacy ones."""
    if schema is None:
        return []
    registry = Registry(schema)
    out = ["/".join(p.split("/")[2:]).replace("/", ".") for p in schema.get("readOnlyProperties", [])
           if p.startswith("/properties/")]
    out += some.get(name, [])
    if name in every:
        for prop, sub in schema.get("properties", {}).items():
            out += leaf_paths(registry, sub, prop)
    return out


def constraints(registry, node, kind):
    """The registry's constraints on a value of this kind, as the type object's keys."""
    node = registry.resolve(node) if registry else None
    if node is None:
        return {}
    out = {}
    if kind in ("s", "i", "n") and isinstance(node.get("enum"), list):
        values = []
        for v in node["enum"]:
            if isinstance(v, bool):
                values.append("true" if v else "false")
            elif isinstance(v, (str, int, float)):
                values.append(str(v))
        if values:
            out["enum"] = values
    if kind == "s":
        if isinstance(node.get("pattern"), str):
            out["pat"] = node["pattern"]
        for key, short in (("minLength", "minl"), ("maxLength", "maxl")):
            if isinstance(node.get(key), int):
                out[short] = node[key]
    if kind in ("i", "n"):
        for key, short in (("minimum", "min"), ("maximum", "max")):
            v = node.get(key)
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                out[short] = v
    if kind == "a":
        for key, short in (("minItems", "mini"), ("maxItems", "maxi")):
            if isinstance(node.get(key), int):
                out[short] = node[key]
    return out


class Block:
    """One resource type's output: its property types numbered in order of first use."""

    def __init__(self, db_types, registry):
        self.db_types = db_types
        self.registry = registry
        self.numbers = {}
        self.types = []

    def type_of(self, t, reg):
        kind = t.get("type")
        if kind in SIMPLE:
            code = SIMPLE[kind]
            extra = constraints(self.registry, reg, code)
            return {"k": code, **extra} if extra else code
        if kind == "array":
            out = {"k": "a", "e": self.type_of(t["element"], self.registry.items(reg) if self.registry else None)}
            out.update(constraints(self.registry, reg, "a"))
            return out
        if kind == "map":
            return {"k": "m", "e": self.type_of(t["element"], self.registry.values(reg) if self.registry else None)}
        if kind == "ref":
            ref = t["reference"]["$ref"]
            if ref not in self.numbers:
                self.numbers[ref] = len(self.types)
                self.types.append(None)
                td = self.db_types[ref]
                self.types[self.numbers[ref]] = [td["name"], short(td.get("documentation")),
                                                 self.properties(td.get("properties", {}), reg)]
            return {"k": "r", "r": self.numbers[ref]}
        if kind == "union":
            return {"k": "u", "u": [self.type_of(u, None) for u in t["types"]]}
        return "*"

    def properties(self, props, reg):
        out = []
        for name in sorted(props):
            p = props[name]
            sub = self.registry.child(reg, name) if self.registry else None
            t = self.type_of(p["type"], sub)
            previous = p.get("previousTypes") or []
            if previous:
                # Templates written for an earlier type still deploy: accept every one.
                t = {"k": "u", "u": [t] + [self.type_of(x, None) for x in previous]}
            out.append([name, t, 1 if p.get("required") else 0, short(p.get("documentation"))])
        return out


def main():
    db_path, version, cfnlint_dir, output = sys.argv[1:5]
    with gzip.open(db_path) as f:
        db = json.load(f)["schema"]
    db_types = {t["$id"]: t for t in db["typeDefinition"]["entities"]}
    schemas = registry_schemas(cfnlint_dir)
    every, some = getatt_facts(cfnlint_dir)
    cfnlint_version = "?"
    with open(os.path.join(cfnlint_dir, "version.py")) as f:
        m = re.search(r'__version__ = "([^"]+)"', f.read())
        if m:
            cfnlint_version = m.group(1)

    blocks = {}
    for r in db["resource"]["entities"]:
        name = r["cloudFormationType"]
        schema = schemas.get(name)
        registry = Registry(schema) if schema else None
        block = Block(db_types, registry)
        out = {"d": short(r.get("documentation"))}
        if r.get("cloudFormationTransform"):
            out["s"] = 1
        out["p"] = block.properties(r.get("properties", {}), schema)
        attributes = {a: block.type_of(r["attributes"][a]["type"], None) for a in r.get("attributes", {})}
        for a in registry_attributes(name, schema, every, some):
            attributes.setdefault(a, "*")
        out["a"] = [[a, attributes[a]] for a in sorted(attributes)]
        out["t"] = block.types
        blocks[name] = json.dumps(out, separators=(",", ":"), ensure_ascii=False)

    names = sorted(blocks)
    source = (f"@aws-cdk/aws-service-spec {version} (Apache-2.0); CloudFormation registry "
              f"schemas of cfn-lint {cfnlint_version} (MIT-0, us-east-1)")
    lines = [json.dumps({"source": source, "types": len(names)})]
    offset = 0
    body = []
    for name in names:
        data = blocks[name].encode() + b"\n"
        lines.append(f"{name}\t{offset}\t{len(data) - 1}")
        body.append(data)
        offset += len(data)
    lines.append("%%")
    with open(output, "wb") as f:
        f.write(("\n".join(lines) + "\n").encode())
        f.write(b"".join(body))


if __name__ == "__main__":
    main()
