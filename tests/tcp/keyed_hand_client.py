#!/usr/bin/env python3
"""A BERKELEY/2 (keyed) HandClient written from docs/security.md alone, standard library only: it joins a
keyed master and then seals and opens every line, so a test can send a *valid, authenticated* line at the
wrong moment (an insider's fault, not a forger's).

The key: BLAKE2b-256 (libsodium's crypto_generichash, no key) of the key file's material without trailing
whitespace. A sealed line: `<line> <seq> <mac>`, the MAC HMAC-SHA-512 truncated to 32 bytes (libsodium's
crypto_auth) over "BERKELEY/2", the direction ('C' client to master, 'M' master to client), the client's and
the master's nonce (16 bytes each), seq as 8 bytes big-endian, and the line. Each direction counts from 0.
"""

import hashlib
import hmac
import os

from foreign_client import MAX_LINE, HandClient

PROTOCOL = b"BERKELEY/2"
SEAL_BYTES = 1 + 20 + 1 + 64


def key_of(material):
    return hashlib.blake2b(material.rstrip(b"\n\r \t"), digest_size=32).digest()


class KeyedHandClient(HandClient):
    max_line = MAX_LINE + SEAL_BYTES

    def __init__(self, port, key_material, host="127.0.0.1", connect_timeout=5.0):
        super().__init__(port, host, connect_timeout)
        self.key = key_of(key_material)
        self.client_nonce = os.urandom(16)
        self.master_nonce = None  # from the CHALLENGE
        self.seq_out = 0
        self.seq_in = 0

    def mac(self, direction, seq, body):
        data = PROTOCOL + direction + self.client_nonce + self.master_nonce + seq.to_bytes(8, "big") + body.encode()
        return hmac.new(self.key, data, hashlib.sha512).digest()[:32].hex()

    def seal(self, line):
        """The next sealed line (without its newline); counts it as sent."""
        sealed = f"{line} {self.seq_out} {self.mac(b'C', self.seq_out, line)}"
        self.seq_out += 1
        return sealed

    def send(self, line):
        if self.master_nonce is None:  # the HELLO travels in the clear
            super().send(line)
            return
        self.transcript.append("> " + line)
        self.sock.sendall(self.seal(line).encode("ascii") + b"\n")

    def recv_line(self, timeout):
        """The next line, opened (its seal checked and removed); a REFUSED or ERROR before the CHALLENGE comes
        in the clear. None at EOF; raises TimeoutError; AssertionError for a seal that does not verify."""
        text = super().recv_line(timeout)
        if text is None:
            return None
        if self.master_nonce is None:
            if not text.startswith("CHALLENGE "):
                return text
            self.master_nonce = bytes.fromhex(text.split(" ")[1])
        body, seq, mac = text.rsplit(" ", 2)
        assert hmac.compare_digest(mac, self.mac(b"M", int(seq), body)), f"bad MAC from the master: {text!r}"
        assert int(seq) == self.seq_in, f"sequence {seq} from the master where {self.seq_in} was due"
        self.seq_in += 1
        return body

    def join(self, client_id, timeout=10.0):
        """HELLO BERKELEY/2 with our nonce, the CHALLENGE, a sealed JOIN: the master's answer (WELCOME, ...)."""
        self.send(f"HELLO BERKELEY/2 {client_id} {self.client_nonce.hex()}")
        challenge = self.recv_line(timeout)
        if challenge is None or not challenge.startswith("CHALLENGE "):
            return challenge
        self.send("JOIN")
        return self.recv_line(timeout)
