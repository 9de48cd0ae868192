import uuid

import pytest


@pytest.fixture
def service_config(infra):
    """nameko config for one test: real broker, a database of its own."""
    return {
        "AMQP_URI": infra["AMQP_URI"],
        "MONGODB_URI": infra["MONGODB_URI"],
        "MONGODB_DATABASE": f"test_{uuid.uuid4().hex[:10]}",
    }
