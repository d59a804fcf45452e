import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Recording } from '../../src/host/replay.js';

/** The repository root, from dist/test/support. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const FACTS_DIR = join(ROOT, 'test', 'fixtures', 'facts');

export function loadFacts(name: string): Recording {
  return JSON.parse(readFileSync(join(FACTS_DIR, `${name}.json`), 'utf8')) as Recording;
}

/** A recording of what verify and up --dry-run read of a tunnel (scripts/record-facts.ts --tunnel-state). */
export function loadTunnelState(name: string): Recording {
  return JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'tunnel-state', `${name}.json`), 'utf8')) as Recording;
}

export const factNames = (): string[] => readdirSync(FACTS_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();

/** A recording of the kernel's MPLS counters around pings (scripts/record-counters.ts). */
export function loadCounters(name: string): import('../../scripts/record-counters.js').CountersFixture {
  return JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'counters', `${name}.json`), 'utf8')) as import('../../scripts/record-counters.js').CountersFixture;
}

/** A broken seed as verify saw it, with counters and what explains it (scripts/record-counters.ts --paths). */
export function loadPath(name: string): import('../../scripts/record-counters.js').PathFixture {
  return JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'paths', `${name}.json`), 'utf8')) as import('../../scripts/record-counters.js').PathFixture;
}

export const pathNames = (): string[] => readdirSync(join(ROOT, 'test', 'fixtures', 'paths')).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
