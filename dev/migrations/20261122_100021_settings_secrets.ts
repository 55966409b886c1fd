import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-postgres'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   ALTER TABLE "invoice_portal_settings" ADD COLUMN "secrets_status_stripe_secret_key_set_at" timestamp(3) with time zone;
  ALTER TABLE "invoice_portal_settings" ADD COLUMN "secrets_status_stripe_secret_key_key_id" varchar;
  ALTER TABLE "invoice_portal_settings" ADD COLUMN "secrets_status_stripe_webhook_secret_set_at" timestamp(3) with time zone;
  ALTER TABLE "invoice_portal_settings" ADD COLUMN "secrets_status_stripe_webhook_secret_key_id" varchar;
  ALTER TABLE "invoice_portal_settings" ADD COLUMN "secrets_status_mollie_api_key_set_at" timestamp(3) with time zone;
  ALTER TABLE "invoice_portal_settings" ADD COLUMN "secrets_status_mollie_api_key_key_id" varchar;
  ALTER TABLE "invoice_portal_settings" ADD COLUMN "secrets_status_erp_webhook_secret_set_at" timestamp(3) with time zone;
  ALTER TABLE "invoice_portal_settings" ADD COLUMN "secrets_status_erp_webhook_secret_key_id" varchar;
  ALTER TABLE "invoice_portal_settings" ADD COLUMN "sealed_secrets" jsonb;`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
   ALTER TABLE "invoice_portal_settings" DROP COLUMN "secrets_status_stripe_secret_key_set_at";
  ALTER TABLE "invoice_portal_settings" DROP COLUMN "secrets_status_stripe_secret_key_key_id";
  ALTER TABLE "invoice_portal_settings" DROP COLUMN "secrets_status_stripe_webhook_secret_set_at";
  ALTER TABLE "invoice_portal_settings" DROP COLUMN "secrets_status_stripe_webhook_secret_key_id";
  ALTER TABLE "invoice_portal_settings" DROP COLUMN "secrets_status_mollie_api_key_set_at";
  ALTER TABLE "invoice_portal_settings" DROP COLUMN "secrets_status_mollie_api_key_key_id";
  ALTER TABLE "invoice_portal_settings" DROP COLUMN "secrets_status_erp_webhook_secret_set_at";
  ALTER TABLE "invoice_portal_settings" DROP COLUMN "secrets_status_erp_webhook_secret_key_id";
  ALTER TABLE "invoice_portal_settings" DROP COLUMN "sealed_secrets";`)
}
