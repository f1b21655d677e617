import { migration as m1 } from './0001-core';
import { migration as m2 } from './0002-search';
import { migration as m3 } from './0003-senders';
import { migration as m4 } from './0004-archive';
import { migration as m5 } from './0005-person-index';
import type { Migration } from './types';

export type { Migration } from './types';

/** in order; the schema version of an archive is PRAGMA user_version */
export const MIGRATIONS: readonly Migration[] = [m1, m2, m3, m4, m5];
export const LATEST_VERSION = MIGRATIONS.length;
