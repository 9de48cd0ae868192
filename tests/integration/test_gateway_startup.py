"""The gateway will not run without a way to check tokens."""
import pytest
from gateway.service import GatewayService
from nameko.containers import ServiceContainer

from tests.platform import free_port

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("secret", [None, ""])
def test_the_gateway_refuses_to_start_without_a_jwt_secret(service_config, secret):
    config = {**service_config, "WEB_SERVER_ADDRESS": f"127.0.0.1:{free_port()}", "JWT_SECRET": secret}
    container = ServiceContainer(GatewayService, config)
    with pytest.raises(RuntimeError, match="JWT_SECRET"):
        container.start()
    container.kill()
