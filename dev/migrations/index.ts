import * as migration_20261122_035157_initial from './20261122_035157_initial.js';

export const migrations = [
  {
    up: migration_20261122_035157_initial.up,
    down: migration_20261122_035157_initial.down,
    name: '20261122_035157_initial'
  },
];
