/**
 * Escaping for values placed into LDAP filters (RFC 4515) and DNs (RFC 4514).
 * Every value that comes from a user, a CSV cell or the directory goes through one of these
 * before it is pasted into a filter or a DN: `Doe, John` and `*)(objectClass=*` are names too.
 */

/** RFC 4515 §3: escape `*`, `(`, `)`, `\` and NUL as `\XX`; everything else is literal UTF-8. */
export function escapeFilterValue(value: string): string {
  let out = '';
  for (const ch of value) {
    switch (ch) {
      case '*':
        out += '\\2a';
        break;
      case '(':
        out += '\\28';
        break;
      case ')':
        out += '\\29';
        break;
      case '\\':
        out += '\\5c';
        break;
      case '\0':
        out += '\\00';
        break;
      default:
        out += ch;
    }
  }
  return out;
}

/** RFC 4514 §2.4: escape one attribute value for use in a DN's RDN. */
export function escapeDnValue(value: string): string {
  let out = '';
  const chars = [...value];
  chars.forEach((ch, i) => {
    if (ch === '\0') {
      out += '\\00';
    } else if (',+"\\<>;='.includes(ch)) {
      out += `\\${ch}`;
    } else if ((i === 0 && (ch === '#' || ch === ' ')) || (i === chars.length - 1 && ch === ' ')) {
      out += `\\${ch}`;
    } else {
      out += ch;
    }
  });
  return out;
}

/**
 * Normalise a DN for comparison and grouping: AD compares DNs case-insensitively and ignores
 * spaces after RDN separators. Escapes are kept as written (the server echoes them back the same way).
 */
export function normalizeDn(dn: string): string {
  return splitDn(dn)
    .map((rdn) => rdn.trim().toLowerCase())
    .join(',');
}

/**
 * A DN in one canonical form, for telling whether two DNs name the same entry: attribute types
 * and values lower-cased, and every value unescaped (`\XX` hex, `\c`, a "quoted" value) and
 * escaped again the one RFC 4514 way. `CN=a\;b`, `cn=A\3Bb` (as Samba returns it) and `CN="A;b"`
 * are the same DN; normalizeDn, which keeps escapes as written, would call them different.
 */
/** True if `dn` is `base` or below it, both compared in their canonical RFC 4514 form. */
export function dnIsWithin(dn: string, base: string): boolean {
  const entry = canonicalDn(dn);
  const root = canonicalDn(base);
  return entry === root || entry.endsWith(`,${root}`);
}

export function canonicalDn(dn: string): string {
  return splitDn(dn)
    .map((rdn) => {
      const eq = rdn.indexOf('=');
      if (eq < 0) return rdn.trim().toLowerCase();
      const type = rdn.slice(0, eq).trim().toLowerCase();
      let value = trimUnescapedSpaces(rdn.slice(eq + 1));
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"') && !value.endsWith('\\"'))
        value = value.slice(1, -1);
      return `${type}=${escapeDnValue(unescapeDnValue(value)).toLowerCase()}`;
    })
    .join(',');
}

/** Split a DN into its RDN strings, honouring backslash escapes and quoted values. */
export function splitDn(dn: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < dn.length; i++) {
    const ch = dn[i]!;
    if (ch === '\\' && i + 1 < dn.length) {
      current += ch + dn[i + 1];
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
      current += ch;
    } else if ((ch === ',' || ch === ';') && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (current.length > 0 || parts.length > 0) parts.push(current);
  return parts;
}

/** A cheap syntactic test for "this name is a DN": every RDN has an `attr=` type. */
export function looksLikeDn(name: string): boolean {
  const rdns = splitDn(name);
  return (
    rdns.length > 0 && rdns.every((rdn) => /^\s*[A-Za-z][A-Za-z0-9-]*\s*=/.test(rdn) || /^\s*\d+(\.\d+)*\s*=/.test(rdn))
  );
}

/** The value of the first RDN (`CN=Doe\, John,OU=x` → `Doe, John`), unescaped. */
export function firstRdnValue(dn: string): string {
  const first = splitDn(dn)[0] ?? '';
  const eq = first.indexOf('=');
  return unescapeDnValue(trimUnescapedSpaces(first.slice(eq + 1)));
}

/** Strip the insignificant spaces around an RDN value, keeping an escaped trailing space (`Smith\ `). */
function trimUnescapedSpaces(value: string): string {
  let start = 0;
  while (start < value.length && value[start] === ' ') start++;
  let end = value.length;
  while (end > start && value[end - 1] === ' ') {
    let backslashes = 0;
    for (let i = end - 2; i >= start && value[i] === '\\'; i--) backslashes++;
    if (backslashes % 2 === 1) break;
    end--;
  }
  return value.slice(start, end);
}

export function unescapeDnValue(value: string): string {
  // Most values carry no escape at all: skip the work (it showed in import profiles).
  if (!value.includes('\\')) return value;
  let out = '';
  let i = 0;
  while (i < value.length) {
    if (value[i] !== '\\' || i + 1 >= value.length) {
      out += value[i++];
      continue;
    }
    // A run of \XX pairs is UTF-8 bytes, decoded together: one character may take several.
    const bytes: number[] = [];
    while (i + 2 < value.length && value[i] === '\\' && isHexDigit(value[i + 1]!) && isHexDigit(value[i + 2]!)) {
      bytes.push(parseInt(value.slice(i + 1, i + 3), 16));
      i += 3;
    }
    if (bytes.length > 0) {
      out += UTF8.decode(Uint8Array.from(bytes));
    } else {
      // `\,` and the like: the character itself (a surrogate pair's halves follow one another unchanged).
      out += value[i + 1];
      i += 2;
    }
  }
  return out;
}

const UTF8 = new TextDecoder();
const isHexDigit = (ch: string) => (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
