from tests.integration.conftest import cluster, infrastructure

__all__ = ["cluster", "infrastructure"]
