# shellcheck shell=bash
# Sourced by lab/lab.sh: the lab's second domain controller, dc2.lab.imctl.test on 127.0.0.2, joined
# to the lab domain as an additional DC and replicating with dc1 over DRS; and the cwrap name
# resolution both DCs run with, so they find each other by name without /etc/hosts or
# /etc/resolv.conf changing (the way Samba's own test environments run several DCs on one host).
#
# dc2 reuses lab.sh's own start/stop/certificate code: `in_dc2 FUNCTION` runs it in a subshell whose
# layout variables (LAB, SAMBA_DIR, RUN_DIR, ...) and address point at dc2 instead of dc1.

DC2_HOST=dc2
DC2_IP=127.0.0.2
DC2_LAB="$LAB/dc2"                 # dc2's own samba/, run/, log/, tls/, home/
DC2_MARKER="$DC2_LAB/.joined"      # written last: dc2 exists and has replicated
DC2_JSON="$LAB/dc2.json"           # facts for the tests (the DCs, their URLs, the naming contexts)
DC2_FAILED="$LAB/dc2.failed"       # why the last build of dc2 failed (absent once one succeeds)
CWRAP_DIR="$LAB/cwrap"             # nss_wrapper hosts, resolv_wrapper records, krb5.conf
DSA_GUIDS="$CWRAP_DIR/dsa-guids"   # "<host> <NTDS Settings objectGUID>": replication names DCs by it
# Automatic replication is slowed to once an hour so that tests decide when a change reaches the
# other DC (`lab.sh replicate`); IMCTL_LAB_REPL_INTERVAL=5 gives a lab that replicates by itself.
REPL_INTERVAL="${IMCTL_LAB_REPL_INTERVAL:-3600}"

# --- smb.conf lines both DCs share ------------------------------------------------------------------
dc_services_conf() {
  cat <<EOF
	# LDAP and DNS for clients; RPC for samba-tool dns and DRS; Kerberos (DC-to-DC replication
	# authenticates with it) and CLDAP (the join's DC ping); drepl/kcc replicate with the other DC.
	server services = ldap cldap dns rpc kdc drepl kcc
	dcerpc endpoint servers = epmapper dnsserver drsuapi lsarpc samr netlogon dssetup
	# replication runs when \`lab.sh replicate\` asks (a replica that has not seen a write yet is
	# what the replication tests are about); IMCTL_LAB_REPL_INTERVAL changes it
	dreplsrv:periodic_interval = $REPL_INTERVAL
	dreplsrv:periodic_startup_interval = $REPL_INTERVAL
	dreplsrv:notify_interval = $REPL_INTERVAL
	kccsrv:periodic_interval = $REPL_INTERVAL
EOF
}

# --- cwrap: private names for the DCs ---------------------------------------------------------------
# nss_wrapper answers getaddrinfo from a hosts file and resolv_wrapper answers DNS queries (SRV,
# CNAME) from a records file, for the processes that preload them: samba and samba-tool only.
cwrap_write() {
  mkdir -p "$CWRAP_DIR"
  local host guid aliases1="" aliases2=""
  while read -r host guid; do
    [ "$host" = dc1 ] && aliases1=" $guid._msdcs.$DNS_DOMAIN"
    [ "$host" = dc2 ] && aliases2=" $guid._msdcs.$DNS_DOMAIN"
  done < <(cat "$DSA_GUIDS" 2>/dev/null || true)
  cat >"$CWRAP_DIR/hosts" <<EOF
127.0.0.1 localhost
::1 localhost ip6-localhost
127.0.0.1 $DC_HOST.$DNS_DOMAIN $DC_HOST$aliases1
$DC2_IP $DC2_HOST.$DNS_DOMAIN $DC2_HOST$aliases2
EOF
  {
    echo "A $DC_HOST.$DNS_DOMAIN 127.0.0.1"
    echo "A $DC2_HOST.$DNS_DOMAIN $DC2_IP"
    while read -r host guid; do echo "CNAME $guid._msdcs.$DNS_DOMAIN $host.$DNS_DOMAIN"; done < <(cat "$DSA_GUIDS" 2>/dev/null || true)
    for host in "$DC_HOST" "$DC2_HOST"; do
      echo "SRV _ldap._tcp.$DNS_DOMAIN $host.$DNS_DOMAIN 389 0 100"
      echo "SRV _ldap._tcp.dc._msdcs.$DNS_DOMAIN $host.$DNS_DOMAIN 389 0 100"
      echo "SRV _kerberos._tcp.$DNS_DOMAIN $host.$DNS_DOMAIN 88 0 100"
      echo "SRV _kerberos._udp.$DNS_DOMAIN $host.$DNS_DOMAIN 88 0 100"
      echo "SRV _kerberos._tcp.dc._msdcs.$DNS_DOMAIN $host.$DNS_DOMAIN 88 0 100"
    done
  } >"$CWRAP_DIR/dns-records"
  cat >"$CWRAP_DIR/krb5.conf" <<EOF
[libdefaults]
	default_realm = $REALM
	dns_lookup_kdc = true
	dns_lookup_realm = false
	rdns = false
[realms]
	$REALM = {
		kdc = $DC_HOST.$DNS_DOMAIN
		kdc = $DC2_HOST.$DNS_DOMAIN
	}
EOF
}

cwrap_export() {
  [ -f "$CWRAP_DIR/hosts" ] || cwrap_write
  export LD_PRELOAD="libnss_wrapper.so:libresolv_wrapper.so${LD_PRELOAD:+:$LD_PRELOAD}"
  export NSS_WRAPPER_HOSTS="$CWRAP_DIR/hosts" RESOLV_WRAPPER_HOSTS="$CWRAP_DIR/dns-records"
  export KRB5_CONFIG="$CWRAP_DIR/krb5.conf"
}

# samba-tool against the DCs, with the lab's names and the administrator's password.
lab_samba_tool() {
  (
    cwrap_export
    export HOME="$LAB/home" PASSWD="$(admin_password)"
    samba-tool "$@" -U "$NETBIOS\\Administrator" --use-kerberos=off
  )
}

# --- dc2 in lab.sh's own functions -------------------------------------------------------------------
in_dc2() {
  (
    LAB="$DC2_LAB" SAMBA_DIR="$DC2_LAB/samba" RUN_DIR="$DC2_LAB/run" LOG_DIR="$DC2_LAB/log" TLS_DIR="$DC2_LAB/tls"
    SMB_CONF="$SAMBA_DIR/etc/smb.conf" PID_FILE="$RUN_DIR/lab.pid"
    DC_HOST="$DC2_HOST" DC_IP="$DC2_IP" DC_INTERFACES="$DC2_IP/8" # /8: lo carries only 127.0.0.1, the rest of 127/8 is routed to it
    cert_hostnames() { echo "$DC2_HOST.$DNS_DOMAIN"; }
    mkdir -p "$LAB/home" "$LOG_DIR" "$RUN_DIR/lock" "$TLS_DIR"
    "$@"
  )
}

dc2_joined() { [ -f "$DC2_MARKER" ]; }
dc2_running() { in_dc2 is_running >/dev/null 2>&1; }
dc2_stop() { in_dc2 stop_samba quick; }
dc2_start() { in_dc2 start_samba; }

# Start dc2 if this lab has one; a dc2 that cannot start is reported, and dc1 stays up.
dc2_up() {
  if ! dc2_joined; then
    log "WARNING: this lab has no second DC ($DC2_HOST): it was built before dc2 existed, or its join failed (see $DC2_LAB/log). Run \`bash lab/lab.sh reset\`."
    return 0
  fi
  local t0
  if ! dc2_running; then
    t0=$(now)
    if ! dc2_start; then
      log "WARNING: the second DC ($DC2_HOST, $DC2_IP) could not start; dc1 is up. Logs: $DC2_LAB/log/log.samba"
      return 0
    fi
    TIMINGS+=("$(printf '%-28s %6s s' "start $DC2_HOST" "$(secs "$t0" "$(now)")")")
  fi
  dc2_kerberos || log "WARNING: Kerberos to $DC2_HOST is not set up (see $LOG_DIR/kerberos.log): a sealed failover to it cannot bind"
}

# Kerberos to dc2, at every start and idempotent (older labs need no rebuild): the lab's krb5.conf
# and hosts file name dc2 and its KDC (write_krb5_conf), and dc2's machine account carries the
# ldap/ SPN a client asks a ticket for (the join gives it HOST/ names only). Written on each DC
# over LDAPS, so either KDC issues the ticket without waiting for replication.
dc2_kerberos() {
  [ -f "$KRB5_MARKER" ] || return 0
  write_krb5_conf
  local spn="ldap/$DC2_HOST.$DNS_DOMAIN" url
  for url in "$LDAPS_URL" "ldaps://$DC2_IP"; do
    ldap_tls_env ldapsearch -H "$url" -x -D "$ADMIN_UPN" -y "$PW_FILE" -LLL -b "$BASE_DN" "(servicePrincipalName=$spn)" 1.1 2>>"$LOG_DIR/kerberos.log" | grep -q '^dn:' && continue
    ldap_tls_env ldapmodify -H "$url" -x -D "$ADMIN_UPN" -y "$PW_FILE" >>"$LOG_DIR/kerberos.log" 2>&1 <<EOF || return 1
dn: CN=${DC2_HOST^^},OU=Domain Controllers,$BASE_DN
changetype: modify
add: servicePrincipalName
servicePrincipalName: $spn
EOF
    log "  added SPN $spn on $url"
  done
}

dc2_down() {
  in_dc2 recorded_pid >/dev/null 2>&1 || return 0
  step "stop $DC2_HOST" in_dc2 stop_samba
}

dc2_snapshot_save() {
  dc2_joined || return 0
  cp -a --reflink=auto "$DC2_LAB/samba" "$SNAP_DIR/dc2-samba"
}
dc2_snapshot_restore() {
  [ -d "$SNAP_DIR/dc2-samba" ] || return 0
  rm -rf "$DC2_LAB/samba" "$DC2_LAB/run/lock"
  cp -a --reflink=auto "$SNAP_DIR/dc2-samba" "$DC2_LAB/samba"
}

# --- building dc2 ------------------------------------------------------------------------------------
# The naming contexts the two DCs replicate.
lab_ncs() { echo "$BASE_DN" "$CONFIG_DN" "CN=Schema,$CONFIG_DN" "DC=DomainDnsZones,$BASE_DN" "DC=ForestDnsZones,$BASE_DN"; }

# record_dsa_guids SAM_LDB COUNT: "<host> <guid>" of every DC's NTDS Settings object, as that
# database knows them (DRS addresses a DC as <guid>._msdcs.<forest>). Reading the mdb files of a
# running samba is safe: readers do not block the writer.
record_dsa_guids() {
  ldbsearch -H "$1" -b "CN=Sites,$CONFIG_DN" '(objectClass=nTDSDSA)' objectGUID 2>/dev/null |
    awk '/^dn: / { split($0, p, ","); sub(/^CN=/, "", p[2]); host = tolower(p[2]) } /^objectGUID: / { print host, $2 }' >"$DSA_GUIDS"
  [ "$(grep -c . "$DSA_GUIDS")" = "$2" ] || die "expected $2 DCs' NTDS Settings, found: $(cat "$DSA_GUIDS")"
  cwrap_write
}

# The replication SPN of dc1 (<DRS interface>/<NTDS GUID>/<domain>), which a provision leaves to
# samba_spnupdate (the dnsupdate service the lab does not run). Without it dc2 cannot get a
# Kerberos ticket for dc1 and DsReplicaSync fails ("not registered with our KDC"). Added before the
# join, so dc2's copy of the directory has it too.
add_dc1_drs_spn() {
  local guid
  guid=$(awk -v h="$DC_HOST" '$1 == h { print $2 }' "$DSA_GUIDS")
  ldap_admin ldapmodify >>"$DC2_LAB/log/join.log" 2>&1 <<EOF || die "cannot add dc1's replication SPN"
dn: CN=${DC_HOST^^},OU=Domain Controllers,$BASE_DN
changetype: modify
add: servicePrincipalName
servicePrincipalName: E3514235-4B06-11D1-AB04-00C04FC2DCD2/$guid/$DNS_DOMAIN
servicePrincipalName: GC/$DC_HOST.$DNS_DOMAIN/$DNS_DOMAIN
-

EOF
}

dc2_join() {
  lab_samba_tool domain join "$DNS_DOMAIN" DC --server="$DC_HOST.$DNS_DOMAIN" \
    --targetdir="$DC2_LAB/samba" --dns-backend=SAMBA_INTERNAL --backend-store=mdb \
    --option="netbios name = ${DC2_HOST^^}" --option="interfaces = $DC2_IP/8" --option="bind interfaces only = yes" \
    </dev/null >"$DC2_LAB/log/join.log" 2>&1 ||
    { tail -30 "$DC2_LAB/log/join.log" >&2; die "samba-tool domain join failed (see $DC2_LAB/log/join.log)"; }
}

# dc2's address and its place in the DC locator's SRV records, after dc1 (priority 20 against dc1's
# 10): a client that follows SRV order reaches dc1 while it answers and dc2 when it does not, so the
# tests that read back with ldapsearch on dc1 stay deterministic.
dc2_dns_records() {
  local zone name pair
  samba_dns_tolerant add "$DNS_DOMAIN" "$DC2_HOST" A "$DC2_IP"
  for pair in "$DNS_DOMAIN _ldap._tcp" "_msdcs.$DNS_DOMAIN _ldap._tcp.dc"; do
    read -r zone name <<<"$pair"
    samba_dns_tolerant add "$zone" "$name" SRV "$DC2_HOST.$DNS_DOMAIN 389 20 100"
  done
}
# samba-tool dns add, where a record the join already wrote is fine.
samba_dns_tolerant() {
  local out
  out=$(lab_samba_tool dns "$1" 127.0.0.1 "${@:2}" -s "$SMB_CONF" 2>&1) && return 0
  grep -q 'WERR_DNS_ERROR_RECORD_ALREADY_EXISTS' <<<"$out" && return 0
  printf '%s\n' "$out" >&2
  die "samba-tool dns $* failed"
}

# replicate_all [NC...]: both directions, every naming context unless told, one pull after the
# other in one samba-tool-batch.py process (samba-tool's start-up, most of a pull's time, is paid
# once; each pull is tried three times: right after a DC restarts, its partner's first pull fails on
# the connection it kept to the old process, WERR_NETNAME_DELETED). Never two pulls at once: a DC
# that pulls asks a KDC for a ticket to its partner, and a `-M single` DC does that while serving
# nothing else. When both pulled at once, each could wait for the other's KDC until the request
# timed out (NT_STATUS_NO_LOGON_SERVERS in log.samba, samba-tool's LDAP timing out on both DCs).
replicate_all() {
  local nc ncs pair to from
  ncs=("$@")
  [ ${#ncs[@]} -gt 0 ] || read -r -a ncs <<<"$(lab_ncs)" # the lab's DNs have no spaces
  for pair in "$DC2_HOST $DC_HOST" "$DC_HOST $DC2_HOST"; do
    read -r to from <<<"$pair"
    for nc in "${ncs[@]}"; do batch_command drs replicate "$to.$DNS_DOMAIN" "$from.$DNS_DOMAIN" "$nc"; done
  done | (
    cwrap_export
    PASSWD="$(admin_password)" HOME="$LAB/home" /usr/bin/python3 "$LAB_SRC/samba-tool-batch.py"
  ) >>"$LOG_DIR/replicate.log" 2>&1 ||
    { tail -5 "$LOG_DIR/replicate.log" >&2; die "dc1 and dc2 could not replicate every naming context (see $LOG_DIR/replicate.log)"; }
}

write_dc2_json() {
  node -e '
    const [file, dc1, dc2] = process.argv.slice(1).map((a, i) => (i === 0 ? a : JSON.parse(a)));
    require("node:fs").writeFileSync(file, JSON.stringify({ dcs: [dc1, dc2] }, null, 2) + "\n");
  ' "$DC2_JSON" \
    "{\"name\":\"$DC_HOST\",\"host\":\"$DC_HOST.$DNS_DOMAIN\",\"ip\":\"127.0.0.1\",\"ldapsUrl\":\"ldaps://127.0.0.1\",\"dnsServer\":\"127.0.0.1\"}" \
    "{\"name\":\"$DC2_HOST\",\"host\":\"$DC2_HOST.$DNS_DOMAIN\",\"ip\":\"$DC2_IP\",\"ldapsUrl\":\"ldaps://$DC2_IP\",\"dnsServer\":\"$DC2_IP\"}"
}

# The whole second DC, after dc1 is built and running. Not fatal to the lab: a dc2 that cannot be
# built is reported and dc1 stays usable (the replication tests then say dc2 is missing).
dc2_provision() {
  rm -f "$DC2_FAILED"
  if ! (dc2_build); then
    log "WARNING: the second DC ($DC2_HOST) could not be built; dc1 is up. Logs: $DC2_LAB/log"
    echo "logs: $DC2_LAB/log, $LOG_DIR/replicate.log" >>"$DC2_FAILED"
    in_dc2 stop_samba quick || true
  fi
  return 0
}

# Runs in a subshell that is the condition of an `if`, where set -e does not apply: every step
# that can fail ends in die, which here also keeps its reason in $DC2_FAILED (the tests that need
# dc2 quote it: a CI log shows their failures, not lab.sh's output minutes before).
dc2_build() {
  die() {
    printf '[lab] ERROR: %s\n' "$*" | tee -a "$DC2_FAILED" >&"$ERR_FD"
    exit 1
  }
  local t0
  in_dc2 stop_samba quick || die "cannot stop an old dc2"
  rm -rf "$DC2_LAB" "$DSA_GUIDS"
  mkdir -p "$DC2_LAB/log" "$DC2_LAB/home"
  record_dsa_guids "$SAMBA_DIR/private/sam.ldb" 1
  add_dc1_drs_spn
  t0=$(now)
  dc2_join
  log "  join (replicates the whole directory to dc2): $(secs "$t0" "$(now)") s"
  record_dsa_guids "$DC2_LAB/samba/private/sam.ldb" 2
  dc2_start || die "dc2 did not start after the join (see $DC2_LAB/log/log.samba)"
  dc2_dns_records
  t0=$(now)
  local dc
  for dc in "$DC_HOST" "$DC2_HOST"; do
    lab_samba_tool drs kcc "$dc.$DNS_DOMAIN" -s "$SMB_CONF" >>"$LOG_DIR/replicate.log" 2>&1 || die "samba-tool drs kcc $dc failed (see $LOG_DIR/replicate.log)"
  done
  replicate_all
  log "  kcc + replication both ways, every naming context: $(secs "$t0" "$(now)") s"
  dc2_verify
  write_dc2_json || die "cannot write $DC2_JSON"
  date -u +%Y-%m-%dT%H:%M:%SZ >"$DC2_MARKER"
}

# dc2 holds what dc1 holds, answers LDAPS with its own certificate, and serves the lab's DNS.
dc2_verify() {
  local n1 n2
  n1=$(ldap_admin ldapsearch -LLL -E pr=1000/noprompt -b "$USERS_OU" '(objectClass=user)' 1.1 | count_entries)
  n2=$(ldap_tls_env ldapsearch -H "ldaps://$DC2_IP" -x -D "$ADMIN_UPN" -y "$PW_FILE" -LLL -E pr=1000/noprompt -b "$USERS_OU" '(objectClass=user)' 1.1 | count_entries)
  [ "$n1" = "$n2" ] || die "dc2 has $n2 users in $USERS_OU, dc1 $n1"
  log "  dc2 over LDAPS (certificate verified): $n2 users, as on dc1"
  dig +short @"$DC2_IP" -p "$(dns_port)" SRV "_ldap._tcp.$DNS_DOMAIN" | grep -q "$DC2_HOST.$DNS_DOMAIN" ||
    die "dc2's DNS does not list dc2 in _ldap._tcp.$DNS_DOMAIN"
  log "  dc2's DNS on $DC2_IP:$(dns_port) lists both DCs"
}

# --- lab.sh replicate | showrepl | stop-dc | start-dc -------------------------------------------------
dc_number() {
  case "$1" in 1 | dc1) echo 1 ;; 2 | dc2) echo 2 ;; *) die "no DC '$1' (1 or 2)" ;; esac
}

dc2_command() {
  local cmd="$1" n
  shift
  dc2_joined || die "this lab has no second DC: run \`bash lab/lab.sh reset\`"
  case "$cmd" in
    replicate)
      # replicate [NC...]: both ways now. Writes to a stopped DC's side simply wait.
      take_lock
      step "replicate dc1 <-> dc2" replicate_all "$@"
      ;;
    showrepl)
      n=$(dc_number "${1:-1}")
      [ "$n" = 1 ] && lab_samba_tool drs showrepl "$DC_HOST.$DNS_DOMAIN" -s "$SMB_CONF"
      [ "$n" = 2 ] && lab_samba_tool drs showrepl "$DC2_HOST.$DNS_DOMAIN" -s "$SMB_CONF"
      ;;
    stop-dc)
      n=$(dc_number "${1:-}")
      take_lock
      if [ "$n" = 1 ]; then step "stop dc1" stop_samba quick; else step "stop dc2" dc2_stop; fi
      ;;
    start-dc)
      n=$(dc_number "${1:-}")
      take_lock
      if [ "$n" = 1 ]; then is_running || step "start dc1" start_samba; else dc2_running || step "start dc2" dc2_start; fi
      ;;
  esac
  return 0
}

dc2_status() {
  local pid
  if ! dc2_joined; then
    echo "  dc2:      none in this lab (reset builds one)"
    if [ -f "$DC2_FAILED" ]; then sed 's/^/            /' "$DC2_FAILED"; fi
  elif pid=$(in_dc2 recorded_pid 2>/dev/null) && dc2_running; then echo "  dc2:      running (pid $pid), ldaps://$DC2_IP ($DC2_HOST.$DNS_DOMAIN), DNS $DC2_IP:$(dns_port); replicates on \`lab.sh replicate\`"
  else echo "  dc2:      stopped (lab.sh start-dc 2)"
  fi
}

dc2_usage() {
  cat <<EOF
  replicate [NC...]   dc1 and dc2 replicate both ways now (every naming context unless named)
  showrepl [1|2]      samba-tool drs showrepl on dc1 (default) or dc2
  stop-dc 1|2         stop one DC (the other keeps running)
  start-dc 1|2        start a stopped DC
EOF
}
