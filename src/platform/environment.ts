/**
 * imctl's own copy of the environment. The password leaves the process environment, so no child
 * (the wizard's $EDITOR, a pager) inherits it; nothing in imctl reads process.env after this.
 * On Windows variable names are case-insensitive — `$env:imctl_url` is IMCTL_URL — but a plain
 * object copied from process.env is not: there the copy's names are upper-cased.
 */
export function environmentWithoutSecrets(
  source: NodeJS.ProcessEnv = process.env,
  os: NodeJS.Platform = process.platform,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(source)) env[os === 'win32' ? name.toUpperCase() : name] = value;
  for (const name of Object.keys(source)) {
    if ((os === 'win32' ? name.toUpperCase() : name) === 'IMCTL_PASSWORD') delete source[name];
  }
  return env;
}
