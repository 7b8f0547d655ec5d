#!/usr/bin/env python3
"""The JSON Schemas of docs/schema/ against the files berkeley_mpi writes (jsonschema, Draft 2020-12):

  check_schemas.py [--exe build/berkeley_mpi --mpiexec mpiexec [--numproc-flag -n] [--preflags -q]]

  - both schemas are valid Draft 2020-12 schemas;
  - they accept the samples (tests/trace/samples: berkeley_mpi collective, drift, tree, with TCP clients, and
    berkeley_master), every ```json example of docs/report-format.md, and, with --exe, the report and the
    offsets file of a fresh 2-rank run with drift correction;
  - those files hold no field the schema does not declare, and docs/report-format.md names every field the
    schemas declare (so the schema and the documentation stay complete);
  - they reject broken files: a field missing, a wrong type, another format string, a negative uncertainty,
    no participants; and accept a field added within the version (at the top and in a row).

jsonschema is Debian's python3-jsonschema: the check runs itself under /usr/bin/python3 where that can import it,
else under this interpreter; where neither can, it is skipped (exit 77, with the reason).
"""
import argparse
import copy
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(HERE, "..", "support"))
from script_checks import fail, launch  # noqa: E402

SYSTEM_PYTHON = "/usr/bin/python3"
REEXEC_MARK = "BERKELEY_SCHEMA_CHECK_REEXEC"
SKIP = 77
SCHEMAS = {"berkeley_mpi/1": "report.schema.json", "berkeley_mpi-offsets/1": "offsets.schema.json"}
DOC = os.path.join(ROOT, "docs", "report-format.md")


def import_jsonschema():
    """jsonschema from Debian's /usr/bin/python3 (this script runs itself again there when it is another
    interpreter that python3-jsonschema is installed for), else from this interpreter; else the check is
    skipped."""
    here = os.path.realpath(sys.executable)
    if here != os.path.realpath(SYSTEM_PYTHON) and os.path.exists(SYSTEM_PYTHON) and not os.environ.get(REEXEC_MARK):
        probe = subprocess.run([SYSTEM_PYTHON, "-c", "import jsonschema"], capture_output=True)
        if probe.returncode == 0:
            print(f"running under {SYSTEM_PYTHON}, which has python3-jsonschema", flush=True)
            os.environ[REEXEC_MARK] = "1"
            os.execv(SYSTEM_PYTHON, [SYSTEM_PYTHON, os.path.abspath(__file__), *sys.argv[1:]])
    try:
        import jsonschema  # noqa: F401
        return jsonschema
    except ImportError as error:
        print(f"SKIP: jsonschema cannot be imported by {sys.executable} ({error}) nor by {SYSTEM_PYTHON} "
              f"(apt-get install python3-jsonschema)")
        sys.exit(SKIP)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def doc_examples():
    """Every ```json block of docs/report-format.md, as (label, document)."""
    with open(DOC, encoding="utf-8") as f:
        text = f.read()
    examples = []
    for n, block in enumerate(re.findall(r"^```json\n(.*?)^```", text, flags=re.S | re.M), start=1):
        try:
            examples.append((f"{os.path.basename(DOC)} json example {n}", json.loads(block)))
        except json.JSONDecodeError as error:
            fail(f"{os.path.basename(DOC)} json example {n} is not JSON: {error}")
    if len(examples) < 2:
        fail(f"{os.path.basename(DOC)}: expected an example of each format, found {len(examples)} json blocks")
    return examples, text


def fresh_run(opts, tmp):
    """A 2-rank berkeley_mpi run with drift correction: its report and (if it has --offsets) offsets file."""
    report, offsets = os.path.join(tmp, "run.report.json"), os.path.join(tmp, "run.offsets.json")
    command = opts.mpiexec + [opts.numproc_flag, "2"] + opts.preflags + [opts.exe]
    has_offsets = "--offsets" in launch(command + ["--help"], 60).stdout
    args = ["--quiet", "--seed", "3", "--drift-ppm", "20", "--rounds", "3", "--interval", "50ms", "--json", report]
    if has_offsets:
        args += ["--offsets", offsets]
    done = launch(command + args, 90)
    if done.returncode != 0:
        fail(f"berkeley_mpi: exit code {done.returncode}")
    found = [("fresh run report", load(report))]
    if has_offsets:
        found.append(("fresh run offsets file", load(offsets)))
    else:
        print(f"note: {opts.exe} has no --offsets: only its report is checked")
    return found


class Checker:
    def __init__(self, jsonschema):
        self.schemas = {}
        self.validators = {}
        for fmt, name in SCHEMAS.items():
            path = os.path.join(ROOT, "docs", "schema", name)
            schema = load(path)
            try:
                jsonschema.Draft202012Validator.check_schema(schema)
            except jsonschema.exceptions.SchemaError as error:
                fail(f"{name} is not a valid Draft 2020-12 schema: {error.message}")
            self.schemas[fmt] = schema
            self.validators[fmt] = jsonschema.Draft202012Validator(schema)

    def errors(self, fmt, document):
        return [f"{'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}"
                for e in self.validators[fmt].iter_errors(document)]

    def resolve(self, fmt, node):
        while "$ref" in node:
            node = self.schemas[fmt]["$defs"][node["$ref"].rsplit("/", 1)[1]]
        if "anyOf" in node:  # the branch that describes a structure, if any
            for branch in node["anyOf"]:
                branch = self.resolve(fmt, branch)
                if "properties" in branch or "items" in branch:
                    return branch
        return node

    def undeclared(self, fmt, document, node=None, path="(top)"):
        """Fields of `document` the schema does not declare."""
        node = self.resolve(fmt, self.schemas[fmt] if node is None else node)
        found = []
        if isinstance(document, dict) and "properties" in node:
            for key, value in document.items():
                if key not in node["properties"]:
                    found.append(f"{path}/{key}")
                else:
                    found += self.undeclared(fmt, value, node["properties"][key], f"{path}/{key}")
        elif isinstance(document, list) and "items" in node:
            for i, item in enumerate(document):
                found += self.undeclared(fmt, item, node["items"], f"{path}/{i}")
        return found

    def declared_names(self, fmt, node=None, names=None):
        """Every field name the schema declares, at any depth."""
        node = self.resolve(fmt, self.schemas[fmt] if node is None else node)
        names = set() if names is None else names
        for key, sub in node.get("properties", {}).items():
            names.add(key)
            self.declared_names(fmt, sub, names)
        if "items" in node:
            self.declared_names(fmt, node["items"], names)
        return names


def mutations(fmt):
    """(what, change) pairs that break a valid document of `fmt`; each change edits a copy in place."""
    if fmt == "berkeley_mpi/1":
        def row(d):
            return d["ranks"][0]
        return [
            ("no ranks", lambda d: d.pop("ranks")),
            ("no parameters.seed", lambda d: d["parameters"].pop("seed")),
            ("spread_before_ns a string", lambda d: d.__setitem__("spread_before_ns", "12")),
            ("spread_after_bound_ns not an integer", lambda d: d.__setitem__("spread_after_bound_ns", 1.5)),
            ("format berkeley_mpi/2", lambda d: d.__setitem__("format", "berkeley_mpi/2")),
            ("no format", lambda d: d.pop("format")),
            ("a rank without clock_before_ns", lambda d: row(d).pop("clock_before_ns")),
            ("bound_held a string", lambda d: row(d).__setitem__("bound_held", "yes")),
            ("truth_measured null", lambda d: d.__setitem__("truth_measured", None)),
            ("a negative seed", lambda d: d["parameters"].__setitem__("seed", -1)),
            ("later_ns holding a string", lambda d: d.__setitem__("later_ns", ["1s"])),
        ]
    def first(d):
        return d["participants"][0]
    return [
        ("a participant without offset_ns", lambda d: first(d).pop("offset_ns")),
        ("a participant without rate_uncertainty_ppm", lambda d: first(d).pop("rate_uncertainty_ppm")),
        ("rate_ppm a string", lambda d: first(d).__setitem__("rate_ppm", "x")),
        ("rate_ppm null", lambda d: first(d).__setitem__("rate_ppm", None)),
        ("offset_ns not an integer", lambda d: first(d).__setitem__("offset_ns", 12.5)),
        ("format berkeley_mpi-offsets/2", lambda d: d.__setitem__("format", "berkeley_mpi-offsets/2")),
        ("format of a report", lambda d: d.__setitem__("format", "berkeley_mpi/1")),
        ("a negative offset uncertainty", lambda d: first(d).__setitem__("offset_uncertainty_ns", -5)),
        ("a negative rate uncertainty", lambda d: first(d).__setitem__("rate_uncertainty_ppm", -1.0)),
        ("no participants", lambda d: d.__setitem__("participants", [])),
        ("no reference_global_ns", lambda d: d.pop("reference_global_ns")),
    ]


def additions(fmt):
    """Fields added within the version: a valid document stays valid."""
    rows = "ranks" if fmt == "berkeley_mpi/1" else "participants"
    return [("a new top-level field", lambda d: d.__setitem__("added_in_1_x", {"any": [1, "thing"]})),
            (f"a new field in {rows}", lambda d: d[rows][0].__setitem__("added_in_1_x", None))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--exe", help="berkeley_mpi: also check the files of a fresh run")
    parser.add_argument("--mpiexec", default="mpiexec")
    parser.add_argument("--numproc-flag", default="-np")
    parser.add_argument("--preflags", default="", help="mpiexec flags before the program, comma-separated")
    opts = parser.parse_args()
    opts.mpiexec = [opts.mpiexec]
    opts.preflags = [part for part in opts.preflags.split(",") if part]
    jsonschema = import_jsonschema()
    checker = Checker(jsonschema)

    samples = sorted(glob.glob(os.path.join(HERE, "samples", "*.json")))
    documents = [(os.path.relpath(path, ROOT), load(path)) for path in samples]
    examples, doc_text = doc_examples()
    documents += examples
    if opts.exe:
        with tempfile.TemporaryDirectory() as tmp:
            documents += fresh_run(opts, tmp)
    problems = []
    counts = {fmt: 0 for fmt in SCHEMAS}
    for label, document in documents:
        fmt = document.get("format") if isinstance(document, dict) else None
        if fmt not in SCHEMAS:
            problems.append(f"{label}: format {fmt!r} is neither of {list(SCHEMAS)}")
            continue
        counts[fmt] += 1
        problems += [f"{label}: {e}" for e in checker.errors(fmt, document)]
        problems += [f"{label}: {path} is not in {SCHEMAS[fmt]} (declare and document it)"
                     for path in checker.undeclared(fmt, document)]
    if any(n == 0 for n in counts.values()):
        problems.append(f"documents per format {counts}: each format needs at least one")
    for fmt, name in SCHEMAS.items():
        missing = sorted(n for n in checker.declared_names(fmt) if f"`{n}`" not in doc_text)
        if missing:
            problems.append(f"{os.path.basename(DOC)} does not name these fields of {name}: {', '.join(missing)}")
    if problems:
        fail(f"{len(problems)} problem(s):\n  " + "\n  ".join(problems))
    print(f"valid: {counts['berkeley_mpi/1']} reports, {counts['berkeley_mpi-offsets/1']} offsets files "
          f"({', '.join(label for label, _ in documents)})")

    # the schemas must be able to say no (and yes to a field added within the version)
    for fmt in SCHEMAS:
        base = next(d for _, d in documents if d.get("format") == fmt)
        for what, change in mutations(fmt):
            broken = copy.deepcopy(base)
            change(broken)
            if not checker.errors(fmt, broken):
                problems.append(f"{SCHEMAS[fmt]} accepts a file with {what}")
        for what, change in additions(fmt):
            grown = copy.deepcopy(base)
            change(grown)
            if checker.errors(fmt, grown):
                problems.append(f"{SCHEMAS[fmt]} refuses {what}: {checker.errors(fmt, grown)[:2]}")
    if problems:
        fail("; ".join(problems))
    print(f"rejected: {len(mutations('berkeley_mpi/1'))} broken reports, {len(mutations('berkeley_mpi-offsets/1'))} "
          f"broken offsets files; accepted fields added within the version")
    print("PASS")


if __name__ == "__main__":
    main()
