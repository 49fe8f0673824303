"""The composition root: wires the runtime and the four services into processes."""
