/** Renders variables as POSIX shell `export` lines, quoting only what needs it. */
export function renderEnv(vars: Readonly<Record<string, string>>): string {
  return Object.entries(vars)
    .map(([name, value]) => `export ${name}=${/^[\w@%+=:,./-]*$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`}`)
    .join('\n');
}
