"""Failures the fuzzer finds that are already on issue 14's list of hostile-input bugs being fixed in generator/.

Each entry: a regex on the failure's signature, and the reason. The fast profile passes (xfail) when every
failure it finds is listed here, and fails on any other. Remove an entry when its fix lands.
"""

import re

KNOWN: tuple[tuple[str, str], ...] = ()


def known_reason(signature: str) -> str:
    for pattern, reason in KNOWN:
        if re.search(pattern, signature):
            return reason
    return ""
