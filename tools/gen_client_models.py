"""Write `omni/client/models.py`: the client's typed models, generated from the API's own OpenAPI document.

python tools/gen_client_models.py           # rewrite the file
python tools/gen_client_models.py --check   # exit 1 when the file is stale (tests/unit/test_generated.py runs it)
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "omni" / "client" / "models.py"
HEADER = '"""Typed models of the API\'s JSON, generated from its OpenAPI document by `tools/gen_client_models.py`.\n\n' \
         'Do not edit: change the API\'s models and run the generator. Fields are snake_case in Python and camelCase on\n' \
         'the wire (`model.model_dump(by_alias=True)`); unknown fields from a newer server are kept."""\n\n'  # fmt: skip
OPTIONS = ["--input-file-type", "openapi", "--output-model-type", "pydantic_v2.BaseModel", "--snake-case-field",
           "--target-python-version", "3.11", "--use-standard-collections", "--use-union-operator",
           "--disable-timestamp", "--extra-fields", "allow", "--collapse-root-models", "--allow-population-by-field-name",
           "--use-annotated", "--strict-nullable", "--formatters", "ruff-format", "--custom-file-header", "# generated"]  # fmt: skip


def document() -> dict:
    from omni.api.openapi import document as build
    from omni.api.routes import blueprints

    blueprints()  # importing the route modules fills the endpoint registry
    return build()


def render() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        spec, out = Path(tmp) / "openapi.json", Path(tmp) / "models.py"
        spec.write_text(json.dumps(document()))
        codegen = Path(sys.executable).with_name("datamodel-codegen")
        subprocess.run([str(codegen), "--input", str(spec), "--output", str(out), *OPTIONS], check=True,
                       capture_output=True)  # fmt: skip
        body = out.read_text().removeprefix("# generated\n").lstrip("\n")
    # validators are built when a model is first used, not at import: `omni --help` stays fast (~0.4 s less)
    body = body.replace(
        'model_config = ConfigDict(\n        extra="allow",',
        'model_config = ConfigDict(\n        defer_build=True,\n        extra="allow",',
    )
    return HEADER + body


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        if not TARGET.exists() or TARGET.read_text() != text:
            print(f"{TARGET.relative_to(ROOT)} is stale: run `python tools/gen_client_models.py`", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text)
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
