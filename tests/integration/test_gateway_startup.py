"""The gateway will not run without a way to check tokens, nor with an identity provider but no\nissuer or audience to check its tokens against."""
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


@pytest.mark.parametrize("missing", ["JWT_ISSUER", "JWT_AUDIENCE"])
def test_with_an_identity_provider_the_gateway_refuses_to_start_without_issuer_and_audience(
        service_config, missing):
    config = {**service_config, "WEB_SERVER_ADDRESS": f"127.0.0.1:{free_port()}",
              "JWT_JWKS_URL": "https://login.wijkwijzer.example/certs",
              "JWT_ISSUER": "https://login.wijkwijzer.example", "JWT_AUDIENCE": "wijkwijzer-api", missing: ""}
    container = ServiceContainer(GatewayService, config)
    with pytest.raises(RuntimeError, match=f"JWT_JWKS_URL is set, so set {missing} too"):
        container.start()
    container.kill()
