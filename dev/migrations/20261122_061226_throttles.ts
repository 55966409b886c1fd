import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-postgres'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   CREATE TABLE "invoice_portal_throttles" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"key" varchar NOT NULL,
  	"hits" numeric DEFAULT 0 NOT NULL,
  	"window_ends_at" timestamp(3) with time zone NOT NULL,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  ALTER TABLE "payload_locked_documents_rels" ADD COLUMN "invoice_portal_throttles_id" integer;
  CREATE UNIQUE INDEX "invoice_portal_throttles_key_idx" ON "invoice_portal_throttles" USING btree ("key");
  CREATE INDEX "invoice_portal_throttles_window_ends_at_idx" ON "invoice_portal_throttles" USING btree ("window_ends_at");
  CREATE INDEX "invoice_portal_throttles_updated_at_idx" ON "invoice_portal_throttles" USING btree ("updated_at");
  CREATE INDEX "invoice_portal_throttles_created_at_idx" ON "invoice_portal_throttles" USING btree ("created_at");
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_invoice_portal_throttles_fk" FOREIGN KEY ("invoice_portal_throttles_id") REFERENCES "public"."invoice_portal_throttles"("id") ON DELETE cascade ON UPDATE no action;
  CREATE INDEX "payload_locked_documents_rels_invoice_portal_throttles_i_idx" ON "payload_locked_documents_rels" USING btree ("invoice_portal_throttles_id");`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
   ALTER TABLE "invoice_portal_throttles" DISABLE ROW LEVEL SECURITY;
  DROP TABLE "invoice_portal_throttles" CASCADE;
  ALTER TABLE "payload_locked_documents_rels" DROP CONSTRAINT "payload_locked_documents_rels_invoice_portal_throttles_fk";
  
  DROP INDEX "payload_locked_documents_rels_invoice_portal_throttles_i_idx";
  ALTER TABLE "payload_locked_documents_rels" DROP COLUMN "invoice_portal_throttles_id";`)
}
