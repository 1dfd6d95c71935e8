#!/usr/bin/env python3
"""Writes a pcap file of synthetic Ethernet/IPv4 traffic between OPD subnets, for the capture
tests and benchmark (never sent on any network). Prints the expected per-subnet counts as JSON.

usage: gen-pcap.py OUT PACKETS [--sites N] [--snap 96] [--start EPOCH] [--seconds S]
Site i owns 10.(100+i).0.0/24 (i = 0..N-1); each packet goes from a random host of one site to
a random host of another (or to 198.51.100.7, outside every site, for one packet in ten). Some
frames carry an 802.1Q tag, some are ARP (not IP). IP lengths vary from 46 to 1500 bytes.
"""
import json, random, struct, sys

out, count = sys.argv[1], int(sys.argv[2])
args = dict(zip(sys.argv[3::2], sys.argv[4::2]))
sites = int(args.get("--sites", 8)); snap = int(args.get("--snap", 96))
start = int(args.get("--start", 1_780_000_000)); seconds = float(args.get("--seconds", 60))
rnd = random.Random(7)
expected = {f"10.{100+i}.0.0/24": {"in_bytes": 0, "out_bytes": 0, "in_packets": 0, "out_packets": 0} for i in range(sites)}
unattributed = non_ip = 0
with open(out, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snap, 1))
    for n in range(count):
        t = start + seconds * n / max(1, count)
        sec, usec = int(t), int((t - int(t)) * 1e6)
        if n % 50 == 49:  # ARP
            frame = b"\xff" * 6 + b"\x02" * 6 + b"\x08\x06" + b"\x00" * 28
            non_ip += 1
        else:
            a = rnd.randrange(sites); b = (a + 1 + rnd.randrange(sites - 1)) % sites
            src = (10 << 24) | ((100 + a) << 16) | rnd.randrange(1, 255)
            outside = n % 10 == 3
            dst = (198 << 24) | (51 << 16) | (100 << 8) | 7 if outside else (10 << 24) | ((100 + b) << 16) | rnd.randrange(1, 255)
            length = rnd.choice([46, 64, 576, 1500, rnd.randrange(46, 1501)])
            ip = struct.pack("!BBHHHBBHII", 0x45, 0, length, n & 0xFFFF, 0, 64, 17, 0, src, dst)
            udp = struct.pack("!HHHH", 1024 + n % 4000, 443 if n % 3 else 53, max(8, length - 20), 0)
            payload = b"\x00" * (length - 28)
            eth = b"\x02" * 6 + b"\x04" * 6 + (b"\x81\x00\x00\x0a\x08\x00" if n % 7 == 0 else b"\x08\x00")
            frame = eth + ip + udp + payload
            e = expected[f"10.{100+a}.0.0/24"]; e["out_bytes"] += length; e["out_packets"] += 1
            if not outside:
                e = expected[f"10.{100+b}.0.0/24"]; e["in_bytes"] += length; e["in_packets"] += 1
        cap = frame[:snap]
        f.write(struct.pack("<IIII", sec, usec, len(cap), len(frame)) + cap)
print(json.dumps({"packets": count, "sites": expected, "non_ip": non_ip}))
