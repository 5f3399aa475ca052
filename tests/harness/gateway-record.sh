#!/bin/sh
# gateway-record.sh: a stand-in SMS/voice gateway for tests and `make run`.
#
# Called as MoCourtsGateway is: gateway-record.sh sms|voice RECIPIENT, with
# the message body on stdin. Appends one JSON line
#   {"channel": ..., "recipient": ..., "body": ..., "time": ...}
# to $MC_GATEWAY_LOG. When the file named by $MC_GATEWAY_FAIL exists it
# records nothing and exits 3 (a gateway outage, for retry tests).
set -eu

: "${MC_GATEWAY_LOG:?MC_GATEWAY_LOG is not set}"

if [ -n "${MC_GATEWAY_FAIL:-}" ] && [ -e "$MC_GATEWAY_FAIL" ]; then
    echo "gateway-record: simulated gateway failure" >&2
    exit 3
fi

if [ $# -ne 2 ]; then
    echo "usage: $0 sms|voice RECIPIENT < body" >&2
    exit 2
fi

# One write(2) with O_APPEND per call, so concurrent senders never interleave.
exec /usr/bin/python3 -c '
import json, os, sys, time
body = sys.stdin.buffer.read().decode("utf-8", "replace")
line = json.dumps({"channel": sys.argv[1], "recipient": sys.argv[2],
                   "body": body, "time": time.time()}) + "\n"
fd = os.open(os.environ["MC_GATEWAY_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
os.write(fd, line.encode())
os.close(fd)
' "$@"
