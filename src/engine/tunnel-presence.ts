import { presencePaths, tunnelPresence, type TunnelPresence } from '../core/tunnel-presence.js';
import type { Host } from '../host/host.js';

/**
 * One end's tunnel, address and route, read in one batch before verify sends anything; undefined
 * when the host could not be read (then verify judges from the packets alone, as before).
 */
export async function readTunnelPresence(host: Host, name: string, iface: string, overlayAddress: string, overlayPrefix: string): Promise<TunnelPresence | undefined> {
  const paths = presencePaths(iface, overlayAddress.includes(':') ? 6 : 4);
  const files = await host.readFiles(paths).catch(() => undefined);
  // Only the link may be absent (ENOENT); any other failed read leaves the state unknown.
  if (!files || files.some((f, i) => !f.ok && (i > 0 || f.error !== 'ENOENT'))) return undefined;
  return tunnelPresence(name, iface, overlayAddress, overlayPrefix, files.map((f) => (f.ok ? f.data.toString('utf8') : undefined)));
}
