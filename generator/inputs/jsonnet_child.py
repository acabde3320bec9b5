"""Evaluate one Jsonnet file under a memory limit: the child process of jsonnet_spec.

Run by path with `python -I`, so it imports nothing from slogen. Arguments: the spec, the specs root,
the address-space limit in bytes and the largest output in bytes. Exit status: 0 with the JSON on
stdout, or one of the codes below with the reason on stderr."""

import resource
import sys
from pathlib import Path

JSONNET_ERROR = 3
OUT_OF_MEMORY = 4
OUTPUT_TOO_LARGE = 5


def main(argv: list[str]) -> int:
    path, root, memory, largest = argv[1], Path(argv[2]), int(argv[3]), int(argv[4])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    import _jsonnet

    real_root = root.resolve()

    def confined_import(base: str, rel: str) -> tuple[str, bytes]:
        target = Path(base, rel).resolve()
        if not target.is_relative_to(real_root):
            raise RuntimeError(f"import {rel!r} reaches outside the specs directory {root}; keep libraries inside it")
        return str(target), target.read_bytes()

    try:
        output: str = _jsonnet.evaluate_file(path, import_callback=confined_import)
        encoded = output.encode("utf-8")
    except MemoryError:
        return OUT_OF_MEMORY
    except RuntimeError as err:
        sys.stderr.buffer.write(str(err).encode("utf-8"))
        return OUT_OF_MEMORY if "bad_alloc" in str(err) else JSONNET_ERROR
    if len(encoded) > largest:
        sys.stderr.buffer.write(str(len(encoded)).encode())
        return OUTPUT_TOO_LARGE
    sys.stdout.buffer.write(encoded)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
