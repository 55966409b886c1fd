import * as migration_20261122_035157_initial from './20261122_035157_initial.js';
import * as migration_20261122_040142_portal_list_indexes from './20261122_040142_portal_list_indexes.js';
import * as migration_20261122_061226_throttles from './20261122_061226_throttles.js';
import * as migration_20261122_083507_two_factor from './20261122_083507_two_factor.js';
import * as migration_20261122_100021_settings_secrets from './20261122_100021_settings_secrets.js';

export const migrations = [
  {
    up: migration_20261122_035157_initial.up,
    down: migration_20261122_035157_initial.down,
    name: '20261122_035157_initial',
  },
  {
    up: migration_20261122_040142_portal_list_indexes.up,
    down: migration_20261122_040142_portal_list_indexes.down,
    name: '20261122_040142_portal_list_indexes',
  },
  {
    up: migration_20261122_061226_throttles.up,
    down: migration_20261122_061226_throttles.down,
    name: '20261122_061226_throttles',
  },
  {
    up: migration_20261122_083507_two_factor.up,
    down: migration_20261122_083507_two_factor.down,
    name: '20261122_083507_two_factor',
  },
  {
    up: migration_20261122_100021_settings_secrets.up,
    down: migration_20261122_100021_settings_secrets.down,
    name: '20261122_100021_settings_secrets'
  },
];
