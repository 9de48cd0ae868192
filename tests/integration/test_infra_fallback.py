"""infra.md step 5: when FerretDB cannot be built, deploy/infra.sh falls back to
mongo-java-server (H2 backend). WIJKWIJZER_MONGO_SERVER=mongo-java-server forces that
path, so it is exercised here on a free port and a private state dir, next to the
shared broker and FerretDB, which `down` must leave running."""

import pathlib
import socket
import uuid

import kombu
import pymongo
import pytest

from tests.support import MongoServer

pytestmark = pytest.mark.integration


def _port_open(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


# The first run may fetch the jars with Maven; once cached, up + test + down take a few seconds.
@pytest.mark.timeout(300)
def test_forced_mongo_java_server_serves_unique_indexes_and_down_spares_shared_servers(infra, tmp_path):
    server = MongoServer(tmp_path, infra["AMQP_URI"], "mongo-java-server")
    port, uri = server.port, server.uri
    try:
        up = server.up()
        assert "mongo-java-server (H2 backend), forced by WIJKWIJZER_MONGO_SERVER" in up.stderr
        assert f"MongoDB:  {uri}" in up.stdout
        pid = int((tmp_path / "mongo-java-server.pid").read_text())
        assert "mongo-java-server" in pathlib.Path(f"/proc/{pid}/cmdline").read_text()

        client = pymongo.MongoClient(uri, serverSelectionTimeoutMS=5000)
        try:
            items = client[f"test_{uuid.uuid4().hex[:8]}"].items
            items.create_index("key", unique=True)
            items.insert_one({"key": "a", "n": 1})
            assert items.find_one({"key": "a"}, {"_id": 0}) == {"key": "a", "n": 1}
            with pytest.raises(pymongo.errors.DuplicateKeyError):
                items.insert_one({"key": "a", "n": 2})
            assert items.count_documents({}) == 1
        finally:
            client.close()
    finally:
        down = server.down()
    assert "AMQP_URI is set: leaving that RabbitMQ alone" in down.stderr

    # down waited for the server to exit: port closed, pid file gone, data kept on disk
    assert not _port_open(port)
    assert not (tmp_path / "mongo-java-server.pid").exists()
    assert (tmp_path / "mongo-java-server.mv.db").stat().st_size > 0

    # the shared servers other tests use are still there
    with kombu.Connection(infra["AMQP_URI"], connect_timeout=5) as conn:
        conn.ensure_connection(max_retries=1)
    shared = pymongo.MongoClient(infra["MONGODB_URI"], serverSelectionTimeoutMS=5000)
    try:
        assert shared.admin.command("ping")["ok"] == 1
    finally:
        shared.close()
