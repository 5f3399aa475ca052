#!/bin/bash
# run.sh start|stop|status: the demo site of `make run`.
#
# Everything lives under var/ in the repository:
#   var/db       MariaDB datadir, socket, the module's DB password file
#   var/demo-feed.xml  the generated Case.net feed loaded as demo court data
#   var/apache   Apache's ServerRoot: httpd.conf, mocourts.conf, htdocs
#   var/mail     every e-mail sent, as a .eml file (the mail catcher)
#   var/log      error_log, access_log, mariadb.log, mailcatcher.log,
#                gateway.jsonl (SMS and voice calls)
# MariaDB on 127.0.0.1:3307, the mail catcher on 127.0.0.1:2525, Apache on
# http://127.0.0.1:8080 (MC_DB_PORT, MC_MAIL_PORT, MC_HTTP_PORT change them).
# `start` is safe to repeat: what runs keeps running, except Apache, which
# is restarted to load the fresh build.
set -euo pipefail

cd "$(dirname "$0")/.."
REPO=$PWD
VAR=$REPO/var

# searchable DIR: every folder from / down to DIR may be entered by others.
searchable() {
    local d
    d=$(readlink -f "$1")
    while :; do
        [ $(($(stat -c '0%a' "$d") & 1)) -eq 1 ] || return 1
        [ "$d" = / ] && return 0
        d=$(dirname "$d")
    done
}

# As root, Apache's children run as nobody and must reach var/ (templates,
# documents, sockets). A clone in a private home (/root is 0700) cannot give
# them that, so var/ is then a link to a folder of its own under /var/tmp.
if [ -L "$VAR" ] && [ ! -e "$VAR" ]; then
    rm -f "$VAR" # its folder under /var/tmp was cleaned away
fi
if [ "${1:-}" = start ] && [ "$(id -u)" -eq 0 ] && [ ! -e "$VAR" ] && ! searchable "$REPO"; then
    real=$(mktemp -d /var/tmp/mocourts-run.XXXXXX)
    chmod 755 "$real"
    ln -s "$real" "$VAR"
    echo "run.sh: $REPO cannot be entered by Apache's user; var/ is a link to $real"
fi
[ -e "$VAR" ] && VAR=$(readlink -f "$VAR")
PY=${PYTHON:-/usr/bin/python3}
BUILD=${MC_BUILD_DIR:-$REPO/build}
ADMIN=$BUILD/mocourts-admin
# The ports of the running site (written by start, removed by stop), so a
# later status/start without the variables talks about the same ports.
PORTS_FILE=$VAR/ports
LAST_DB_PORT='' LAST_MAIL_PORT='' LAST_HTTP_PORT=''
if [ -f "$PORTS_FILE" ]; then
    # shellcheck source=/dev/null
    . "$PORTS_FILE"
fi
DB_PORT=${MC_DB_PORT:-${LAST_DB_PORT:-3307}}
MAIL_PORT=${MC_MAIL_PORT:-${LAST_MAIL_PORT:-2525}}
HTTP_PORT=${MC_HTTP_PORT:-${LAST_HTTP_PORT:-8080}}
MAIL_PID=$VAR/log/mailcatcher.pid

runconf() {
    PYTHONPATH=$REPO/tests "$PY" -m harness.runconf --var "$VAR" \
        --db-port "$DB_PORT" --http-port "$HTTP_PORT" --smtp-port "$MAIL_PORT" "$@"
}

# alive PIDFILE: the pid file names a running process.
alive() {
    [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

port_busy() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start_mail() {
    if alive "$MAIL_PID"; then
        echo "Mail      already running on 127.0.0.1:$MAIL_PORT"
        return
    fi
    rm -f "$MAIL_PID"
    nohup "$PY" tests/harness/mailcatcher.py --dir "$VAR/mail" --port "$MAIL_PORT" \
        --pidfile "$MAIL_PID" >>"$VAR/log/mailcatcher.log" 2>&1 </dev/null &
    local pid=$!
    # It writes its pid file once it listens.
    for _ in $(seq 100); do
        if [ -s "$MAIL_PID" ]; then
            echo "Mail      started on 127.0.0.1:$MAIL_PORT"
            return
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "run.sh: the mail catcher did not start; var/log/mailcatcher.log says:" >&2
    tail -n 5 "$VAR/log/mailcatcher.log" >&2 || true
    exit 1
}

stop_mail() {
    if alive "$MAIL_PID"; then
        local pid
        pid=$(cat "$MAIL_PID")
        kill "$pid"
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
    fi
    rm -f "$MAIL_PID"
    echo "Mail      stopped"
}

# Demo court data: a generated Case.net feed (seed 1, 3,000 cases, the
# 24 Missouri courts of `mocourts-admin generate`, court 22 among them),
# imported on every start (a re-import changes nothing); one summary line.
demo_data() {
    local feed=$VAR/demo-feed.xml
    "$ADMIN" generate --quiet --seed 1 --cases 3000 >"$feed.tmp"
    mv "$feed.tmp" "$feed"
    printf 'Demo data: '
    "$ADMIN" -c "$VAR/apache/mocourts.conf" import --quiet "$feed"
    # eFiling: court 22 takes filings (conf/efiling-setup.example.xml).
    printf 'eFiling:   '
    "$ADMIN" -c "$VAR/apache/mocourts.conf" efiling-setup "$REPO/conf/efiling-setup.example.xml"
}

start() {
    for f in "$BUILD/mod_mocourts.so" "$ADMIN"; do
        if [ ! -e "$f" ]; then
            echo "run.sh: $f is missing: run \`make run\` (it builds first)" >&2
            exit 1
        fi
    done
    # A port we need held by a program that is not ours: say so before
    # starting anything.
    local busy=0
    check_port() { # PIDFILE PORT VARIABLE
        if ! alive "$1" && port_busy "$2"; then
            echo "run.sh: port $2 is used by another program (set $3)" >&2
            busy=1
        fi
    }
    check_port "$VAR/db/mysqld.pid" "$DB_PORT" MC_DB_PORT
    check_port "$MAIL_PID" "$MAIL_PORT" MC_MAIL_PORT
    check_port "$VAR/apache/httpd.pid" "$HTTP_PORT" MC_HTTP_PORT
    [ "$busy" -eq 0 ] || exit 1

    mkdir -p "$VAR"/{db,apache,mail,log}
    chmod 755 "$VAR" "$VAR"/{db,apache,mail,log}
    printf 'LAST_DB_PORT=%s\nLAST_MAIL_PORT=%s\nLAST_HTTP_PORT=%s\n' \
        "$DB_PORT" "$MAIL_PORT" "$HTTP_PORT" >"$PORTS_FILE"

    runconf db-start
    start_mail
    runconf apache-config
    "$ADMIN" -c "$VAR/apache/mocourts.conf" migrate
    demo_data
    echo "Demo logons (username, password):"
    runconf demo-accounts
    runconf apache-start

    cat <<EOF

mod_mocourts is running: http://127.0.0.1:$HTTP_PORT/account/logon
  Case.net:       http://127.0.0.1:$HTTP_PORT/casenet/ (public searches, no logon)
  eFiling:        http://127.0.0.1:$HTTP_PORT/ecf/ (atty.demo may file in court 22)
  JSON API:       http://127.0.0.1:$HTTP_PORT/api/v1/openapi.json (tokens: My Account > API tokens)
  E-mails:        var/mail/*.eml
  SMS and calls:  var/log/gateway.jsonl
  Logs:           var/log/error_log, var/log/access_log
  Admin tool:     build/mocourts-admin -c var/apache/mocourts.conf ...
  Stop it all:    make stop
EOF
}

stop() {
    runconf apache-stop
    stop_mail
    runconf db-stop
    rm -f "$PORTS_FILE"
}

status() {
    runconf status
    if alive "$MAIL_PID"; then
        echo "Mail      running on 127.0.0.1:$MAIL_PORT"
    else
        echo "Mail      stopped"
    fi
}

case "${1:-}" in
start) start ;;
stop) stop ;;
status) status ;;
*)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
