// Every migration, listed by hand: no directory globbing, so the list is the same under tsx and
// compiled to dist/. Names sort in the order they run; never rename or edit one that has shipped.
import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_initial.js';
import * as m0002 from './0002_permanente.js';
import * as m0003 from './0003_mandates.js';
import * as m0004 from './0004_devices.js';
import * as m0005 from './0005_staff.js';
import * as m0006 from './0006_letters.js';
import * as m0007 from './0007_video_identification.js';
import * as m0008 from './0008_renunciation.js';

const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_permanente': m0002,
  '0003_mandates': m0003,
  '0004_devices': m0004,
  '0005_staff': m0005,
  '0006_letters': m0006,
  '0007_video_identification': m0007,
  '0008_renunciation': m0008,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
