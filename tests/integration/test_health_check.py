"""The container health check, `python -m wijkwijzer.ping <service>`, against a real service:
healthy while its database answers, not healthy (exit 1, saying why) while it cannot be reached."""
import socket

import pytest
from nameko.containers import ServiceContainer
from wijkwijzer import ping
from wijkwijzer.mongo import MongoDatabase
from wijkwijzer.ping import Health
from wijkwijzer.rpc import rpc

pytestmark = pytest.mark.integration


class Checked:
    name = "checked_health"
    db = MongoDatabase()
    health = Health("notes")

    @rpc
    def ping(self):
        return self.health.report()


def unreachable_uri() -> str:
    with socket.socket() as closed:   # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        return f"mongodb://127.0.0.1:{closed.getsockname()[1]}/"


@pytest.mark.parametrize("reachable", [True, False])
def test_the_health_check_command_says_whether_the_database_answers(service_config, monkeypatch, capsys,
                                                                    reachable):
    config = service_config if reachable else {**service_config, "MONGODB_URI": unreachable_uri()}
    container = ServiceContainer(Checked, config)
    container.start()
    try:
        monkeypatch.setenv("AMQP_URI", service_config["AMQP_URI"])
        exit_code = ping.main(["checked_health"])
    finally:
        container.stop()
    out, err = capsys.readouterr()
    if reachable:
        assert exit_code == 0 and "'status': 'ok'" in out
    else:
        assert exit_code == 1
        assert "checked_health: not healthy: database unreachable: no server answered within 1s" in err
