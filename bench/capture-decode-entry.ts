/**
 * Decode-only entry for the capture benchmark: decodes FILE to the end and prints the
 * packet count on stderr, as `tcpdump -nn -r FILE` decodes and prints every packet.
 */
import { openCapture } from '../src/capture/pcap.js';

const file = process.argv[2];
if (file === undefined) {
  process.stderr.write('usage: capture-decode-entry FILE\n');
  process.exitCode = 2;
} else {
  let count = 0;
  let labelled = 0;
  for await (const batch of (await openCapture(file)).batches()) {
    count += batch.length;
    for (const r of batch) if (r.mpls.length > 0) labelled++;
  }
  process.stderr.write(`${count} packets, ${labelled} with MPLS\n`);
}
