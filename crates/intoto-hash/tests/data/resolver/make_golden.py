"""Golden digests of the reference's ITE-4 resolvers for tests/resolver.rs.

Run from the repository root with the reference's Python (in-toto 3.1.0):
    .venv/bin/python crates/intoto-hash/tests/data/resolver/make_golden.py

Each case records artifact URIs with `in_toto.runlib.record_artifacts_as_dict` (what
`in-toto-run -m/-p` does) from inside crates/intoto-hash/tests/data/resolver/, with the
options given, and writes the result to golden.json.
"""
import json
import os
import sys

from in_toto.runlib import record_artifacts_as_dict

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = [
    {"name": "dir with default excludes", "uris": ["dir:tree"], "options": {}},
    {"name": "dir of a subdirectory, trailing slash kept in the name", "uris": ["dir:tree/src/"], "options": {}},
    {"name": "dir with own excludes (defaults replaced)", "uris": ["dir:tree"],
     "options": {"exclude_patterns": ["src/nested"]}},
    {"name": "dir with normalized line endings", "uris": ["dir:tree/src"],
     "options": {"normalize_line_endings": True}},
    {"name": "dir left-stripped", "uris": ["dir:tree/src", "dir:tree/B"],
     "options": {"lstrip_paths": ["tree/"]}},
    {"name": "dir next to files and file: URIs", "uris": ["dir:tree/B", "tree/a-b", "file:tree/B/file"],
     "options": {}},
    # The reference's own fixtures (tests/resolver/ in the in-toto 3.1.0 sdist); its tests
    # expect ecdbcdc6..., c272da52... and cf3e103a....
    {"name": "reference fixture dir_resolver", "uris": ["dir:reference/dir_resolver"],
     "options": {"normalize_line_endings": True}},
    {"name": "reference fixture dir_resolver without README.md", "uris": ["dir:reference/dir_resolver"],
     "options": {"exclude_patterns": ["README.md"]}},
    {"name": "reference fixture ostree_repo", "uris": ["ostree:test-branch"],
     "options": {"base_path": "reference/ostree_repo"}},
    {"name": "ostree branch with base path", "uris": ["ostree:test-branch"],
     "options": {"base_path": "ostree_repo"}},
    {"name": "ostree nested branch, ref without newline", "uris": ["ostree:release/v1"],
     "options": {"base_path": "ostree_repo"}},
]

os.chdir(HERE)
out = []
for case in CASES:
    result = record_artifacts_as_dict(case["uris"], **case["options"])
    out.append(case | {"artifacts": result})
json.dump(out, open("golden.json", "w"), indent=1, sort_keys=True, ensure_ascii=False)
print("wrote", os.path.join(HERE, "golden.json"), file=sys.stderr)
