"""Who the reader is behind the front door: X-Forwarded-For believed only from trusted proxies."""
import pytest
from gateway.proxies import client_address, networks

pytestmark = pytest.mark.unit

TRUSTED = networks("127.0.0.1, 10.0.0.0/8, ::1")


@pytest.mark.parametrize(("peer", "forwarded_for", "reader"), [
    ("127.0.0.1", "203.0.113.7", "203.0.113.7"),                   # the front door names the reader
    ("127.0.0.1", "203.0.113.7, 10.1.2.3", "203.0.113.7"),         # through an ingress, then the front door
    ("127.0.0.1", "198.51.100.9, 203.0.113.7", "203.0.113.7"),     # the reader's own claim before it: ignored
    ("198.51.100.9", "203.0.113.7", "198.51.100.9"),               # not a proxy of ours: its header is text
    ("127.0.0.1", None, "127.0.0.1"),
    ("127.0.0.1", "niet-een-adres", "127.0.0.1"),                  # malformed: trust ends
    ("127.0.0.1", "2001:db8::5", "2001:db8::5"),
    ("::1", "10.0.0.4, 10.0.0.5", "10.0.0.4"),                     # every hop ours: the first
])
def test_the_reader_is_the_nearest_address_that_is_not_a_trusted_proxy(peer, forwarded_for, reader):
    assert client_address(peer, forwarded_for, TRUSTED) == reader


def test_without_trusted_proxies_the_peer_is_the_reader():
    assert client_address("127.0.0.1", "203.0.113.7", networks("")) == "127.0.0.1"


def test_a_bad_setting_fails_loudly():
    with pytest.raises(ValueError):
        networks("127.0.0.1, geen-netwerk")
