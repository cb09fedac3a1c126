#!/usr/bin/python3
"""Verifies every DKIM-Signature of a message with dkimpy (Debian's python3-dkim), asking a real DNS server for
the keys — the independent verifier of Herald's signatures in the integration tests.

usage: dkim_verify.py --dns HOST:PORT MESSAGE_FILE
Prints one line per signature, top first: "<a=> <d=> <s=> pass|fail"; exit status 0 iff there is at least one
signature and every one passes. LF line ends are read as CRLF (the message as it went over SMTP).
"""
import argparse
import re
import sys

import dkim
import dns.resolver


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dns", required=True)
    parser.add_argument("message")
    args = parser.parse_args()
    host, port = args.dns.rsplit(":", 1)
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = [host]
    resolver.port = int(port)

    def get_txt(name, timeout=5):
        name = name.decode() if isinstance(name, bytes) else name
        try:
            answer = resolver.resolve(name, "TXT", lifetime=timeout, raise_on_no_answer=False)
        except (dns.resolver.NXDOMAIN, dns.resolver.NoNameservers):
            return None
        for record in answer.response.answer:
            if record.rdtype == dns.rdatatype.TXT:
                return b"".join(list(record.items)[0].strings)
        return None

    with open(args.message, "rb") as f:
        message = re.sub(rb"(?<!\r)\n", b"\r\n", f.read())
    verifier = dkim.DKIM(message)
    count = len([h for h in verifier.headers if h[0].lower() == b"dkim-signature"])
    all_pass = count > 0
    for index in range(count):
        ok = verifier.verify(idx=index, dnsfunc=get_txt)
        sig = verifier.signature_fields
        print(f"{sig.get(b'a', b'?').decode()} {sig.get(b'd', b'?').decode()} {sig.get(b's', b'?').decode()} "
              f"{'pass' if ok else 'fail'}")
        all_pass = all_pass and ok
    sys.exit(0 if all_pass else 1)


if __name__ == "__main__":
    main()
