/**
 * The bind password must never reach stdout, stderr or a report, even when a file given by
 * mistake (the password file as --config or as the CSV to import) is echoed in an error. The
 * password is registered as soon as imctl knows it; every line written passes through redact().
 */
const secrets = new Set<string>();

/** Remember a secret to keep out of all output (ignored when too short to be told from ordinary text). */
export function registerSecret(secret: string | undefined): void {
  if (secret && secret.length >= 4) secrets.add(secret);
}

export const REDACTED = '********';

/** `text` with every registered secret replaced by ********. */
export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}

/** Tests only. */
export function forgetSecrets(): void {
  secrets.clear();
}
