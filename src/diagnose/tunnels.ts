import { fields, jsonArray, stringOf, stringsOf } from './ip-json.js';
import type { LinkFacts } from '../causes/types.js';

/** `ip -j -d address show`: every link with its kind, endpoints, state and addresses; UnreadableOutput when it is not a JSON array. */
export function parseLinks(json: string): LinkFacts[] {
  return jsonArray(json).map(fields).filter((l) => typeof l.ifname === 'string').map((l) => {
    const info = fields(l.linkinfo);
    const data = fields(info.info_data);
    const kind = stringOf(info.info_kind);
    const local = stringOf(data.local);
    const remote = stringOf(data.remote);
    const operstate = stringOf(l.operstate);
    return {
      name: l.ifname as string,
      up: stringsOf(l.flags).includes('UP'),
      addresses: (Array.isArray(l.addr_info) ? l.addr_info : []).map((a) => stringOf(fields(a).local)).filter((a): a is string => a !== undefined),
      ...(kind ? { kind } : {}),
      ...(local ? { local } : {}),
      ...(remote ? { remote } : {}),
      ...(operstate ? { operstate } : {}),
      ...(typeof l.mtu === 'number' ? { mtu: l.mtu } : {}),
    };
  });
}
