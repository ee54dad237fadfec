# shellcheck shell=bash
# Kerberos in the lab (sourced by lab/lab.sh): Samba's own KDC, a krb5.conf and a hosts file inside
# the lab folder (nothing system-wide changes), the DC's ldap/ service principal, and a delegated
# IM operator who may write the four IM attributes in one OU only.
#
# Uses lab.sh's variables and helpers (LAB, SAMBA_DIR, REALM, DNS_DOMAIN, BASE_DN, ldap_admin, log, die).

KRB5_CONF="$LAB/krb5.conf"
KRB5_HOSTS="$LAB/hosts"          # for nss_wrapper: dc1.lab.imctl.test without touching /etc/hosts
KRB5_CCACHE="$LAB/krb5cc_admin"  # the suggested admin ticket cache (`lab.sh env`)
KRB5_MARKER="$LAB/.kerberos"     # written when setup_kerberos finished
DC_FQDN="$DC_HOST.$DNS_DOMAIN"
DC_SPN="ldap/$DC_FQDN"
# The delegated IM operator: may write the four IM attributes on the users of one OU, nothing else.
PILOT_OU="OU=IM Pilot,$BASE_DN"
OPERATOR_SAM=imop
OPERATOR_UPN="$OPERATOR_SAM@$DNS_DOMAIN"
OPERATOR_DN="CN=IM Operator,CN=Users,$BASE_DN"
OPERATOR_PW_FILE="$LAB/imop.password"
OPERATOR_PASSWORD='Imctl-Lab-Operator-1!' # lab only, like the admin's
PILOT_USERS=(pilot1 pilot2 pilot3)
# The IM attributes the operator may write (their schemaIDGUIDs are looked up in the lab's schema).
IM_ATTRIBUTES=(msExchIMAddress msExchIMMetaPhysicalURL msExchIMPhysicalURL msExchIMVirtualServer)
EXCHANGE_DN="CN=Microsoft Exchange,CN=Services,$CONFIG_DN"
USER_CLASS_GUID=bf967aba-0de6-11d0-a285-00aa003049e2 # the schemaIDGUID of class user, fixed in every AD

# krb5-user: kinit/klist; libkrb5-dev: to build the `kerberos` npm package; the SASL GSSAPI module:
# the independent ldapsearch -Y GSSAPI check; nss_wrapper: the DC's name for ldapsearch; faketime:
# the clock-skew test.
PACKAGES+=(krb5-user libkrb5-dev libsasl2-modules-gssapi-mit libnss-wrapper faketime)

# Lines appended to smb.conf's [global].
kerberos_smb_conf() {
  cat <<EOF
	# Kerberos (lab/kerberos.sh): AD allows a GSSAPI bind over LDAPS/StartTLS without a SASL
	# security layer; Samba's default ("yes") refuses it. Simple binds over plain ldap:// stay refused.
	ldap server require strong auth = allow_sasl_over_tls
EOF
}

# With a second DC (lab/dc2.sh), its KDC comes second and its name is in the hosts file: a client
# whose first DC is gone still gets a ticket for dc2 (rewritten at every start, see dc2_kerberos).
write_krb5_conf() {
  cat >"$KRB5_CONF" <<EOF
# Written by lab/kerberos.sh: KRB5_CONFIG=$KRB5_CONF. The lab's KDC is Samba on 127.0.0.1:88.
[libdefaults]
	default_realm = $REALM
	dns_lookup_kdc = false
	dns_lookup_realm = false
	# The DC is named dc1.$DNS_DOMAIN only in the lab's DNS: never ask the host's resolver.
	dns_canonicalize_hostname = false
	rdns = false
	# Short-lived tickets are allowed (the expired-ticket test asks for a few seconds).
	ticket_lifetime = 10h
	forwardable = false
[realms]
	$REALM = {
		kdc = 127.0.0.1$(if dc2_joined; then printf '\n\t\tkdc = %s' "$DC2_IP"; fi)
		admin_server = 127.0.0.1
	}
[domain_realm]
	.$DNS_DOMAIN = $REALM
	$DNS_DOMAIN = $REALM
EOF
  {
    printf '127.0.0.1 %s %s\n' "$DC_FQDN" "$DC_HOST"
    if dc2_joined; then printf '%s %s %s\n' "$DC2_IP" "$DC2_HOST.$DNS_DOMAIN" "$DC2_HOST"; fi
  } >"$KRB5_HOSTS"
}

# The `kerberos` npm package is an optional dependency built from source. When `npm ci` ran before
# libkrb5-dev was installed (a fresh machine), npm dropped it: install the locked version now (needs
# the registry); when it is there but not built, build it (offline: node-gyp uses the local headers).
ensure_kerberos_addon() {
  [ -f "$REPO/package.json" ] || return 0
  if (cd "$REPO" && node -e 'require("kerberos")' >/dev/null 2>&1); then
    (cd "$REPO" && node scripts/kerberos-wrap-fix.mjs >>"$LOG_DIR/kerberos-build.log" 2>&1) || true
    return 0
  fi
  local version
  if [ -d "$REPO/node_modules/kerberos" ]; then
    log "  building the kerberos package (npm rebuild kerberos)"
    (cd "$REPO" && npm rebuild kerberos >"$LOG_DIR/kerberos-build.log" 2>&1) || true
  else
    version=$(cd "$REPO" && node -p 'require("./package-lock.json").packages["node_modules/kerberos"]?.version ?? ""' 2>/dev/null || true)
    log "  installing the kerberos package ${version:+$version }(npm ci skipped it: libkrb5-dev was missing)"
    (cd "$REPO" && npm install --no-save --no-audit --no-fund "kerberos${version:+@$version}" >"$LOG_DIR/kerberos-build.log" 2>&1) || true
  fi
  (cd "$REPO" && node -e 'require("kerberos")' >/dev/null 2>&1) ||
    log "  the kerberos package does not load (see $LOG_DIR/kerberos-build.log): --auth kerberos will say so"
  # Its wrap() cannot wrap LDAP messages until fixed (scripts/kerberos-wrap-fix.mjs): sealed 389 needs it.
  (cd "$REPO" && node scripts/kerberos-wrap-fix.mjs >>"$LOG_DIR/kerberos-build.log" 2>&1) || true
}

# schemaIDGUID of an attribute (lDAPDisplayName) as the GUID string SDDL wants.
schema_guid() {
  local b64
  b64=$(ldap_admin ldapsearch -LLL -o ldif-wrap=no -b "CN=Schema,$CONFIG_DN" "(lDAPDisplayName=$1)" schemaIDGUID |
    sed -n 's/^schemaIDGUID:: //p')
  [ -n "$b64" ] || die "no schemaIDGUID for $1"
  node -e '
    const b = Buffer.from(process.argv[1], "base64"), h = (s, e) => b.subarray(s, e).toString("hex");
    const le = (s, e) => Buffer.from(b.subarray(s, e)).reverse().toString("hex");
    console.log([le(0, 4), le(4, 6), le(6, 8), h(8, 10), h(10, 16)].join("-"));
  ' "$b64"
}

object_sid() {
  ldap_admin ldapsearch -LLL -o ldif-wrap=no -b "$1" -s base objectSid | sed -n 's/^objectSid:: //p' |
    node -e '
      const b = Buffer.from(require("fs").readFileSync(0, "utf8").trim(), "base64");
      const auth = b.readUIntBE(2, 6), subs = [];
      for (let i = 0; i < b[1]; i++) subs.push(b.readUInt32LE(8 + 4 * i));
      console.log(["S", b[0], auth, ...subs].join("-"));
    '
}

# add_aces DN SDDL-ACES: add ACEs to an object's DACL (Samba propagates inheritable ones to the children).
add_aces() {
  PASSWD="$(admin_password)" HOME="$LAB/home" samba-tool dsacl set -H ldap://127.0.0.1 -U Administrator \
    -s "$SMB_CONF" --use-kerberos=off --objectdn="$1" --sddl="$2" >>"$LOG_DIR/kerberos.log" 2>&1 ||
    { tail -5 "$LOG_DIR/kerberos.log" >&2; die "samba-tool dsacl set on $1 failed"; }
}

setup_kerberos() {
  write_krb5_conf
  ensure_kerberos_addon
  # The DC's ldap/ SPN: present after a provision with a DNS backend, added if not.
  if ! ldap_admin ldapsearch -LLL -o ldif-wrap=no -b "$BASE_DN" "(servicePrincipalName=$DC_SPN)" 1.1 | grep -q '^dn:'; then
    ldap_admin ldapmodify >>"$LOG_DIR/kerberos.log" 2>&1 <<EOF || die "adding the SPN $DC_SPN failed"
dn: CN=${DC_HOST^^},OU=Domain Controllers,$BASE_DN
changetype: modify
add: servicePrincipalName
servicePrincipalName: $DC_SPN
EOF
    log "  added SPN $DC_SPN"
  fi
  printf '%s' "$OPERATOR_PASSWORD" >"$OPERATOR_PW_FILE"
  chmod 600 "$OPERATOR_PW_FILE"
  local pw_b64 u sid sddl="" a
  pw_b64=$(printf '"%s"' "$OPERATOR_PASSWORD" | iconv -f UTF-8 -t UTF-16LE | base64 -w0)
  {
    printf 'dn: %s\nchangetype: add\nobjectClass: organizationalUnit\ndescription: users the delegated IM operator (%s) may enable\n\n' "$PILOT_OU" "$OPERATOR_SAM"
    printf 'dn: %s\nchangetype: add\nobjectClass: user\nsAMAccountName: %s\nuserPrincipalName: %s\n' "$OPERATOR_DN" "$OPERATOR_SAM" "$OPERATOR_UPN"
    printf 'displayName: IM Operator\nunicodePwd:: %s\nuserAccountControl: 512\n\n' "$pw_b64"
  } | ldap_admin ldapmodify >>"$LOG_DIR/kerberos.log" 2>&1 || { tail -5 "$LOG_DIR/kerberos.log" >&2; die "creating the IM operator and the pilot OU failed"; }
  # One object-specific ACE per attribute: allow WriteProperty on it, inherited by user objects
  # below the pilot OU only (OA;CIIO;WP;<attribute>;<class user>;<operator SID>).
  sid=$(object_sid "$OPERATOR_DN")
  for a in "${IM_ATTRIBUTES[@]}"; do sddl="$sddl(OA;CIIO;WP;$(schema_guid "$a");$USER_CLASS_GUID;$sid)"; done
  add_aces "$PILOT_OU" "$sddl"
  # Read access to the Exchange organisation (the IM virtual servers), as Exchange's "View Only
  # Administrator" role gives: the lab's IM classes carry no default security descriptor that would.
  add_aces "$EXCHANGE_DN" "(A;CI;RPLCLORC;;;$sid)"
  # The pilot users, created after the ACE so that they inherit it.
  for u in "${PILOT_USERS[@]}"; do
    printf 'dn: CN=%s,%s\nchangetype: add\nobjectClass: user\nsAMAccountName: %s\nuserPrincipalName: %s@%s\nmailNickname: %s\ndisplayName: Pilot %s\n\n' \
      "$u" "$PILOT_OU" "$u" "$u" "$DNS_DOMAIN" "$u" "${u#pilot}"
  done | ldap_admin ldapmodify >>"$LOG_DIR/kerberos.log" 2>&1 || { tail -5 "$LOG_DIR/kerberos.log" >&2; die "creating the pilot users failed"; }
  verify_kerberos
  add_kerberos_to_lab_json
  date -u +%Y-%m-%dT%H:%M:%SZ >"$KRB5_MARKER"
}

# kinit as the admin and the operator with the lab's krb5.conf, and get the DC's ldap/ ticket.
verify_kerberos() {
  local cc="$RUN_DIR/krb5cc_verify" who
  for who in "Administrator@$REALM:$PW_FILE" "$OPERATOR_SAM@$REALM:$OPERATOR_PW_FILE"; do
    KRB5_CONFIG="$KRB5_CONF" KRB5CCNAME="FILE:$cc" kinit "${who%%:*}" <"${who#*:}" >>"$LOG_DIR/kerberos.log" 2>&1 ||
      { tail -5 "$LOG_DIR/kerberos.log" >&2; die "kinit ${who%%:*} against the lab's KDC failed"; }
    KRB5_CONFIG="$KRB5_CONF" KRB5CCNAME="FILE:$cc" kvno "$DC_SPN" >>"$LOG_DIR/kerberos.log" 2>&1 ||
      { tail -5 "$LOG_DIR/kerberos.log" >&2; die "no ticket for $DC_SPN as ${who%%:*}"; }
  done
  rm -f "$cc"
  log "  kinit and a ticket for $DC_SPN work (admin and $OPERATOR_SAM)"
}

add_kerberos_to_lab_json() {
  node -e '
    const fs = require("fs"), [file, ...v] = process.argv.slice(1);
    const lab = JSON.parse(fs.readFileSync(file, "utf8"));
    lab.kerberos = {
      krb5Conf: v[0], hostsFile: v[1], adminCcache: v[2], dcHost: v[3], spn: v[4], kdc: "127.0.0.1:88",
      adminPrincipal: v[5],
      operator: { principal: v[6], upn: v[7], dn: v[8], passwordFile: v[9], ou: v[10], users: v[11].split(" ") },
    };
    fs.writeFileSync(file, JSON.stringify(lab, null, 2) + "\n");
  ' "$LAB/lab.json" "$KRB5_CONF" "$KRB5_HOSTS" "$KRB5_CCACHE" "$DC_FQDN" "$DC_SPN" "Administrator@$REALM" \
    "$OPERATOR_SAM@$REALM" "$OPERATOR_UPN" "$OPERATOR_DN" "$OPERATOR_PW_FILE" "$PILOT_OU" "${PILOT_USERS[*]}"
}

# Extra `lab.sh env` lines, quoted like cmd_env's.
kerberos_env() {
  local kv v
  for kv in "KRB5_CONFIG=$KRB5_CONF" "IMCTL_LAB_KRB5_CONFIG=$KRB5_CONF" "IMCTL_LAB_KRB5_HOSTS=$KRB5_HOSTS" \
    "IMCTL_LAB_KRB5CCNAME=$KRB5_CCACHE" "IMCTL_LAB_DC_HOST=$DC_FQDN" "IMCTL_LAB_OPERATOR=$OPERATOR_UPN" \
    "IMCTL_LAB_OPERATOR_PASSWORD_FILE=$OPERATOR_PW_FILE" "IMCTL_LAB_PILOT_OU=$PILOT_OU"; do
    v="${kv#*=}"
    printf "export %s='%s'\n" "${kv%%=*}" "${v//\'/\'\\\'\'}"
  done
}
