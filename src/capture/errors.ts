import { MplsgreError } from '../core/errors.js';

/**
 * The input is not a capture mplsgre can read (unknown magic, unreadable file header).
 * A usage error: the FILE given is wrong, nothing was changed.
 */
export class CaptureFormatError extends MplsgreError {
  constructor(message: string) {
    super('usage', `FILE: ${message}`, { field: 'FILE' });
    this.name = 'CaptureFormatError';
  }
}
