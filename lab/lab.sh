#!/usr/bin/env bash
# imctl lab: a real Samba Active Directory domain controller on loopback, with the Exchange 2000
# Instant Messaging schema, IM virtual servers, ~12,000 demo users and DNS records.
#
#   bash lab/lab.sh up|down|reset|restore|status|env      (npm run lab -- <cmd>)
#
# Everything lives in ${IMCTL_LAB_DIR:-<repo>/.lab}. Progress and timings go to stderr; stdout is
# kept for `env`. See lab/README.md for the layout and what was surprising.
set -euo pipefail

LAB_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$LAB_SRC")"
LAB="$(realpath -m "${IMCTL_LAB_DIR:-$REPO/.lab}")"
export PATH="$PATH:/usr/sbin:/sbin"

# --- domain facts (lab/seed.mjs holds the same values) ----------------------------------------
REALM=LAB.IMCTL.TEST
DNS_DOMAIN=lab.imctl.test
NETBIOS=LAB
DC_HOST=dc1
DC_IP=127.0.0.1                 # where this DC answers; lab/dc2.sh runs the same code for dc2 on 127.0.0.2
DC_INTERFACES="127.0.0.1 ::1"   # smb.conf interfaces: only these (dc2 binds 127.0.0.2 on the same ports)
BASE_DN='DC=lab,DC=imctl,DC=test'
CONFIG_DN="CN=Configuration,$BASE_DN"
ADMIN_UPN="Administrator@$DNS_DOMAIN"
ADMIN_DN="CN=Administrator,CN=Users,$BASE_DN"
USERS_OU="OU=Staff,$BASE_DN"
IM_DOMAIN=im.lab.imctl.test
LDAPS_URL=ldaps://localhost
LDAP_URL=ldap://localhost
# oMSyntax for the three 2.5.5.5 IM strings. 19 (PrintableString) is what the reference gives;
# Samba accepts '@' with it (it does not check the PrintableString character set). 22 = IA5String.
IM_OMSYNTAX="${IMCTL_LAB_IM_OMSYNTAX:-19}"
# Samba's internal DNS server: off 53 (needs no other resolver to move) and off 5353 (mDNS).
DNS_PORT_DEFAULT="${IMCTL_LAB_DNS_PORT:-5300}"
SAMBA_MAX_RUNTIME=14400 # samba exits by itself after 4 h: a forgotten lab does not run forever

# --- layout -------------------------------------------------------------------------------------
SAMBA_DIR="$LAB/samba"          # samba-tool --targetdir: etc/ private/ state/ cache/ bind-dns/
SMB_CONF="$SAMBA_DIR/etc/smb.conf"
RUN_DIR="$LAB/run"              # pid file, sockets, lock dir: runtime only, never snapshotted
PID_FILE="$RUN_DIR/lab.pid"
LOG_DIR="$LAB/log"
TLS_DIR="$LAB/tls"
CA_FILE="$TLS_DIR/ca.pem"
SEED_DIR="$LAB/seed"            # generated LDIF and plan.json
SNAP_DIR="$LAB/snapshot"        # copy of $SAMBA_DIR taken at the end of the first `up`
PW_FILE="$LAB/admin.password"
DNS_PORT_FILE="$LAB/dns.port"
FORMAT_FILE="$LAB/.format"     # what this lab.sh builds; an older lab is rebuilt by `up`
LAB_FORMAT=5                    # 1 dc1; 2 + Kerberos; 3 + the second DC; 4 + OU=Audit; 5 + lastLogonTimestamp
MARKER="$LAB/.provisioned"      # written last: a lab without it is half-built and gets rebuilt
LOCK_FILE="$LAB/.lock"

PACKAGES=(samba-ad-dc samba-ad-provision winbind ldb-tools ldap-utils openssl libnss-wrapper libresolv-wrapper)
# Kerberos: the KDC, krb5.conf, the ldap/ SPN and a delegated IM operator (adds to PACKAGES).
# shellcheck source=lab/kerberos.sh
source "$LAB_SRC/kerberos.sh"
# The second, replicating DC and the cwrap name resolution both DCs use (dc2_* and cwrap_* functions).
# shellcheck source=lab/dc2.sh
source "$LAB_SRC/dc2.sh"

# --- output helpers -----------------------------------------------------------------------------
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
# Messages go to the stderr lab.sh started with, kept on its own fd: a trap that fires while a
# step's output is redirected to a log file must still reach the terminal.
exec {ERR_FD}>&2
log() { printf '[lab] %s\n' "$*" >&"$ERR_FD"; }
die() { printf '[lab] ERROR: %s\n' "$*" >&"$ERR_FD"; exit 1; }

# step NAME FUNCTION [ARGS]: run one step and print how long it took.
step() {
  local name="$1" t0 t1
  shift
  t0=$(now)
  log "$name ..."
  "$@"
  t1=$(now)
  log "$name done in $(secs "$t0" "$t1") s"
  TIMINGS+=("$(printf '%-28s %6s s' "$name" "$(secs "$t0" "$t1")")")
}
TIMINGS=()
print_timings() {
  local total
  total=$(secs "$T_START" "$(now)")
  {
    printf '[lab] timings:\n'
    local line
    for line in "${TIMINGS[@]}"; do printf '[lab]   %s\n' "$line"; done
    printf '[lab]   %-28s %6s s\n' "total" "$total"
  } >&2
}

admin_password() { cat "$PW_FILE"; }
dns_port() { cat "$DNS_PORT_FILE" 2>/dev/null || echo "$DNS_PORT_DEFAULT"; }

# OpenLDAP clients with our CA and real verification (never LDAPTLS_REQCERT=never).
ldap_tls_env() { env LDAPTLS_CACERT="$CA_FILE" LDAPTLS_REQCERT=demand "$@"; }
# Run an OpenLDAP tool bound as Administrator over LDAPS.
ldap_admin() {
  local tool="$1"
  shift
  ldap_tls_env "$tool" -H "$LDAPS_URL" -x -D "$ADMIN_UPN" -y "$PW_FILE" "$@"
}

# --- packages -----------------------------------------------------------------------------------
pkg_installed() { [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]; }

ensure_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do pkg_installed "$p" || missing+=("$p"); done
  command -v ss >/dev/null || missing+=(iproute2)
  command -v ps >/dev/null || missing+=(procps)
  command -v dig >/dev/null || missing+=(bind9-dnsutils) # only to verify the DNS records
  command -v zsh >/dev/null || missing+=(zsh)   # only to check imctl's zsh completion script
  command -v fish >/dev/null || missing+=(fish) # only to check imctl's fish completion script
  if [ ${#missing[@]} -eq 0 ]; then
    log "packages present"
    return 0
  fi
  log "installing: ${missing[*]}"
  # Package scripts must not start samba/winbind as system services: a policy-rc.d that exits 101
  # forbids it. Keep an existing one if it already does that, else put ours in place for the install.
  local policy=/usr/sbin/policy-rc.d saved="" ours=""
  if ! { [ -x "$policy" ] && grep -q 'exit 101' "$policy"; }; then
    if [ -e "$policy" ]; then saved="$(mktemp)"; cp -a "$policy" "$saved"; fi
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    ours=1
    POLICY_SAVED="$saved" POLICY_OURS=1 # on_exit puts the old one back if the install dies
  fi
  local apt=(apt-get install -y --no-install-recommends --no-upgrade "${missing[@]}")
  if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" </dev/null >"$LOG_DIR/apt.log" 2>&1; then
    log "install failed; apt-get update and retry"
    DEBIAN_FRONTEND=noninteractive apt-get update </dev/null >>"$LOG_DIR/apt.log" 2>&1 || true
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" </dev/null >>"$LOG_DIR/apt.log" 2>&1 ||
      { tail -20 "$LOG_DIR/apt.log" >&2; die "package install failed (see $LOG_DIR/apt.log)"; }
  fi
  if [ -n "$ours" ]; then
    restore_policy "$saved"
    POLICY_OURS=""
  fi
}
restore_policy() {
  local saved="$1"
  if [ -n "$saved" ]; then mv -f "$saved" /usr/sbin/policy-rc.d; else rm -f /usr/sbin/policy-rc.d; fi
}

# One EXIT trap for the whole script: undo a temporary policy-rc.d, and stop the samba a failed
# provisioning started (a failed `up` leaves nothing running).
POLICY_OURS="" POLICY_SAVED="" PROVISIONING=""
on_exit() {
  local rc=$?
  [ -n "$POLICY_OURS" ] && restore_policy "$POLICY_SAVED"
  if [ "$rc" != 0 ] && [ -n "$PROVISIONING" ]; then
    log "provisioning failed: stopping samba; logs stay in $LOG_DIR; the next up starts over"
    stop_samba || true
    dc2_stop || true
  fi
}
trap on_exit EXIT
trap 'exit 130' INT # so that on_exit runs on Ctrl-C and on kill too
trap 'exit 143' TERM

# --- process and port helpers -------------------------------------------------------------------
# A PID counts as alive only if it exists and is not a zombie (a zombie still answers kill -0).
pid_alive() {
  local st
  st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}
# Samba rewrites its command line ("samba: root process"), so a samba is recognised by its
# executable and its lab by its working directory (start_samba starts it in the lab folder).
is_samba() { [ "$(basename "$(readlink "/proc/$1/exe" 2>/dev/null)")" = samba ]; }
samba_lab_dir() { readlink "/proc/$1/cwd" 2>/dev/null; }
# Our samba: alive, samba, and in this lab folder (guards against a recycled PID).
is_our_samba() {
  pid_alive "$1" && is_samba "$1" && [ "$(samba_lab_dir "$1")" = "$LAB" ]
}
# The PID of this lab's samba: the recorded one, else (pid file lost) whoever holds port 389 if it
# is a samba running in our lab folder.
recorded_pid() {
  local pid
  pid=$(cat "$PID_FILE" 2>/dev/null || true)
  if [[ "$pid" =~ ^[0-9]+$ ]] && is_our_samba "$pid"; then echo "$pid"; return 0; fi
  for pid in $(port_pids 389); do
    if is_our_samba "$pid"; then echo "$pid" >"$PID_FILE"; echo "$pid"; return 0; fi
  done
  return 1
}
# Anonymous RootDSE read over plain LDAP: anonymous reads need no TLS.
rootdse_answers() {
  ldapsearch -H "ldap://$DC_IP" -x -o nettimeout=3 -b '' -s base namingContexts >/dev/null 2>&1
}
is_running() {
  local pid
  pid=$(recorded_pid) && rootdse_answers
}
# Sockets on a TCP or UDP port at this DC's addresses or the wildcard (two DCs share the port numbers).
port_lines() { ss -Htulnp "( sport = :$1 )" 2>/dev/null | awk -v p=":$1" -v a=" ${DC_INTERFACES//\/8/} 0.0.0.0 * :: " '{ l = substr($5, 1, length($5) - length(p)); gsub(/[][]/, "", l); sub(/%.*/, "", l) } index(a, " " l " ")'; }
port_pids() { port_lines "$1" | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u; }
port_busy() { [ -n "$(port_lines "$1")" ]; }
lab_ports() { echo 389 636 3268 3269 135 "$(dns_port)"; }

# Refuse to start if a port Samba needs is held by something that is not this lab.
check_ports_free() {
  local port pid cmd
  for port in $(lab_ports); do
    port_busy "$port" || continue
    pid=$(port_pids "$port" | head -1)
    cmd=$( [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
    if [ -n "$pid" ] && is_samba "$pid"; then
      die "port $port is held by another Samba (pid $pid, working directory $(samba_lab_dir "$pid")). Samba always listens on 389/636, so only one lab can run per machine: stop that one first (for another lab: IMCTL_LAB_DIR=<its lab dir> bash lab/lab.sh down)."
    fi
    die "port $port is held by something that is not this lab (pid ${pid:-unknown}: ${cmd:-?}). Free it and retry."
  done
}

wait_ports_free() {
  local port i
  for i in $(seq 1 150); do
    local busy=""
    for port in $(lab_ports); do port_busy "$port" && busy="$busy $port"; done
    [ -z "$busy" ] && return 0
    sleep 0.1
  done
  die "ports still busy after stopping samba:$busy"
}

# --- TLS ------------------------------------------------------------------------------------------
# OpenLDAP's client library checks the certificate against the machine's own hostname, not
# "localhost", when the URL says ldaps://localhost: the server certificate names both.
cert_hostnames() {
  { echo localhost; echo "$DC_HOST.$DNS_DOMAIN"; hostname 2>/dev/null || true; hostname -f 2>/dev/null || true; } |
    awk 'NF && !seen[tolower($0)]++'
}

make_ca() {
  mkdir -p "$TLS_DIR"
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
    -keyout "$TLS_DIR/ca.key" -out "$CA_FILE" -subj "/O=imctl lab/CN=imctl lab CA" \
    -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' \
    >"$LOG_DIR/openssl.log" 2>&1
  chmod 600 "$TLS_DIR/ca.key"
  chmod 644 "$CA_FILE"
}

make_server_cert() {
  local san="" h
  for h in ${DC_INTERFACES//\/8/}; do san="$san${san:+,}IP:$h"; done
  for h in $(cert_hostnames); do san="$san,DNS:$h"; done
  {
    echo 'basicConstraints=critical,CA:FALSE'
    echo 'keyUsage=critical,digitalSignature,keyEncipherment'
    echo 'extendedKeyUsage=serverAuth'
    echo "subjectAltName=$san"
  } >"$TLS_DIR/server.ext"
  (umask 077 && openssl req -newkey rsa:2048 -nodes -sha256 -keyout "$TLS_DIR/server.key" \
    -out "$TLS_DIR/server.csr" -subj "/O=imctl lab/CN=$DC_HOST.$DNS_DOMAIN" >>"$LOG_DIR/openssl.log" 2>&1)
  openssl x509 -req -sha256 -days 3650 -in "$TLS_DIR/server.csr" -CA "$CA_FILE" -CAkey "${CA_FILE%.pem}.key" \
    -CAcreateserial -out "$TLS_DIR/server.pem" -extfile "$TLS_DIR/server.ext" >>"$LOG_DIR/openssl.log" 2>&1
  chmod 600 "$TLS_DIR/server.key" # samba refuses a key readable by others
  log "server certificate names: $san"
}

# The machine's hostname can change between runs (a new machine, same work tree): re-issue the
# server certificate from the same CA when it no longer names every host we need.
ensure_server_cert() {
  local h text
  [ -f "$TLS_DIR/server.pem" ] || { make_server_cert; return; }
  text=$(openssl x509 -in "$TLS_DIR/server.pem" -noout -ext subjectAltName 2>/dev/null)
  for h in $(cert_hostnames); do
    grep -qiF "DNS:$h" <<<"$text" || { log "hostname $h not in the certificate: re-issuing it"; make_server_cert; return; }
  done
}

# --- provisioning -------------------------------------------------------------------------------
pick_dns_port() {
  local port="$DNS_PORT_DEFAULT"
  while port_busy "$port" || [ "$port" = 5353 ]; do
    port=$((port + 1))
    [ "$port" -lt $((DNS_PORT_DEFAULT + 100)) ] || die "no free DNS port near $DNS_PORT_DEFAULT"
  done
  echo "$port" >"$DNS_PORT_FILE"
  log "DNS port $port"
}

prepare_dirs() {
  mkdir -p "$LAB" "$RUN_DIR/lock" "$LOG_DIR" "$LAB/home" "$SEED_DIR"
  node "$LAB_SRC/seed.mjs" passwords "$LAB" # admin.password / user.password, 0600, no newline
}

provision() {
  rm -rf "$SAMBA_DIR"
  # --dns-backend=SAMBA_INTERNAL creates the DNS zones in the directory; mdb is 3-4x faster than tdb.
  HOME="$LAB/home" samba-tool domain provision \
    --targetdir="$SAMBA_DIR" --realm="$REALM" --domain="$NETBIOS" --host-name="$DC_HOST" \
    --server-role=dc --dns-backend=SAMBA_INTERNAL --backend-store=mdb \
    --adminpass="$(admin_password)" \
    --option="interfaces = lo" --option="bind interfaces only = yes" \
    </dev/null >"$LOG_DIR/provision.log" 2>&1 ||
    { tail -30 "$LOG_DIR/provision.log" >&2; die "provision failed (see $LOG_DIR/provision.log)"; }
  write_smb_conf
}

# Our own smb.conf: the provisioned one points at /var/log/samba and the host's DNS forwarder.
write_smb_conf() {
  cat >"$SMB_CONF" <<EOF
# Written by lab/lab.sh. Every path is inside the lab folder.
[global]
	netbios name = ${DC_HOST^^}
	realm = $REALM
	workgroup = $NETBIOS
	server role = active directory domain controller
	# loopback only, this DC's own addresses
	interfaces = $DC_INTERFACES
	bind interfaces only = yes
	private dir = $SAMBA_DIR/private
	state directory = $SAMBA_DIR/state
	cache directory = $SAMBA_DIR/cache
	binddns dir = $SAMBA_DIR/bind-dns
	lock directory = $RUN_DIR/lock
	pid directory = $RUN_DIR
	ncalrpc dir = $RUN_DIR/ncalrpc
	ntp signd socket directory = $RUN_DIR/ntp_signd
	winbindd socket directory = $RUN_DIR/winbindd
	# samba itself logs to log/log.samba (-l); samba-tool and friends to log/log.<name>
	log file = $LOG_DIR/log.%m
	logging = file
	max log size = 20000
$(dc_services_conf)
	dns port = $(dns_port)
	# empty: names outside the lab's zones get NXDOMAIN at once instead of a time-out
	dns forwarder =
	# a throwaway lab: no fsync (3-4x faster writes)
	ldb:nosync = true
	# the Exchange schema extension is added over LDAP
	dsdb:schema update allowed = true
	tls enabled = yes
	tls keyfile = $TLS_DIR/server.key
	tls certfile = $TLS_DIR/server.pem
	tls cafile = $CA_FILE
	# "ldap server require strong auth" stays at its default, like a real DC: simple binds over
	# plain ldap:// are refused; LDAPS and StartTLS work.
$(kerberos_smb_conf)
EOF
}

# --- start / stop -------------------------------------------------------------------------------
start_samba() {
  check_ports_free
  ensure_server_cert
  write_smb_conf # from this script every time: a changed setting applies at the next start
  mkdir -p "$RUN_DIR/lock" "$LOG_DIR"
  local pid t
  # setsid: samba leads its own session and process group, so `down` can stop exactly it.
  # No fd of ours may leak into samba: not the lock (fd 9, it would hold the lab's lock forever)
  # nor a caller's pipe (a test runner waiting for EOF would hang).
  (
    cd "$LAB"
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null || true
    done
    export HOME="$LAB/home"
    cwrap_export # names of both DCs without /etc/hosts (lab/dc2.sh)
    exec setsid samba -F -M single -s "$SMB_CONF" -l "$LOG_DIR" --maximum-runtime=$SAMBA_MAX_RUNTIME \
      </dev/null >>"$LOG_DIR/samba.stdout" 2>&1
  ) &
  pid=$!
  echo "$pid" >"$PID_FILE"
  for t in $(seq 1 600); do
    if ! pid_alive "$pid"; then
      tail -20 "$LOG_DIR/log.samba" >&2 2>/dev/null || true
      tail -5 "$LOG_DIR/samba.stdout" >&2 2>/dev/null || true
      rm -f "$PID_FILE"
      die "samba exited during start-up (logs in $LOG_DIR)"
    fi
    rootdse_answers && { log "samba pid $pid answers after $((t / 10)).$((t % 10)) s"; return 0; }
    sleep 0.1
  done
  stop_samba
  die "samba did not answer within 60 s (logs in $LOG_DIR)"
}

# All live (non-zombie) processes in samba's session.
session_pids() {
  ps -eo pid=,sid=,stat= | awk -v s="$1" '$2 == s && $3 !~ /^Z/ { print $1 }'
}

# stop_samba [quick]: quick skips waiting for init to reap the exited process (a zombie holds no
# port or file; only `down` waits, so that `ps` shows nothing afterwards).
stop_samba() {
  local pid i quick="${1:-}"
  if ! pid=$(recorded_pid); then
    rm -f "$PID_FILE"
    return 0
  fi
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 100); do
    [ -z "$(session_pids "$pid")" ] && break
    sleep 0.1
  done
  if [ -n "$(session_pids "$pid")" ]; then
    log "samba did not stop on TERM: KILL"
    kill -KILL -- "-$pid" 2>/dev/null || true
    # shellcheck disable=SC2046
    kill -KILL $(session_pids "$pid") 2>/dev/null || true
    sleep 0.2
  fi
  rm -f "$PID_FILE"
  wait_ports_free
  # The exited samba is a zombie until init reaps it (~1.3 s here): wait so `ps` shows nothing.
  [ "$quick" = quick ] && return 0
  for i in $(seq 1 50); do [ -e "/proc/$pid" ] || break; sleep 0.1; done
}

# --- directory content ----------------------------------------------------------------------------
generate_seed() {
  node "$LAB_SRC/seed.mjs" generate "$SEED_DIR" --omsyntax "$IM_OMSYNTAX"
}

# Schema batches end with schemaUpdateNow (in the LDIF) so the next batch sees the new classes.
extend_schema() {
  ldap_admin ldapmodify -f "$SEED_DIR/schema.ldif" >"$LOG_DIR/schema.log" 2>&1 ||
    { tail -20 "$LOG_DIR/schema.log" >&2; die "schema extension failed"; }
}

create_servers() {
  ldap_admin ldapmodify -f "$SEED_DIR/servers.ldif" >"$LOG_DIR/servers.log" 2>&1 ||
    { tail -20 "$LOG_DIR/servers.log" >&2; die "creating the IM virtual servers failed"; }
}

# The 12,013 users go straight into dc1's sam.ldb while it is stopped (offline_add, below): the
# same module stack as an LDAP add (SIDs, GUIDs, password hashes, replication metadata), without a
# commit and an LDAPS round trip per user. Over LDAPS (one ldapmodify) this step was most of a
# fresh lab's start: 51-66 s quiet, 80 s under load.
seed_users() {
  stop_samba quick
  offline_add "$SEED_DIR/users.ldif" || die "seeding users failed (see $LOG_DIR/offline-add.log)"
  start_samba
}

# Delete EXCH9's virtual server after its users were homed on it. Samba, like AD, keeps the users'
# value: the DN now names the tombstone (CN=IM Virtual Server\0ADEL:<guid>,CN=Deleted Objects,...).
MISSING_VS_DN=""
MISSING_ORPHANS=0
HOMED_VALUES="" # every IM-enabled user's msExchIMVirtualServer, one a line (verify_lab counts them)
make_missing_server_orphans() {
  ldap_admin ldapmodify -f "$SEED_DIR/delete-missing.ldif" >"$LOG_DIR/orphans.log" 2>&1 ||
    { tail -20 "$LOG_DIR/orphans.log" >&2; die "deleting the EXCH9 virtual server failed"; }
  local out
  HOMED_VALUES=$(ldap_admin ldapsearch -LLL -o ldif-wrap=no -E pr=1000/noprompt -b "$BASE_DN" \
    '(msExchIMVirtualServer=*)' msExchIMVirtualServer | sed -n 's/^msExchIMVirtualServer: //p')
  out=$(grep '\\0ADEL:' <<<"$HOMED_VALUES" || true)
  MISSING_ORPHANS=$(grep -c . <<<"$out" || true)
  MISSING_VS_DN=$(head -1 <<<"$out")
  log "users pointing at the deleted virtual server: $MISSING_ORPHANS (value now: ${MISSING_VS_DN:-none})"
}

# --- DNS ------------------------------------------------------------------------------------------
# batch_command ARGS: one samba-tool command for samba-tool-batch.py, as a JSON array, run as the
# lab's administrator (the lab's names and values hold no quote or backslash).
batch_command() {
  local arg json=""
  for arg in "$@" -U Administrator -s "$SMB_CONF" --use-kerberos=off; do
    json+="${json:+,}\"$arg\""
  done
  printf '[%s]\n' "$json"
}
# dns_command ARGS: `samba-tool dns ARGS` against dc1, for the batch.
dns_command() { batch_command dns "$1" 127.0.0.1 "${@:2}"; }

setup_dns() {
  : >"$LOG_DIR/dns.log"
  # One Python process for the twenty records: samba-tool's start-up was most of this step.
  {
    # Provisioning on loopback gives the DC no address: add one. dc0 names an address where nothing
    # listens, and its SRV record is preferred, so DC location must fail over to dc1.
    dns_command add "$DNS_DOMAIN" dc1 A 127.0.0.1
    dns_command add "$DNS_DOMAIN" dc0 A 127.0.0.9 # 127.0.0.2 is dc2
    local zone name pair
    for pair in "$DNS_DOMAIN _ldap._tcp" "_msdcs.$DNS_DOMAIN _ldap._tcp.dc"; do
      read -r zone name <<<"$pair"
      dns_command add "$zone" "$name" SRV "dc0.$DNS_DOMAIN 389 0 100"
      dns_command update "$zone" "$name" SRV "dc1.$DNS_DOMAIN 389 0 100" "dc1.$DNS_DOMAIN 389 10 100"
    done
    # Hosts of the IM servers (addresses are placeholders on loopback; nothing serves RVP there).
    local h ip
    for pair in exch1:127.0.0.11 exch2:127.0.0.12 exch3:127.0.0.13 exch4:127.0.0.14 imrouter:127.0.0.15; do
      h=${pair%%:*} ip=${pair#*:}
      dns_command add "$DNS_DOMAIN" "$h" A "$ip"
    done
    # The IM domain: _rvp._tcp SRV records (target port priority weight), and an apex address for
    # clients that fall back to http://<domain>/instmsg/aliases/<user>.
    dns_command zonecreate "$IM_DOMAIN"
    dns_command add "$IM_DOMAIN" @ A 127.0.0.10
    dns_command add "$IM_DOMAIN" _rvp._tcp SRV "exch1.$DNS_DOMAIN 80 0 10"
    dns_command add "$IM_DOMAIN" _rvp._tcp SRV "exch2.$DNS_DOMAIN 80 0 30"
    dns_command add "$IM_DOMAIN" _rvp._tcp SRV "imrouter.$DNS_DOMAIN 8080 10 0"
    # A domain with no _rvp record: clients use the domain itself.
    dns_command zonecreate norvp.imctl.test
    dns_command add norvp.imctl.test @ A 127.0.0.20
    # An IM domain whose _rvp SRV names a host that is no IM server of the org (imctl audit finds it).
    dns_command zonecreate badrvp.imctl.test
    dns_command add badrvp.imctl.test _rvp._tcp SRV "dc1.$DNS_DOMAIN 80 0 10"
  } | PASSWD="$(admin_password)" HOME="$LAB/home" /usr/bin/python3 "$LAB_SRC/samba-tool-batch.py" >>"$LOG_DIR/dns.log" 2>&1 ||
    { tail -5 "$LOG_DIR/dns.log" >&2; die "adding the lab's DNS records failed (see $LOG_DIR/dns.log)"; }
}

# --- verification ---------------------------------------------------------------------------------
count_entries() { grep -c '^dn:' || true; }
# expect_equal LABEL WANT GOT
expect_equal() {
  [ "$3" = "$2" ] || die "$1: $3, expected $2"
  log "  $1: $3"
}

verify_lab() {
  # LDAPS with certificate verification, anonymous RootDSE
  ldap_tls_env ldapsearch -H "$LDAPS_URL" -x -b '' -s base configurationNamingContext 2>&1 |
    grep -q "^configurationNamingContext: $CONFIG_DN" || die "LDAPS RootDSE read failed"
  # StartTLS bind by UPN
  ldap_tls_env ldapsearch -H "$LDAP_URL" -ZZ -x -D "$ADMIN_UPN" -y "$PW_FILE" -b "$BASE_DN" -s base dn 2>&1 |
    grep -q "^dn: $BASE_DN" || die "StartTLS bind as $ADMIN_UPN failed"
  # plain ldap:// simple bind must be refused (strong auth at its default, like a real DC)
  if ldapsearch -H "$LDAP_URL" -x -D "$ADMIN_UPN" -y "$PW_FILE" -b '' -s base >/dev/null 2>&1; then
    die "a simple bind over plain ldap:// was accepted: strong auth is off?"
  fi
  # The seeded counts, from two paged reads (not one search per figure: each pass over 12,000
  # users costs the DC seconds): every IM-enabled user's server (read once, by the orphans step
  # just before), and every user of the demo OU.
  local plan="$SEED_DIR/plan.json" homed="$HOMED_VALUES" staff name dn want got
  while IFS=$'\t' read -r name dn want; do
    got=$(grep -cixF -- "$dn" <<<"$homed" || true)
    [ "$got" = "$want" ] || die "server $name: $got users, expected $want"
    log "  $name: $got users"
  done < <(node -e '
    const p = require(process.argv[1]);
    for (const s of p.servers) if (!s.deleted) console.log([s.imServerName, s.dn, s.seededUsers].join("\t"));
  ' "$plan")
  local users im not_im enabled missing
  read -r users im not_im enabled missing < <(node -e '
    const p = require(process.argv[1]), t = p.totals;
    const missing = p.servers.filter((s) => s.deleted).reduce((n, s) => n + s.seededUsers, 0);
    console.log(t.users, t.imEnabled, t.notImEnabled, t.accountsEnabled, missing);
  ' "$plan")
  # One line per user of the demo OU: "<IM or -> <userAccountControl>".
  staff=$(ldap_admin ldapsearch -LLL -o ldif-wrap=no -E pr=1000/noprompt -b "$USERS_OU" '(objectClass=user)' msExchIMVirtualServer userAccountControl |
    awk '/^dn:/ { if (n) print im, uac; n = 1; im = "-"; uac = "" } /^msExchIMVirtualServer:/ { im = "IM" } /^userAccountControl:/ { uac = $2 } END { if (n) print im, uac }')
  expect_equal "users in $USERS_OU" "$users" "$(grep -c . <<<"$staff" || true)"
  expect_equal "IM-enabled users" "$im" "$(grep -c . <<<"$homed" || true)"
  expect_equal "not IM-enabled" "$not_im" "$(grep -c '^- ' <<<"$staff" || true)"
  expect_equal "accounts enabled (userAccountControl 512)" "$enabled" "$(grep -c ' 512$' <<<"$staff" || true)"
  [ "$MISSING_ORPHANS" = "$missing" ] || die "users on the deleted server: $MISSING_ORPHANS, expected $missing"
  log "  users on the deleted server: $MISSING_ORPHANS"
  # DNS
  local port srv
  port=$(dns_port)
  srv=$(dig +short @127.0.0.1 -p "$port" SRV "_rvp._tcp.$IM_DOMAIN" | sort)
  [ "$(grep -c . <<<"$srv")" = 3 ] || die "expected 3 _rvp SRV records, got: $srv"
  srv=$(dig +short @127.0.0.1 -p "$port" SRV "_ldap._tcp.$DNS_DOMAIN" | sort -n)
  head -1 <<<"$srv" | grep -q "dc0.$DNS_DOMAIN" || die "dc0 is not the preferred DC: $srv"
  dig +short @127.0.0.1 -p "$port" A "dc1.$DNS_DOMAIN" | grep -qx 127.0.0.1 || die "no A record for dc1"
  log "  DNS on 127.0.0.1:$port answers (_rvp: 3 records, _ldap: dc0 first)"
}

write_lab_json() {
  node "$LAB_SRC/seed.mjs" lab-json "$LAB" --dns-port "$(dns_port)" \
    --missing-vs-dn "$MISSING_VS_DN" --missing-orphans "$MISSING_ORPHANS"
}

# --- snapshot / restore ---------------------------------------------------------------------------
# Samba must be stopped: copying live mdb files could catch a half-written transaction.
take_snapshot() {
  stop_samba quick
  dc2_stop
  rm -rf "$SNAP_DIR"
  mkdir -p "$SNAP_DIR"
  cp -a --reflink=auto "$SAMBA_DIR" "$SNAP_DIR/samba"
  dc2_snapshot_save # both DCs stopped, so their replication state is consistent
  start_samba
  dc2_up
}

copy_back_snapshot() {
  [ -d "$SNAP_DIR/samba" ] || die "no snapshot in $SNAP_DIR: run reset"
  rm -rf "$SAMBA_DIR" "$RUN_DIR/lock"
  cp -a --reflink=auto "$SNAP_DIR/samba" "$SAMBA_DIR"
  mkdir -p "$RUN_DIR/lock"
  dc2_snapshot_restore
}

# A named snapshot of dc1 alone (the bench's 100,000-user directory: snapshot-large/), beside the
# seeded one. dc2 never holds that data: it stays stopped while dc1 runs a named snapshot, and
# `restore` brings both DCs back to the seeded state together.
named_snapshot_dir() {
  [[ "${1:-}" =~ ^[a-z][a-z0-9-]*$ ]] || die "a snapshot name is lower-case letters, digits and '-', not '${1:-}'"
  printf '%s/snapshot-%s' "$LAB" "$1"
}

cmd_save_named() {
  local dir
  dir=$(named_snapshot_dir "$1")
  step "stop samba" stop_samba quick
  dc2_stop
  rm -rf "$dir"
  mkdir -p "$dir"
  step "copy to $dir" cp -a --reflink=auto "$SAMBA_DIR" "$dir/samba"
  step "start samba (dc1 only)" start_samba
  print_timings
}

cmd_restore_named() {
  local dir
  dir=$(named_snapshot_dir "$1")
  [ -d "$dir/samba" ] || die "no snapshot in $dir"
  step "stop samba" stop_samba quick
  dc2_stop
  rm -rf "$SAMBA_DIR" "$RUN_DIR/lock"
  step "copy back $dir" cp -a --reflink=auto "$dir/samba" "$SAMBA_DIR"
  mkdir -p "$RUN_DIR/lock"
  step "start samba (dc1 only)" start_samba
  print_timings
}

# offline-add LDIF: dc1's sam.ldb takes the file's entries through Samba's own modules while dc1 is
# stopped (lab/offline-add.py), then dc1 starts again. For bulk seeds (the bench's 88,000 added
# users): an LDAP add costs a commit and a round trip each. dc2 must be stopped (it would miss the
# entries: it only ever sees them if it replicates, and the large snapshot is dc1's alone).
# Progress (entries, rate) goes to log/offline-add.log, to watch a long seed; its end is shown on failure.
offline_add() {
  mkdir -p "$LOG_DIR"
  # glibc's malloc spent half the adds' time coalescing free chunks (perf: _int_malloc, unlink_chunk,
  # malloc_consolidate: ldb copies each large index list on every add). No fastbins, no trimming and
  # no mmap for those copies: 300 adds to the seeded lab 12.1 s → 4.9 s.
  GLIBC_TUNABLES=glibc.malloc.mxfast=0:glibc.malloc.trim_threshold=1000000000:glibc.malloc.top_pad=268435456:glibc.malloc.mmap_threshold=1000000000 \
    /usr/bin/python3 "$LAB_SRC/offline-add.py" "$SMB_CONF" "$SAMBA_DIR/private/sam.ldb" "$1" 2>>"$LOG_DIR/offline-add.log" ||
    { tail -20 "$LOG_DIR/offline-add.log" >&2; return 1; }
  tail -1 "$LOG_DIR/offline-add.log" >&2
}

cmd_offline_add() {
  local ldif="${1:-}"
  [ -f "$ldif" ] || die "offline-add: no LDIF file '${ldif}'"
  ldif=$(realpath "$ldif")
  ! dc2_joined || ! dc2_running || die "offline-add: stop dc2 first (lab.sh stop-dc 2)"
  step "stop dc1" stop_samba quick
  step "offline add $(basename "$ldif")" offline_add "$ldif"
  step "start dc1" start_samba
  print_timings
}

# --- commands -------------------------------------------------------------------------------------
# Serialise lab.sh runs on one lab folder (tests may call `up` concurrently).
take_lock() {
  mkdir -p "$LAB"
  exec 9>"$LOCK_FILE"
  flock -w 900 9 || die "another lab.sh holds $LOCK_FILE"
}

require_root() {
  [ "$(id -u)" = 0 ] || die "run as root: Samba listens on 389/636 and provisions as root"
}

full_provision() {
  PROVISIONING=1
  log "provisioning a new lab in $LAB"
  step "prepare" prepare_dirs
  step "packages" ensure_packages
  step "dns port" pick_dns_port
  step "tls certificates" make_ca
  step "provision (samba-tool)" provision
  step "generate seed data" generate_seed
  step "start samba" start_samba
  step "schema extension" extend_schema
  step "IM virtual servers" create_servers
  step "seed users" seed_users
  step "orphans on deleted server" make_missing_server_orphans
  step "dns records" setup_dns
  step "verify" verify_lab
  step "lab.json / imctl.json" write_lab_json
  step "kerberos" setup_kerberos
  # After the Kerberos part, so the join copies the operator, its OU and the SPNs.
  step "second DC (join dc2)" dc2_provision
  echo "$LAB_FORMAT" >"$FORMAT_FILE"
  step "snapshot" take_snapshot
  date -u +%Y-%m-%dT%H:%M:%SZ >"$MARKER"
  PROVISIONING=""
}

cmd_up() {
  # A lab built by an older lab.sh lacks what the tests now need (Kerberos, the second DC): a
  # consistent two-DC snapshot cannot be patched in, so it is rebuilt from nothing (a few minutes).
  if [ -f "$MARKER" ] && [ "$(cat "$FORMAT_FILE" 2>/dev/null)" != "$LAB_FORMAT" ]; then
    log "this lab was built by an older lab.sh (format $(cat "$FORMAT_FILE" 2>/dev/null || echo 1), now $LAB_FORMAT): rebuilding it"
    step "stop and delete lab" wipe_lab
    check_ports_free
    full_provision
    print_timings
    log "lab running: $LDAPS_URL (CA $CA_FILE), DNS 127.0.0.1:$(dns_port)"
    return 0
  fi
  if is_running; then
    log "lab already running (pid $(cat "$PID_FILE"), $LDAPS_URL)"
    dc2_up
    return 0
  fi
  # A samba that is alive but not answering yet (another start in progress, or hung): wait a bit.
  local pid t
  if pid=$(recorded_pid); then
    for t in $(seq 1 100); do rootdse_answers && { log "lab already running (pid $pid)"; return 0; }; sleep 0.1; done
    log "samba pid $pid does not answer: restarting it"
    step "stop samba" stop_samba
  fi
  check_ports_free # before any work: refuse at once if another lab or service holds the ports
  if [ -f "$MARKER" ]; then
    [ -f "$SMB_CONF" ] || die "$LAB is marked provisioned but has no smb.conf: run reset"
    step "start samba" start_samba
    dc2_up
    ensure_kerberos_addon
  else
    if [ -e "$SAMBA_DIR" ]; then
      log "found a half-built lab (no $MARKER): rebuilding it"
      wipe_lab
    fi
    full_provision
  fi
  print_timings
  log "lab running: $LDAPS_URL (CA $CA_FILE), DNS 127.0.0.1:$(dns_port); eval \"\$(bash lab/lab.sh env)\""
}

cmd_down() {
  dc2_down
  if recorded_pid >/dev/null; then
    step "stop samba" stop_samba
    print_timings
  else
    log "lab not running"
  fi
}

# Delete the lab folder's content, all but the lock we hold.
wipe_lab() {
  stop_samba
  dc2_stop
  find "$LAB" -mindepth 1 -maxdepth 1 ! -name "$(basename "$LOCK_FILE")" -exec rm -rf {} +
}

cmd_reset() {
  step "stop and delete lab" wipe_lab
  check_ports_free
  full_provision
  print_timings
  log "lab running: $LDAPS_URL (CA $CA_FILE), DNS 127.0.0.1:$(dns_port)"
}

cmd_restore() {
  [ -f "$MARKER" ] || die "no provisioned lab in $LAB: run up"
  step "stop samba" stop_samba quick
  dc2_stop
  step "copy back snapshot" copy_back_snapshot
  step "start samba" start_samba
  dc2_up
  print_timings
}

cmd_status() {
  local pid
  if pid=$(recorded_pid) && rootdse_answers; then
    echo "running (pid $pid)"
    echo "  lab dir:  $LAB"
    echo "  ldaps:    $LDAPS_URL (CA $CA_FILE)"
    echo "  ldap:     $LDAP_URL (StartTLS required for binds)"
    echo "  gc:       ldap://localhost:3268, ldaps://localhost:3269"
    echo "  dns:      127.0.0.1:$(dns_port) (udp/tcp)"
    echo "  bind as:  $ADMIN_UPN, password in $PW_FILE"
    dc2_status
    return 0
  fi
  if [ -f "$MARKER" ]; then echo "stopped (provisioned in $LAB)"; else echo "stopped (not provisioned: $LAB)"; fi
  return 3
}

cmd_env() {
  local kv
  for kv in \
    "IMCTL_LAB_DIR=$LAB" \
    "LDAPTLS_CACERT=$CA_FILE" \
    "IMCTL_LAB_CA_FILE=$CA_FILE" \
    "IMCTL_LAB_BASE_DN=$BASE_DN" \
    "IMCTL_LAB_CONFIG_DN=$CONFIG_DN" \
    "IMCTL_LAB_USERS_OU=$USERS_OU" \
    "IMCTL_LAB_BIND_DN=$ADMIN_UPN" \
    "IMCTL_LAB_ADMIN_DN=$ADMIN_DN" \
    "IMCTL_LAB_PASSWORD_FILE=$PW_FILE" \
    "IMCTL_LAB_LDAPS_URL=$LDAPS_URL" \
    "IMCTL_LAB_LDAP_URL=$LDAP_URL" \
    "IMCTL_LAB_DNS_SERVER=127.0.0.1" \
    "IMCTL_LAB_DNS_PORT=$(dns_port)" \
    "IMCTL_LAB_IM_DOMAIN=$IM_DOMAIN" \
    "IMCTL_LAB_CONFIG=$LAB/imctl.json" \
    "IMCTL_LAB_JSON=$LAB/lab.json"; do
    local v="${kv#*=}"
    printf "export %s='%s'\n" "${kv%%=*}" "${v//\'/\'\\\'\'}" # POSIX single quotes
  done
  kerberos_env
}

usage() {
  cat >&2 <<EOF
usage: bash lab/lab.sh <command>      (npm run lab -- <command>)
  up       start the lab; provision it first if needed (idempotent)
  down     stop samba and wait until its ports are free
  reset    down, delete $LAB, up (a fresh provision)
  restore  return to the freshly seeded state from the snapshot (a few seconds)
  save-snapshot NAME      keep dc1's state as .lab/snapshot-NAME (dc2 is stopped; restore restarts it)
  restore-snapshot NAME   dc1 back to .lab/snapshot-NAME, dc2 stopped (e.g. the bench's large directory)
  offline-add LDIF        add LDIF's entries to dc1's sam.ldb with dc1 stopped (bulk seeds; dc2 stopped)
  status   running/stopped, pid, URLs (exit 0 running, 3 stopped)
  env      export lines for eval: eval "\$(bash lab/lab.sh env)"
$(dc2_usage)
lab folder: \${IMCTL_LAB_DIR:-<repo>/.lab} = $LAB
EOF
}

main() {
  local cmd="${1:-}"
  T_START=$(now)
  case "$cmd" in
    up) require_root; take_lock; cmd_up ;;
    down) [ -d "$LAB" ] || { log "lab not running"; return 0; }; take_lock; cmd_down ;;
    reset) require_root; take_lock; cmd_reset ;;
    restore) require_root; take_lock; cmd_restore ;;
    save-snapshot) require_root; take_lock; cmd_save_named "${2:-}" ;;
    restore-snapshot) require_root; take_lock; cmd_restore_named "${2:-}" ;;
    offline-add) require_root; take_lock; cmd_offline_add "${2:-}" ;;
    status) cmd_status ;;
    env) cmd_env ;;
    replicate | showrepl | stop-dc | start-dc) require_root; dc2_command "$@" ;;
    -h | --help | help) usage ;;
    *) usage; exit 2 ;;
  esac
}

main "$@"
