# The real PostgreSQL (and RabbitMQ) check, shared with the integration tests.
from tests.integration.conftest import infrastructure  # noqa: F401
