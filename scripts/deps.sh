#!/bin/bash
# deps.sh: install the Debian packages mod_mocourts needs to build, run and
# test, but only those that are missing. A fast no-op when all are present.
#
# It never starts or stops the system's apache2 or mariadb services: the
# project runs its own private instances (scripts/run.sh, tests/harness).
set -euo pipefail

# What a site needs to build and run (INSTALL sections 1 and 8 name each
# one; tests/integration/test_install.py checks), then what only the tests
# and `make bench` need.
SERVER_PACKAGES=(
    apache2 apache2-dev libapr1-dev libaprutil1-dev
    mariadb-server mariadb-client libmariadb-dev libmariadb-dev-compat
    libsodium-dev libxml2-dev zlib1g-dev libespeak-ng-dev espeak-ng-data
    libjansson-dev libcurl4-openssl-dev
    libpwquality-dev cracklib-runtime
    liboath-dev libqrencode-dev
    poppler-utils qpdf
    pkg-config make gcc
    libapache2-mod-qos
    galera-4 rsync
)
TEST_PACKAGES=(
    check
    python3-pytest python3-pytest-xdist python3-requests python3-selenium python3-aiosmtpd
    python3-pymysql python3-jsonschema python3-icalendar
    chromium chromium-driver wrk sqlmap time libxml2-utils zbar-tools
    valgrind linux-perf
)
PACKAGES=("${SERVER_PACKAGES[@]}" "${TEST_PACKAGES[@]}")
# The browser tests' page checks (issue 14): axe-core and the Nu HTML checker
# come from npm (tests/npm, `make test-tools`), vnu.jar runs on Java. A
# machine that already has Node.js and npm or Java (from elsewhere) keeps
# them: Debian's packages would conflict with another nodejs.
command -v npm >/dev/null 2>&1 || PACKAGES+=(nodejs npm)
command -v java >/dev/null 2>&1 || PACKAGES+=(default-jre-headless)

# One dpkg-query for all: "name status" per known package (unknown ones are
# simply absent from its output).
installed=" $(dpkg-query -W -f='${Package} ${Status}\n' "${PACKAGES[@]}" 2>/dev/null |
    awk '$2 == "install" && $3 == "ok" && $4 == "installed" { printf "%s ", $1 }' || true)"
missing=()
for pkg in "${PACKAGES[@]}"; do
    case "$installed" in
    *" $pkg "*) ;;
    *) missing+=("$pkg") ;;
    esac
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

install_cmd=(apt-get install -y --no-install-recommends "${missing[@]}")
echo "deps.sh: missing Debian packages: ${missing[*]}"

if [ "$(id -u)" -ne 0 ]; then
    echo "deps.sh: run as root:" >&2
    echo "    apt-get update && DEBIAN_FRONTEND=noninteractive ${install_cmd[*]}" >&2
    exit 1
fi

# Keep package scripts from starting the system's apache2/mariadb: we never
# use them. policy-rc.d exit 101 means "action forbidden" (invoke-rc.d(8)).
# Only when the machine has no policy of its own, and removed afterwards.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
    trap 'rm -f "$policy"' EXIT
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
"${install_cmd[@]}"
# The package enables mod_qos in the system's Apache, where Debian 12's build
# does not load ("undefined symbol: pcre_free"): that would break the
# system's configuration, which test_install.py copies. The project's
# Apaches load it through conf/mocourts-hardening.conf (INSTALL section 4).
case " ${missing[*]} " in
*" libapache2-mod-qos "*) a2dismod -q qos ;;
esac
echo "deps.sh: installed ${missing[*]}"
