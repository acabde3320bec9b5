"""The spec's JSON Schema, shipped as package data: validate.py checks specs against it, `slogen schema` prints it
and `slogen init` puts a copy beside the specs for editors."""

SCHEMA_FILE = "slogen-v1.schema.json"
