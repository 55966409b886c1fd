import { databaseUri } from '../helpers/db.js'

/** The e2e suite's database on the test server (TEST_DATABASE_SERVER, else the local PostgreSQL). */
export const e2eDatabaseName = 'invoice_portal_e2e'
export const e2eDatabaseUri = () => databaseUri(e2eDatabaseName)
