#!/usr/bin/env python3
"""Foreign ICMP traffic for fault tests: another process on the host sending echo requests
(another monitor, an operator's flood ping, a benchmark). Root (raw socket).

Usage: icmp-flood.py RATE SECONDS ADDRESS...
Sends RATE echo requests per second, spread over the addresses, for at most SECONDS and at
most RATE*SECONDS packets; then stops by itself. Loopback only (127.0.0.0/8): run it inside a
network namespace to reach the namespace's own addresses through its loopback.
Prints the number of requests sent and replies seen.
"""
import ipaddress, os, select, socket, struct, sys, time

def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF

def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    rate, seconds = int(sys.argv[1]), float(sys.argv[2])
    addrs = sys.argv[3:]
    if not (1 <= rate <= 100_000 and 0 < seconds <= 600):
        sys.exit("RATE 1..100000, SECONDS up to 600")
    for a in addrs:
        if ipaddress.ip_address(a) not in ipaddress.ip_network("127.0.0.0/8"):
            sys.exit(f"{a}: only loopback addresses (127.0.0.0/8)")
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.setblocking(False)
    ident = (os.getpid() ^ 0x5A5A) & 0xFFFF  # never the engine's identifier (its pid)
    limit = int(rate * seconds)
    start = time.monotonic()
    sent = replies = 0
    seq = 0
    while sent < limit and time.monotonic() - start < seconds:
        due = int((time.monotonic() - start) * rate) + 1
        while sent < min(due, limit):
            seq = (seq + 1) & 0xFFFF
            payload = b"foreign-flood-%08d" % sent
            hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
            pkt = struct.pack("!BBHHH", 8, 0, checksum(hdr + payload), ident, seq) + payload
            try:
                s.sendto(pkt, (addrs[sent % len(addrs)], 0))
            except BlockingIOError:
                break
            sent += 1
        # Read what came back (this process's own receive buffer) and pace the next burst.
        r, _, _ = select.select([s], [], [], 0.001)
        while r:
            try:
                data = s.recv(2048)
            except BlockingIOError:
                break
            ihl = (data[0] & 0x0F) * 4
            if len(data) >= ihl + 8 and data[ihl] == 0 and struct.unpack("!H", data[ihl + 4:ihl + 6])[0] == ident:
                replies += 1
    print(f"sent {sent} replies {replies} in {time.monotonic() - start:.1f} s", flush=True)

if __name__ == "__main__":
    main()
