"""Peer rule shapes: the Prometheus rule files Sloth and Pyrra generate, re-expressed in Python so the benchmarks
can load them next to slogen's rules. Each module proves its shape against the peer's own output or test table."""
