import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { diagnoseCommand, type DiagnoseReport } from '../../src/commands/diagnose.js';
import { formatTranscript } from '../../src/diagnose/transcript.js';
import { ReplayHost } from '../../src/host/replay.js';
import type { TranscriptFixture } from '../../scripts/record-transcripts.js';
import { ROOT } from '../support/fixtures.js';

export const TRANSCRIPTS_DIR = join(ROOT, 'test', 'fixtures', 'transcripts');

export const transcriptNames = (): string[] =>
  readdirSync(TRANSCRIPTS_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();

export function loadTranscript(name: string): TranscriptFixture {
  return JSON.parse(readFileSync(join(TRANSCRIPTS_DIR, `${name}.json`), 'utf8')) as TranscriptFixture;
}

/** The terminal text of a fixture, as the recorder diagnosed it. */
export const transcriptText = (fx: TranscriptFixture): string => formatTranscript(fx.command, fx.stdout, fx.stderr);

/** Diagnoses a fixture's transcript against its recorded host state. */
export async function replayDiagnosis(fx: TranscriptFixture): Promise<{ report: DiagnoseReport; unrecorded: string[] }> {
  if (!fx.facts) throw new Error(`${fx.name} has no recorded facts`);
  const host = new ReplayHost(fx.facts, fx.diagnose.netns ? `netns:${fx.diagnose.netns}` : 'local');
  const report = await diagnoseCommand({
    host,
    input: { kind: 'transcript', text: transcriptText(fx) },
    labels: [...(fx.diagnose.labels ?? [])],
    ...(fx.diagnose.iface ? { iface: fx.diagnose.iface } : {}),
    ...(fx.diagnose.kernelConfig ? { kernelConfig: fx.diagnose.kernelConfig } : {}),
  });
  return { report, unrecorded: host.unrecorded };
}
