/** What names an L5 record: the format and the per-file key (shared by L5's run, its staging, and L4's readers). */
import { hashString } from '../../util/hash';

/**
 * Bumped when what L5 writes for the same source changes (the engine fingerprint covers code changes too).
 * l5-2: records in the binary encodings of codec/ instead of JSON. l5-3: facts `vf-7` (attribute stores and truth
 * tests carry a site). l5-4: facts `vf-8` (a class's `metaclass=` is a constraint).
 */
export const L5_FORMAT = 'l5-4';

/** The key of a file's L5 records: its L1 key (engine, path, module, content) under L5's format. */
export const l5Key = (l1Key: string) => hashString(`${L5_FORMAT}\0${l1Key}`);
