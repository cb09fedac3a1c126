#!/usr/bin/python3
"""The load client of bench/campaign_send.sh: CONNECTIONS keep-alive connections to Herald, each POSTing
the benchmark campaign's trigger (bench/campaign_fixture.py) for a new recipient as soon as the last
answer came, for SECONDS.

Why not wrk: its Lua builds each 137 KB body as a new string, which took wrk most of a core (LuaJIT
allocating, interning and collecting strings) on the two cores Herald needs. Here a request is sent from
shared parts with one sendmsg (headers, the body before the address, the address, the body after it), so
nothing of the body is copied in Python.

With DISTINCT_ATTACHMENTS=1 each request's attachment differs from every other's in its first 16 base64
characters (the connection and request numbers), so no two messages carry the same file, as with invoices.

usage: trigger_load.py PORT API_KEY CONNECTIONS SECONDS
prints: "requests N", "seconds S", "not_202 N", "p50_ms X", "p99_ms X"
"""
import base64
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import campaign_fixture  # noqa: E402


def read_response(sock, buffer):
    """Reads one HTTP response from sock; returns (status, rest of the buffer)."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("Herald closed the connection")
        buffer += chunk
    head, _, buffer = buffer.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(buffer) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("Herald closed the connection")
        buffer += chunk
    return status, buffer[length:]


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    port, key, connections, seconds = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    before, after = (part.encode() for part in campaign_fixture.trigger_template().split("EMAIL"))
    distinct = os.environ.get("DISTINCT_ATTACHMENTS") == "1"
    mark = after.find(campaign_fixture.ATTACHMENT_MARK)
    if distinct and mark < 0:
        sys.exit("DISTINCT_ATTACHMENTS=1 needs an attachment (ATTACHMENT_KB > 0)")
    after = memoryview(after)
    latencies, failures, lock = [], [0], threading.Lock()
    deadline = time.monotonic() + seconds

    def connection(number):
        sock = socket.create_connection(("127.0.0.1", port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        mine, not202, buffer, counter = [], 0, b"", 0
        while time.monotonic() < deadline:
            counter += 1
            address = f"u{number}-{counter}@example.com".encode()
            head = (f"POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\n"
                    f"Content-Type: application/json\r\n"
                    f"Content-Length: {len(before) + len(address) + len(after)}\r\n\r\n").encode()
            started = time.monotonic()
            parts = [head, before, address, after]
            if distinct:  # 12 bytes of numbers: 16 base64 characters in place of the mark
                unique = base64.b64encode(f"{number:04d}{counter:08d}".encode()[-12:])
                parts = [head, before, address, after[:mark], unique, after[mark + len(unique):]]
            while parts:  # sendmsg may send less than everything
                sent = sock.sendmsg(parts)
                while parts and sent >= len(parts[0]):
                    sent -= len(parts[0])
                    parts.pop(0)
                if parts and sent:
                    parts[0] = parts[0][sent:]
            status, buffer = read_response(sock, buffer)
            mine.append(time.monotonic() - started)
            not202 += status != 202
        sock.close()
        with lock:
            latencies.extend(mine)
            failures[0] += not202

    started = time.monotonic()
    threads = [threading.Thread(target=connection, args=(n,)) for n in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def percentile(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))] * 1000 if latencies else 0

    print(f"requests {len(latencies)}\nseconds {elapsed:.3f}\nnot_202 {failures[0]}\n"
          f"p50_ms {percentile(50):.2f}\np99_ms {percentile(99):.2f}")


if __name__ == "__main__":
    main()
