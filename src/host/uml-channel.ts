import { closeSync, openSync, writeSync } from 'node:fs';

/** A job's writer to its data channel: one JSON line per record. */
export interface ChannelWriter {
  write(record: unknown): void;
  close(): void;
}

/**
 * Inside user-mode Linux: the data channel the guest's init set up (MPLSGRE_CHANNEL), which the
 * host receives as records (`runInUml`'s `onRecord`). Undefined outside a guest.
 */
export function guestChannel(path = process.env.MPLSGRE_CHANNEL): ChannelWriter | undefined {
  if (!path) return undefined;
  const fd = openSync(path, 'w');
  return {
    write: (record) => {
      writeSync(fd, `${JSON.stringify(record)}\n`);
    },
    close: () => closeSync(fd),
  };
}
