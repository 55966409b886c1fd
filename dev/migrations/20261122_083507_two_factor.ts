import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-postgres'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   ALTER TYPE "public"."enum_portal_events_type" ADD VALUE 'two_factor_enabled';
  ALTER TYPE "public"."enum_portal_events_type" ADD VALUE 'two_factor_disabled';
  ALTER TYPE "public"."enum_portal_events_type" ADD VALUE 'two_factor_failed';
  ALTER TYPE "public"."enum_portal_events_type" ADD VALUE 'two_factor_recovery_used';
  ALTER TYPE "public"."enum_portal_events_type" ADD VALUE 'two_factor_recovery_codes_replaced';
  ALTER TYPE "public"."enum_portal_events_type" ADD VALUE 'two_factor_reset';
  ALTER TABLE "clients" ADD COLUMN "require_two_factor" boolean DEFAULT false;
  ALTER TABLE "contacts" ADD COLUMN "two_factor_enabled" boolean DEFAULT false;
  ALTER TABLE "contacts" ADD COLUMN "two_factor_enabled_at" timestamp(3) with time zone;
  ALTER TABLE "contacts" ADD COLUMN "two_factor_secret" varchar;
  ALTER TABLE "contacts" ADD COLUMN "two_factor_pending_secret" varchar;
  ALTER TABLE "contacts" ADD COLUMN "two_factor_recovery_codes" jsonb;
  ALTER TABLE "contacts" ADD COLUMN "two_factor_last_step" numeric;`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
   ALTER TABLE "portal_events" ALTER COLUMN "type" SET DATA TYPE text;
  DROP TYPE "public"."enum_portal_events_type";
  CREATE TYPE "public"."enum_portal_events_type" AS ENUM('login', 'login_failed', 'magic_link_sent', 'magic_link_used', 'page_viewed', 'invoice_viewed', 'pdf_downloaded', 'zip_downloaded', 'statement_downloaded', 'document_downloaded', 'payment_started', 'payment_succeeded', 'payment_failed', 'payment_refunded', 'payment_disputed', 'payment_status_changed', 'reminder_sent', 'invoice_status_changed', 'credit_note_status_changed', 'webhook_rejected', 'invoice_sent');
  ALTER TABLE "portal_events" ALTER COLUMN "type" SET DATA TYPE "public"."enum_portal_events_type" USING "type"::"public"."enum_portal_events_type";
  ALTER TABLE "clients" DROP COLUMN "require_two_factor";
  ALTER TABLE "contacts" DROP COLUMN "two_factor_enabled";
  ALTER TABLE "contacts" DROP COLUMN "two_factor_enabled_at";
  ALTER TABLE "contacts" DROP COLUMN "two_factor_secret";
  ALTER TABLE "contacts" DROP COLUMN "two_factor_pending_secret";
  ALTER TABLE "contacts" DROP COLUMN "two_factor_recovery_codes";
  ALTER TABLE "contacts" DROP COLUMN "two_factor_last_step";`)
}
