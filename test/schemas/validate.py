#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# validate.py SCHEMA DOCUMENT - validate a JSON document against a JSON
# schema (draft 4, as the SARIF 2.1.0 schema is), with format checks (uri,
# uri-reference, date-time where the validator knows them). Prints every
# error with its JSON path and exits 1 when there is one; exits 2 when the
# python3-jsonschema package is missing (Debian: python3-jsonschema).
import json
import sys

try:
    import jsonschema
except ImportError:
    print("python3-jsonschema is not installed", file=sys.stderr)
    sys.exit(2)


def main():
    if len(sys.argv) != 3:
        print("usage: validate.py SCHEMA DOCUMENT", file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    with open(sys.argv[2], encoding="utf-8") as f:
        doc = json.load(f)
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft4Validator)
    cls.check_schema(schema)
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER
                    if hasattr(cls, "FORMAT_CHECKER") else jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    for e in errors:
        path = "".join("[%d]" % p if isinstance(p, int) else ".%s" % p for p in e.absolute_path)
        print("%s: %s" % (path or "(root)", e.message))
    return 1 if errors else 0


sys.exit(main())
