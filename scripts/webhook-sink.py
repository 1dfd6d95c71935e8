#!/usr/bin/env python3
"""A webhook receiver on loopback for tests: answers 200 to every POST and appends its JSON
body (one line each) to OUTFILE. Binds 127.0.0.1 on a free port and writes the port to
PORTFILE. Stops by itself after SECONDS (bounded, like every test helper here).

usage: webhook-sink.py PORTFILE OUTFILE SECONDS
"""
import http.server
import json
import sys
import threading

portfile, outfile, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            record = json.loads(body)
        except ValueError:
            record = {"raw": body.decode(errors="replace")}
        record["_path"] = self.path
        with lock, open(outfile, "a") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(portfile + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.replace(portfile + ".tmp", portfile)
threading.Timer(seconds, server.shutdown).start()
server.serve_forever()
