/** Where `install` puts one tunnel end's files. No imports: `check` reads these paths and must start fast. */

export const CONFIG_DIR = '/etc/mplsgre';
export const UNIT_DIR = '/etc/systemd/system';
export const MODULES_LOAD_DIR = '/etc/modules-load.d';

/**
 * A name as systemd-escape writes it: bytes outside [A-Za-z0-9_.] (and a leading ".") as \xNN.
 * "-" is escaped too, so the tunnel and host parts of a unit name never run into each other.
 */
export function unitEscape(name: string): string {
  let out = '';
  for (const byte of Buffer.from(name, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9_.]/.test(c) && !(out === '' && c === '.') ? c : `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** Where one tunnel end's files go. */
export function installPaths(tunnel: string, host: string): { unitName: string; unit: string; wants: string; topology: string; modules: string; manifest: string; watchUnitName: string; watchUnit: string; watchWants: string } {
  const stem = `${unitEscape(tunnel)}-${unitEscape(host)}`;
  const unitName = `mplsgre-${stem}.service`;
  const watchUnitName = `mplsgre-watch-${stem}.service`;
  return {
    unitName,
    unit: `${UNIT_DIR}/${unitName}`,
    wants: `${UNIT_DIR}/multi-user.target.wants/${unitName}`,
    topology: `${CONFIG_DIR}/${unitEscape(tunnel)}.${unitEscape(host)}.yaml`,
    modules: `${MODULES_LOAD_DIR}/mplsgre-${stem}.conf`,
    manifest: `${CONFIG_DIR}/${unitEscape(tunnel)}.${unitEscape(host)}.installed.json`,
    watchUnitName,
    watchUnit: `${UNIT_DIR}/${watchUnitName}`,
    watchWants: `${UNIT_DIR}/multi-user.target.wants/${watchUnitName}`,
  };
}

