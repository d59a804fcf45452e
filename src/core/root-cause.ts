/**
 * What verify's result says of a failed direction. The causes and how a stage maps to them live
 * in src/causes (one module per cause, shared with diagnose); verify calls them from here.
 */
export type { PathClass, PathContext, PathFacts, RootCause, Stage } from '../causes/types.js';
export { rootCause } from '../causes/lib/path.js';
