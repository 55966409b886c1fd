import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-postgres'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   CREATE INDEX "client_issueDate_status_idx" ON "invoices" USING btree ("client_id","issue_date","status");
  CREATE INDEX "client_dueDate_status_idx" ON "invoices" USING btree ("client_id","due_date","status");
  CREATE INDEX "client_total_status_idx" ON "invoices" USING btree ("client_id","total","status");
  CREATE INDEX "client_number_status_idx" ON "invoices" USING btree ("client_id","number","status");
  CREATE INDEX "client_status_dueDate_idx" ON "invoices" USING btree ("client_id","status","due_date");
  CREATE INDEX "client_createdAt_idx" ON "portal_events" USING btree ("client_id","created_at");`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
   DROP INDEX "client_issueDate_status_idx";
  DROP INDEX "client_dueDate_status_idx";
  DROP INDEX "client_total_status_idx";
  DROP INDEX "client_number_status_idx";
  DROP INDEX "client_status_dueDate_idx";
  DROP INDEX "client_createdAt_idx";`)
}
