/**
 * Builds a sysctl key. Components are joined with "." unless one contains a dot (an interface
 * such as eth0.100); then they are joined with "/", the form sysctl(8) reads as a path.
 */
export function sysctlKey(...parts: readonly string[]): string {
  return parts.join(parts.some((p) => p.includes('.')) ? '/' : '.');
}

/** The /proc/sys file of a key in either form ("net.mpls.platform_labels" or "net/mpls/conf/eth0.100/input"). */
export function sysctlProcPath(key: string): string {
  return `/proc/sys/${key.includes('/') ? key : key.replaceAll('.', '/')}`;
}
