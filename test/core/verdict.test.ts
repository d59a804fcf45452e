import { expect } from 'chai';
import { judgeDirection, type DirectionEvidence } from '../../src/core/verdict.js';

/** A healthy direction's counts (5 pings); each case below changes what one capture point saw. */
const OK: DirectionEvidence = {
  from: 'A', to: 'B', label: 100, replyLabel: 101, sent: 5, received: 5,
  requestLabels: { 100: 5 }, greOut: { '10.128.100.2': 5 }, receiverUnderlay: '10.128.100.2',
  onWireInGre: 5, arrivedAtPeer: 5, repliesLeftPeer: 5, repliesInGre: 5,
};

describe('judgeDirection: where the packets stopped', () => {
  const cases: [string, Partial<DirectionEvidence>, string | null, string | null][] = [
    ['all seen', {}, null, null],
    ['ping sent nothing: not a capture that lost packets', { sent: 0, requestLabels: {}, received: 0 }, 'not_sent', 'request'],
    ['the sender capture missed requests: nothing is judged', { requestLabels: { 100: 3 }, received: 0 }, 'capture_incomplete', null],
    ['requests left unlabelled', { requestLabels: { none: 5 }, greOut: {}, onWireInGre: 0, received: 0 }, 'not_labelled', 'request'],
    ['requests left with another label', { requestLabels: { 200: 5 }, received: 0 }, 'not_labelled', 'request'],
    ['labelled but never in GRE', { greOut: {}, onWireInGre: 0, arrivedAtPeer: 0, received: 0 }, 'not_sent_in_gre', 'request'],
    ['GRE to another address', { greOut: { '10.128.100.3': 5 }, onWireInGre: 0, arrivedAtPeer: 0, received: 0 }, 'wrong_endpoint', 'request'],
    ['GRE lost on the underlay', { onWireInGre: 0, arrivedAtPeer: 0, received: 0 }, 'not_on_wire', 'request'],
    ['reached the underlay, not the tunnel', { arrivedAtPeer: 0, repliesLeftPeer: 0, received: 0, repliesInGre: 0 }, 'not_delivered', 'request'],
    ['delivered, never answered', { repliesLeftPeer: 0, received: 0, repliesInGre: 0 }, 'no_reply', 'request'],
    ['answered, answers lost', { received: 0, repliesInGre: 0 }, 'no_reply', 'reply'],
    ['replies outside GRE', { repliesInGre: 0 }, 'reply_not_labelled', 'reply'],
    ['partial loss', { received: 3 }, 'loss', null],
  ];
  for (const [title, change, stage, leg] of cases) {
    it(`${title} -> ${stage ?? 'ok'}`, () => {
      const v = judgeDirection({ ...OK, ...change });
      expect(v.stage).to.equal(stage);
      expect(v.leg).to.equal(leg);
      expect(v.ok).to.equal(stage === null);
      expect(v.explanation).to.be.a('string').and.not.empty;
    });
  }
});
