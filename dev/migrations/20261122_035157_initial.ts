import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-postgres'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
   CREATE TYPE "public"."enum_clients_locale" AS ENUM('en', 'nl');
  CREATE TYPE "public"."enum_contacts_role" AS ENUM('billing', 'viewer');
  CREATE TYPE "public"."enum_credit_notes_status" AS ENUM('draft', 'issued', 'void');
  CREATE TYPE "public"."enum_invoices_status" AS ENUM('draft', 'open', 'partially_paid', 'paid', 'void', 'uncollectible');
  CREATE TYPE "public"."enum_payments_status" AS ENUM('pending', 'processing', 'succeeded', 'failed', 'canceled', 'refunded', 'partially_refunded', 'disputed');
  CREATE TYPE "public"."enum_payments_provider" AS ENUM('stripe', 'mollie', 'manual', 'erp');
  CREATE TYPE "public"."enum_payments_method" AS ENUM('card', 'ideal', 'sepa_debit', 'bancontact', 'bank_transfer', 'cash', 'other');
  CREATE TYPE "public"."enum_portal_events_type" AS ENUM('login', 'login_failed', 'magic_link_sent', 'magic_link_used', 'page_viewed', 'invoice_viewed', 'pdf_downloaded', 'zip_downloaded', 'statement_downloaded', 'document_downloaded', 'payment_started', 'payment_succeeded', 'payment_failed', 'payment_refunded', 'payment_disputed', 'payment_status_changed', 'reminder_sent', 'invoice_status_changed', 'credit_note_status_changed', 'webhook_rejected', 'invoice_sent');
  CREATE TYPE "public"."enum_invoice_portal_tokens_purpose" AS ENUM('magic_link', 'notification_link');
  CREATE TYPE "public"."enum_invoice_portal_reminders_status" AS ENUM('sending', 'sent', 'skipped', 'failed');
  CREATE TYPE "public"."enum_invoice_portal_webhook_deliveries_type" AS ENUM('invoice.paid', 'invoice.overdue', 'payment.succeeded', 'payment.refunded', 'credit_note.issued');
  CREATE TYPE "public"."enum_invoice_portal_webhook_deliveries_status" AS ENUM('pending', 'retrying', 'delivered', 'failed');
  CREATE TYPE "public"."enum_webhook_events_provider" AS ENUM('erp', 'stripe', 'mollie');
  CREATE TYPE "public"."enum_webhook_events_status" AS ENUM('received', 'processed', 'failed');
  CREATE TYPE "public"."enum_payload_jobs_log_task_slug" AS ENUM('inline', 'invoicePortalZip', 'invoicePortalWebhookEvent', 'invoicePortalPaymentReceipt', 'invoicePortalReconcilePayments', 'invoicePortalOverdueSweep', 'invoicePortalReminderSweep', 'invoicePortalInvoiceIssued', 'invoicePortalDeliverWebhook');
  CREATE TYPE "public"."enum_payload_jobs_log_state" AS ENUM('failed', 'succeeded');
  CREATE TYPE "public"."enum_payload_jobs_task_slug" AS ENUM('inline', 'invoicePortalZip', 'invoicePortalWebhookEvent', 'invoicePortalPaymentReceipt', 'invoicePortalReconcilePayments', 'invoicePortalOverdueSweep', 'invoicePortalReminderSweep', 'invoicePortalInvoiceIssued', 'invoicePortalDeliverWebhook');
  CREATE TYPE "public"."enum_invoice_portal_settings_branding_pdf_font" AS ENUM('DejaVuSans', 'DejaVuSerif');
  CREATE TABLE "users_sessions" (
  	"_order" integer NOT NULL,
  	"_parent_id" integer NOT NULL,
  	"id" varchar PRIMARY KEY NOT NULL,
  	"created_at" timestamp(3) with time zone,
  	"expires_at" timestamp(3) with time zone NOT NULL
  );
  
  CREATE TABLE "users" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"name" varchar,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"email" varchar NOT NULL,
  	"reset_password_token" varchar,
  	"reset_password_expiration" timestamp(3) with time zone,
  	"salt" varchar,
  	"hash" varchar,
  	"reset_password_requested_at" timestamp(3) with time zone,
  	"login_attempts" numeric DEFAULT 0,
  	"lock_until" timestamp(3) with time zone
  );
  
  CREATE TABLE "clients_reminders_steps" (
  	"_order" integer NOT NULL,
  	"_parent_id" integer NOT NULL,
  	"id" varchar PRIMARY KEY NOT NULL,
  	"days" numeric NOT NULL,
  	"attach_pdf" boolean,
  	"subject" varchar,
  	"body" varchar,
  	"copy_to" varchar,
  	"overdue_event" boolean
  );
  
  CREATE TABLE "clients" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"name" varchar NOT NULL,
  	"billing_email" varchar,
  	"currency" varchar DEFAULT 'EUR' NOT NULL,
  	"locale" "enum_clients_locale" DEFAULT 'en' NOT NULL,
  	"timezone" varchar DEFAULT 'UTC' NOT NULL,
  	"tax_id" varchar,
  	"address_line1" varchar,
  	"address_line2" varchar,
  	"address_postal_code" varchar,
  	"address_city" varchar,
  	"address_region" varchar,
  	"address_country" varchar,
  	"portal_enabled" boolean DEFAULT true,
  	"reminders_paused" boolean,
  	"external_id" varchar,
  	"external_version" numeric,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  CREATE TABLE "contacts_sessions" (
  	"_order" integer NOT NULL,
  	"_parent_id" integer NOT NULL,
  	"id" varchar PRIMARY KEY NOT NULL,
  	"created_at" timestamp(3) with time zone,
  	"expires_at" timestamp(3) with time zone NOT NULL
  );
  
  CREATE TABLE "contacts" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"name" varchar NOT NULL,
  	"client_id" integer NOT NULL,
  	"role" "enum_contacts_role" DEFAULT 'billing' NOT NULL,
  	"notifications_invoice_issued" boolean DEFAULT true,
  	"notifications_payment_received" boolean DEFAULT true,
  	"notifications_reminders" boolean DEFAULT true,
  	"last_login_at" timestamp(3) with time zone,
  	"external_id" varchar,
  	"external_version" numeric,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"email" varchar NOT NULL,
  	"reset_password_token" varchar,
  	"reset_password_expiration" timestamp(3) with time zone,
  	"salt" varchar,
  	"hash" varchar,
  	"reset_password_requested_at" timestamp(3) with time zone,
  	"login_attempts" numeric DEFAULT 0,
  	"lock_until" timestamp(3) with time zone
  );
  
  CREATE TABLE "credit_notes_line_items" (
  	"_order" integer NOT NULL,
  	"_parent_id" integer NOT NULL,
  	"id" varchar PRIMARY KEY NOT NULL,
  	"description" varchar NOT NULL,
  	"quantity" varchar DEFAULT '1' NOT NULL,
  	"unit_amount" numeric NOT NULL,
  	"tax_rate" varchar DEFAULT '0' NOT NULL,
  	"amount" numeric
  );
  
  CREATE TABLE "credit_notes" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"number" varchar,
  	"invoice_id" integer NOT NULL,
  	"client_id" integer,
  	"status" "enum_credit_notes_status" DEFAULT 'draft' NOT NULL,
  	"amount" numeric,
  	"currency" varchar,
  	"reason" varchar,
  	"issued_at" timestamp(3) with time zone,
  	"external_id" varchar,
  	"external_version" numeric,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  CREATE TABLE "documents" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"title" varchar NOT NULL,
  	"client_id" integer NOT NULL,
  	"invoice_id" integer,
  	"visible_to_client" boolean DEFAULT false,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"url" varchar,
  	"thumbnail_u_r_l" varchar,
  	"filename" varchar,
  	"mime_type" varchar,
  	"filesize" numeric,
  	"width" numeric,
  	"height" numeric,
  	"focal_x" numeric,
  	"focal_y" numeric
  );
  
  CREATE TABLE "invoices_line_items" (
  	"_order" integer NOT NULL,
  	"_parent_id" integer NOT NULL,
  	"id" varchar PRIMARY KEY NOT NULL,
  	"description" varchar NOT NULL,
  	"quantity" varchar DEFAULT '1' NOT NULL,
  	"unit_amount" numeric NOT NULL,
  	"tax_rate" varchar DEFAULT '0' NOT NULL,
  	"amount" numeric
  );
  
  CREATE TABLE "invoices_tax_breakdown" (
  	"_order" integer NOT NULL,
  	"_parent_id" integer NOT NULL,
  	"id" varchar PRIMARY KEY NOT NULL,
  	"rate" varchar,
  	"base" numeric,
  	"tax" numeric
  );
  
  CREATE TABLE "invoices" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"number" varchar,
  	"client_id" integer NOT NULL,
  	"status" "enum_invoices_status" DEFAULT 'draft' NOT NULL,
  	"issue_date" timestamp(3) with time zone,
  	"due_date" timestamp(3) with time zone,
  	"payment_terms" varchar,
  	"currency" varchar NOT NULL,
  	"exchange_rate" varchar,
  	"subtotal" numeric,
  	"tax_total" numeric,
  	"total" numeric,
  	"amount_paid" numeric,
  	"amount_credited" numeric,
  	"amount_due" numeric,
  	"notes" varchar,
  	"source" varchar DEFAULT 'manual',
  	"external_id" varchar,
  	"external_version" numeric,
  	"sent_at" timestamp(3) with time zone,
  	"overdue_at" timestamp(3) with time zone,
  	"next_reminder_at" timestamp(3) with time zone,
  	"paid_at" timestamp(3) with time zone,
  	"voided_at" timestamp(3) with time zone,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  CREATE TABLE "payments_allocations" (
  	"_order" integer NOT NULL,
  	"_parent_id" integer NOT NULL,
  	"id" varchar PRIMARY KEY NOT NULL,
  	"invoice_id" integer NOT NULL,
  	"amount" numeric NOT NULL
  );
  
  CREATE TABLE "payments" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"client_id" integer NOT NULL,
  	"amount" numeric NOT NULL,
  	"currency" varchar DEFAULT 'EUR' NOT NULL,
  	"status" "enum_payments_status" DEFAULT 'pending' NOT NULL,
  	"provider" "enum_payments_provider" DEFAULT 'manual' NOT NULL,
  	"method" "enum_payments_method",
  	"provider_ref" varchar,
  	"amount_refunded" numeric,
  	"amount_charged_back" numeric,
  	"paid_at" timestamp(3) with time zone,
  	"contact_id" integer,
  	"failure_reason" varchar,
  	"receipt_sent_at" timestamp(3) with time zone,
  	"notes" varchar,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  CREATE TABLE "invoice_portal_pdf_cache" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"key" varchar NOT NULL,
  	"subject" varchar NOT NULL,
  	"size" numeric NOT NULL,
  	"data" varchar NOT NULL,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  CREATE TABLE "portal_events" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"type" "enum_portal_events_type" NOT NULL,
  	"client_id" integer,
  	"contact_id" integer,
  	"invoice_id" integer,
  	"actor" varchar,
  	"ip" varchar,
  	"user_agent" varchar,
  	"details" jsonb,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  CREATE TABLE "invoice_portal_tokens" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"contact_id" integer NOT NULL,
  	"purpose" "enum_invoice_portal_tokens_purpose" NOT NULL,
  	"token_hash" varchar NOT NULL,
  	"expires_at" timestamp(3) with time zone NOT NULL,
  	"used_at" timestamp(3) with time zone,
  	"request_ip" varchar,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  CREATE TABLE "invoice_portal_reminders" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"invoice_id" integer NOT NULL,
  	"client_id" integer NOT NULL,
  	"step" varchar NOT NULL,
  	"days" numeric,
  	"status" "enum_invoice_portal_reminders_status" NOT NULL,
  	"reason" varchar,
  	"due_at" timestamp(3) with time zone,
  	"sent_at" timestamp(3) with time zone,
  	"amount_due" numeric,
  	"recipients" varchar,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  CREATE TABLE "invoice_portal_sequences" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"key" varchar NOT NULL,
  	"value" numeric DEFAULT 0 NOT NULL,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  CREATE TABLE "invoice_portal_webhook_deliveries" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"event_id" varchar NOT NULL,
  	"type" "enum_invoice_portal_webhook_deliveries_type" NOT NULL,
  	"url" varchar NOT NULL,
  	"status" "enum_invoice_portal_webhook_deliveries_status" DEFAULT 'pending' NOT NULL,
  	"attempts" numeric DEFAULT 0,
  	"last_status_code" numeric,
  	"last_error" varchar,
  	"last_attempt_at" timestamp(3) with time zone,
  	"delivered_at" timestamp(3) with time zone,
  	"payload" jsonb,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  CREATE TABLE "webhook_events" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"provider" "enum_webhook_events_provider" NOT NULL,
  	"event_id" varchar NOT NULL,
  	"type" varchar,
  	"status" "enum_webhook_events_status" DEFAULT 'received' NOT NULL,
  	"attempts" numeric DEFAULT 0,
  	"last_error" varchar,
  	"processed_at" timestamp(3) with time zone,
  	"payload" jsonb,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  CREATE TABLE "payload_kv" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"key" varchar NOT NULL,
  	"data" jsonb NOT NULL
  );
  
  CREATE TABLE "payload_jobs_log" (
  	"_order" integer NOT NULL,
  	"_parent_id" integer NOT NULL,
  	"id" varchar PRIMARY KEY NOT NULL,
  	"executed_at" timestamp(3) with time zone NOT NULL,
  	"completed_at" timestamp(3) with time zone NOT NULL,
  	"task_slug" "enum_payload_jobs_log_task_slug" NOT NULL,
  	"task_i_d" varchar NOT NULL,
  	"input" jsonb,
  	"output" jsonb,
  	"state" "enum_payload_jobs_log_state" NOT NULL,
  	"error" jsonb
  );
  
  CREATE TABLE "payload_jobs" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"input" jsonb,
  	"completed_at" timestamp(3) with time zone,
  	"total_tried" numeric DEFAULT 0,
  	"has_error" boolean DEFAULT false,
  	"error" jsonb,
  	"task_slug" "enum_payload_jobs_task_slug",
  	"queue" varchar DEFAULT 'default',
  	"wait_until" timestamp(3) with time zone,
  	"processing" boolean DEFAULT false,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  CREATE TABLE "payload_locked_documents" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"global_slug" varchar,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  CREATE TABLE "payload_locked_documents_rels" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"order" integer,
  	"parent_id" integer NOT NULL,
  	"path" varchar NOT NULL,
  	"users_id" integer,
  	"clients_id" integer,
  	"contacts_id" integer,
  	"credit_notes_id" integer,
  	"documents_id" integer,
  	"invoices_id" integer,
  	"payments_id" integer,
  	"invoice_portal_pdf_cache_id" integer,
  	"portal_events_id" integer,
  	"invoice_portal_tokens_id" integer,
  	"invoice_portal_reminders_id" integer,
  	"invoice_portal_sequences_id" integer,
  	"invoice_portal_webhook_deliveries_id" integer,
  	"webhook_events_id" integer
  );
  
  CREATE TABLE "payload_preferences" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"key" varchar,
  	"value" jsonb,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  CREATE TABLE "payload_preferences_rels" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"order" integer,
  	"parent_id" integer NOT NULL,
  	"path" varchar NOT NULL,
  	"users_id" integer,
  	"contacts_id" integer
  );
  
  CREATE TABLE "payload_migrations" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"name" varchar,
  	"batch" numeric,
  	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
  	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL
  );
  
  CREATE TABLE "invoice_portal_settings_reminders_steps" (
  	"_order" integer NOT NULL,
  	"_parent_id" integer NOT NULL,
  	"id" varchar PRIMARY KEY NOT NULL,
  	"days" numeric NOT NULL,
  	"attach_pdf" boolean,
  	"subject" varchar,
  	"body" varchar,
  	"copy_to" varchar,
  	"overdue_event" boolean
  );
  
  CREATE TABLE "invoice_portal_settings" (
  	"id" serial PRIMARY KEY NOT NULL,
  	"branding_name" varchar DEFAULT 'Example Billing',
  	"branding_logo" varchar,
  	"branding_primary_color" varchar DEFAULT '#1d4ed8',
  	"branding_accent_color" varchar,
  	"branding_company_details" varchar DEFAULT 'Keizersgracht 100
  1015 AA Amsterdam
  BTW NL001234567B01
  IBAN NL91 ABNA 0417 1643 00',
  	"branding_legal_footer" varchar DEFAULT 'Example Billing BV · KvK 12345678 · NL001234567B01',
  	"branding_pdf_font" "enum_invoice_portal_settings_branding_pdf_font" DEFAULT 'DejaVuSans',
  	"numbering_invoice_pattern" varchar,
  	"numbering_credit_note_pattern" varchar,
  	"reminders_enabled" boolean DEFAULT true,
  	"reminders_send_hour" numeric,
  	"portal_allow_partial_payment" boolean DEFAULT false,
  	"portal_minimum_partial_amount" numeric,
  	"updated_at" timestamp(3) with time zone,
  	"created_at" timestamp(3) with time zone
  );
  
  ALTER TABLE "users_sessions" ADD CONSTRAINT "users_sessions_parent_id_fk" FOREIGN KEY ("_parent_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "clients_reminders_steps" ADD CONSTRAINT "clients_reminders_steps_parent_id_fk" FOREIGN KEY ("_parent_id") REFERENCES "public"."clients"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "contacts_sessions" ADD CONSTRAINT "contacts_sessions_parent_id_fk" FOREIGN KEY ("_parent_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "contacts" ADD CONSTRAINT "contacts_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "credit_notes_line_items" ADD CONSTRAINT "credit_notes_line_items_parent_id_fk" FOREIGN KEY ("_parent_id") REFERENCES "public"."credit_notes"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "credit_notes" ADD CONSTRAINT "credit_notes_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "credit_notes" ADD CONSTRAINT "credit_notes_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "documents" ADD CONSTRAINT "documents_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "documents" ADD CONSTRAINT "documents_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "invoices_line_items" ADD CONSTRAINT "invoices_line_items_parent_id_fk" FOREIGN KEY ("_parent_id") REFERENCES "public"."invoices"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "invoices_tax_breakdown" ADD CONSTRAINT "invoices_tax_breakdown_parent_id_fk" FOREIGN KEY ("_parent_id") REFERENCES "public"."invoices"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "invoices" ADD CONSTRAINT "invoices_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "payments_allocations" ADD CONSTRAINT "payments_allocations_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "payments_allocations" ADD CONSTRAINT "payments_allocations_parent_id_fk" FOREIGN KEY ("_parent_id") REFERENCES "public"."payments"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "payments" ADD CONSTRAINT "payments_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "payments" ADD CONSTRAINT "payments_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "portal_events" ADD CONSTRAINT "portal_events_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "portal_events" ADD CONSTRAINT "portal_events_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "portal_events" ADD CONSTRAINT "portal_events_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "invoice_portal_tokens" ADD CONSTRAINT "invoice_portal_tokens_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "invoice_portal_reminders" ADD CONSTRAINT "invoice_portal_reminders_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "invoice_portal_reminders" ADD CONSTRAINT "invoice_portal_reminders_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE set null ON UPDATE no action;
  ALTER TABLE "payload_jobs_log" ADD CONSTRAINT "payload_jobs_log_parent_id_fk" FOREIGN KEY ("_parent_id") REFERENCES "public"."payload_jobs"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_parent_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."payload_locked_documents"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_users_fk" FOREIGN KEY ("users_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_clients_fk" FOREIGN KEY ("clients_id") REFERENCES "public"."clients"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_contacts_fk" FOREIGN KEY ("contacts_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_credit_notes_fk" FOREIGN KEY ("credit_notes_id") REFERENCES "public"."credit_notes"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_documents_fk" FOREIGN KEY ("documents_id") REFERENCES "public"."documents"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_invoices_fk" FOREIGN KEY ("invoices_id") REFERENCES "public"."invoices"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_payments_fk" FOREIGN KEY ("payments_id") REFERENCES "public"."payments"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_invoice_portal_pdf_cache_fk" FOREIGN KEY ("invoice_portal_pdf_cache_id") REFERENCES "public"."invoice_portal_pdf_cache"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_portal_events_fk" FOREIGN KEY ("portal_events_id") REFERENCES "public"."portal_events"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_invoice_portal_tokens_fk" FOREIGN KEY ("invoice_portal_tokens_id") REFERENCES "public"."invoice_portal_tokens"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_invoice_portal_reminders_fk" FOREIGN KEY ("invoice_portal_reminders_id") REFERENCES "public"."invoice_portal_reminders"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_invoice_portal_sequences_fk" FOREIGN KEY ("invoice_portal_sequences_id") REFERENCES "public"."invoice_portal_sequences"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_invoice_portal_webhook_deli_fk" FOREIGN KEY ("invoice_portal_webhook_deliveries_id") REFERENCES "public"."invoice_portal_webhook_deliveries"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "payload_locked_documents_rels" ADD CONSTRAINT "payload_locked_documents_rels_webhook_events_fk" FOREIGN KEY ("webhook_events_id") REFERENCES "public"."webhook_events"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "payload_preferences_rels" ADD CONSTRAINT "payload_preferences_rels_parent_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."payload_preferences"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "payload_preferences_rels" ADD CONSTRAINT "payload_preferences_rels_users_fk" FOREIGN KEY ("users_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "payload_preferences_rels" ADD CONSTRAINT "payload_preferences_rels_contacts_fk" FOREIGN KEY ("contacts_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;
  ALTER TABLE "invoice_portal_settings_reminders_steps" ADD CONSTRAINT "invoice_portal_settings_reminders_steps_parent_id_fk" FOREIGN KEY ("_parent_id") REFERENCES "public"."invoice_portal_settings"("id") ON DELETE cascade ON UPDATE no action;
  CREATE INDEX "users_sessions_order_idx" ON "users_sessions" USING btree ("_order");
  CREATE INDEX "users_sessions_parent_id_idx" ON "users_sessions" USING btree ("_parent_id");
  CREATE INDEX "users_updated_at_idx" ON "users" USING btree ("updated_at");
  CREATE INDEX "users_created_at_idx" ON "users" USING btree ("created_at");
  CREATE UNIQUE INDEX "users_email_idx" ON "users" USING btree ("email");
  CREATE INDEX "clients_reminders_steps_order_idx" ON "clients_reminders_steps" USING btree ("_order");
  CREATE INDEX "clients_reminders_steps_parent_id_idx" ON "clients_reminders_steps" USING btree ("_parent_id");
  CREATE UNIQUE INDEX "clients_external_id_idx" ON "clients" USING btree ("external_id");
  CREATE INDEX "clients_updated_at_idx" ON "clients" USING btree ("updated_at");
  CREATE INDEX "clients_created_at_idx" ON "clients" USING btree ("created_at");
  CREATE INDEX "contacts_sessions_order_idx" ON "contacts_sessions" USING btree ("_order");
  CREATE INDEX "contacts_sessions_parent_id_idx" ON "contacts_sessions" USING btree ("_parent_id");
  CREATE INDEX "contacts_client_idx" ON "contacts" USING btree ("client_id");
  CREATE UNIQUE INDEX "contacts_external_id_idx" ON "contacts" USING btree ("external_id");
  CREATE INDEX "contacts_updated_at_idx" ON "contacts" USING btree ("updated_at");
  CREATE INDEX "contacts_created_at_idx" ON "contacts" USING btree ("created_at");
  CREATE UNIQUE INDEX "contacts_email_idx" ON "contacts" USING btree ("email");
  CREATE INDEX "credit_notes_line_items_order_idx" ON "credit_notes_line_items" USING btree ("_order");
  CREATE INDEX "credit_notes_line_items_parent_id_idx" ON "credit_notes_line_items" USING btree ("_parent_id");
  CREATE UNIQUE INDEX "credit_notes_number_idx" ON "credit_notes" USING btree ("number");
  CREATE INDEX "credit_notes_invoice_idx" ON "credit_notes" USING btree ("invoice_id");
  CREATE INDEX "credit_notes_client_idx" ON "credit_notes" USING btree ("client_id");
  CREATE INDEX "credit_notes_status_idx" ON "credit_notes" USING btree ("status");
  CREATE UNIQUE INDEX "credit_notes_external_id_idx" ON "credit_notes" USING btree ("external_id");
  CREATE INDEX "credit_notes_updated_at_idx" ON "credit_notes" USING btree ("updated_at");
  CREATE INDEX "credit_notes_created_at_idx" ON "credit_notes" USING btree ("created_at");
  CREATE INDEX "documents_client_idx" ON "documents" USING btree ("client_id");
  CREATE INDEX "documents_invoice_idx" ON "documents" USING btree ("invoice_id");
  CREATE INDEX "documents_visible_to_client_idx" ON "documents" USING btree ("visible_to_client");
  CREATE INDEX "documents_updated_at_idx" ON "documents" USING btree ("updated_at");
  CREATE INDEX "documents_created_at_idx" ON "documents" USING btree ("created_at");
  CREATE UNIQUE INDEX "documents_filename_idx" ON "documents" USING btree ("filename");
  CREATE INDEX "invoices_line_items_order_idx" ON "invoices_line_items" USING btree ("_order");
  CREATE INDEX "invoices_line_items_parent_id_idx" ON "invoices_line_items" USING btree ("_parent_id");
  CREATE INDEX "invoices_tax_breakdown_order_idx" ON "invoices_tax_breakdown" USING btree ("_order");
  CREATE INDEX "invoices_tax_breakdown_parent_id_idx" ON "invoices_tax_breakdown" USING btree ("_parent_id");
  CREATE UNIQUE INDEX "invoices_number_idx" ON "invoices" USING btree ("number");
  CREATE INDEX "invoices_client_idx" ON "invoices" USING btree ("client_id");
  CREATE INDEX "invoices_status_idx" ON "invoices" USING btree ("status");
  CREATE INDEX "invoices_issue_date_idx" ON "invoices" USING btree ("issue_date");
  CREATE INDEX "invoices_due_date_idx" ON "invoices" USING btree ("due_date");
  CREATE INDEX "invoices_external_id_idx" ON "invoices" USING btree ("external_id");
  CREATE INDEX "invoices_next_reminder_at_idx" ON "invoices" USING btree ("next_reminder_at");
  CREATE INDEX "invoices_updated_at_idx" ON "invoices" USING btree ("updated_at");
  CREATE INDEX "invoices_created_at_idx" ON "invoices" USING btree ("created_at");
  CREATE UNIQUE INDEX "source_externalId_idx" ON "invoices" USING btree ("source","external_id");
  CREATE INDEX "payments_allocations_order_idx" ON "payments_allocations" USING btree ("_order");
  CREATE INDEX "payments_allocations_parent_id_idx" ON "payments_allocations" USING btree ("_parent_id");
  CREATE INDEX "payments_allocations_invoice_idx" ON "payments_allocations" USING btree ("invoice_id");
  CREATE INDEX "payments_client_idx" ON "payments" USING btree ("client_id");
  CREATE INDEX "payments_status_idx" ON "payments" USING btree ("status");
  CREATE INDEX "payments_contact_idx" ON "payments" USING btree ("contact_id");
  CREATE INDEX "payments_updated_at_idx" ON "payments" USING btree ("updated_at");
  CREATE INDEX "payments_created_at_idx" ON "payments" USING btree ("created_at");
  CREATE UNIQUE INDEX "provider_providerRef_idx" ON "payments" USING btree ("provider","provider_ref");
  CREATE UNIQUE INDEX "invoice_portal_pdf_cache_key_idx" ON "invoice_portal_pdf_cache" USING btree ("key");
  CREATE INDEX "invoice_portal_pdf_cache_subject_idx" ON "invoice_portal_pdf_cache" USING btree ("subject");
  CREATE INDEX "invoice_portal_pdf_cache_updated_at_idx" ON "invoice_portal_pdf_cache" USING btree ("updated_at");
  CREATE INDEX "invoice_portal_pdf_cache_created_at_idx" ON "invoice_portal_pdf_cache" USING btree ("created_at");
  CREATE INDEX "portal_events_type_idx" ON "portal_events" USING btree ("type");
  CREATE INDEX "portal_events_client_idx" ON "portal_events" USING btree ("client_id");
  CREATE INDEX "portal_events_contact_idx" ON "portal_events" USING btree ("contact_id");
  CREATE INDEX "portal_events_invoice_idx" ON "portal_events" USING btree ("invoice_id");
  CREATE INDEX "portal_events_updated_at_idx" ON "portal_events" USING btree ("updated_at");
  CREATE INDEX "portal_events_created_at_idx" ON "portal_events" USING btree ("created_at");
  CREATE INDEX "invoice_portal_tokens_contact_idx" ON "invoice_portal_tokens" USING btree ("contact_id");
  CREATE UNIQUE INDEX "invoice_portal_tokens_token_hash_idx" ON "invoice_portal_tokens" USING btree ("token_hash");
  CREATE INDEX "invoice_portal_tokens_expires_at_idx" ON "invoice_portal_tokens" USING btree ("expires_at");
  CREATE INDEX "invoice_portal_tokens_updated_at_idx" ON "invoice_portal_tokens" USING btree ("updated_at");
  CREATE INDEX "invoice_portal_tokens_created_at_idx" ON "invoice_portal_tokens" USING btree ("created_at");
  CREATE INDEX "invoice_portal_reminders_invoice_idx" ON "invoice_portal_reminders" USING btree ("invoice_id");
  CREATE INDEX "invoice_portal_reminders_client_idx" ON "invoice_portal_reminders" USING btree ("client_id");
  CREATE INDEX "invoice_portal_reminders_status_idx" ON "invoice_portal_reminders" USING btree ("status");
  CREATE INDEX "invoice_portal_reminders_updated_at_idx" ON "invoice_portal_reminders" USING btree ("updated_at");
  CREATE INDEX "invoice_portal_reminders_created_at_idx" ON "invoice_portal_reminders" USING btree ("created_at");
  CREATE UNIQUE INDEX "invoice_step_idx" ON "invoice_portal_reminders" USING btree ("invoice_id","step");
  CREATE UNIQUE INDEX "invoice_portal_sequences_key_idx" ON "invoice_portal_sequences" USING btree ("key");
  CREATE INDEX "invoice_portal_sequences_updated_at_idx" ON "invoice_portal_sequences" USING btree ("updated_at");
  CREATE INDEX "invoice_portal_sequences_created_at_idx" ON "invoice_portal_sequences" USING btree ("created_at");
  CREATE UNIQUE INDEX "invoice_portal_webhook_deliveries_event_id_idx" ON "invoice_portal_webhook_deliveries" USING btree ("event_id");
  CREATE INDEX "invoice_portal_webhook_deliveries_type_idx" ON "invoice_portal_webhook_deliveries" USING btree ("type");
  CREATE INDEX "invoice_portal_webhook_deliveries_status_idx" ON "invoice_portal_webhook_deliveries" USING btree ("status");
  CREATE INDEX "invoice_portal_webhook_deliveries_updated_at_idx" ON "invoice_portal_webhook_deliveries" USING btree ("updated_at");
  CREATE INDEX "invoice_portal_webhook_deliveries_created_at_idx" ON "invoice_portal_webhook_deliveries" USING btree ("created_at");
  CREATE INDEX "webhook_events_type_idx" ON "webhook_events" USING btree ("type");
  CREATE INDEX "webhook_events_status_idx" ON "webhook_events" USING btree ("status");
  CREATE INDEX "webhook_events_updated_at_idx" ON "webhook_events" USING btree ("updated_at");
  CREATE INDEX "webhook_events_created_at_idx" ON "webhook_events" USING btree ("created_at");
  CREATE UNIQUE INDEX "provider_eventId_idx" ON "webhook_events" USING btree ("provider","event_id");
  CREATE UNIQUE INDEX "payload_kv_key_idx" ON "payload_kv" USING btree ("key");
  CREATE INDEX "payload_jobs_log_order_idx" ON "payload_jobs_log" USING btree ("_order");
  CREATE INDEX "payload_jobs_log_parent_id_idx" ON "payload_jobs_log" USING btree ("_parent_id");
  CREATE INDEX "payload_jobs_completed_at_idx" ON "payload_jobs" USING btree ("completed_at");
  CREATE INDEX "payload_jobs_total_tried_idx" ON "payload_jobs" USING btree ("total_tried");
  CREATE INDEX "payload_jobs_has_error_idx" ON "payload_jobs" USING btree ("has_error");
  CREATE INDEX "payload_jobs_task_slug_idx" ON "payload_jobs" USING btree ("task_slug");
  CREATE INDEX "payload_jobs_queue_idx" ON "payload_jobs" USING btree ("queue");
  CREATE INDEX "payload_jobs_wait_until_idx" ON "payload_jobs" USING btree ("wait_until");
  CREATE INDEX "payload_jobs_processing_idx" ON "payload_jobs" USING btree ("processing");
  CREATE INDEX "payload_jobs_updated_at_idx" ON "payload_jobs" USING btree ("updated_at");
  CREATE INDEX "payload_jobs_created_at_idx" ON "payload_jobs" USING btree ("created_at");
  CREATE INDEX "payload_locked_documents_global_slug_idx" ON "payload_locked_documents" USING btree ("global_slug");
  CREATE INDEX "payload_locked_documents_updated_at_idx" ON "payload_locked_documents" USING btree ("updated_at");
  CREATE INDEX "payload_locked_documents_created_at_idx" ON "payload_locked_documents" USING btree ("created_at");
  CREATE INDEX "payload_locked_documents_rels_order_idx" ON "payload_locked_documents_rels" USING btree ("order");
  CREATE INDEX "payload_locked_documents_rels_parent_idx" ON "payload_locked_documents_rels" USING btree ("parent_id");
  CREATE INDEX "payload_locked_documents_rels_path_idx" ON "payload_locked_documents_rels" USING btree ("path");
  CREATE INDEX "payload_locked_documents_rels_users_id_idx" ON "payload_locked_documents_rels" USING btree ("users_id");
  CREATE INDEX "payload_locked_documents_rels_clients_id_idx" ON "payload_locked_documents_rels" USING btree ("clients_id");
  CREATE INDEX "payload_locked_documents_rels_contacts_id_idx" ON "payload_locked_documents_rels" USING btree ("contacts_id");
  CREATE INDEX "payload_locked_documents_rels_credit_notes_id_idx" ON "payload_locked_documents_rels" USING btree ("credit_notes_id");
  CREATE INDEX "payload_locked_documents_rels_documents_id_idx" ON "payload_locked_documents_rels" USING btree ("documents_id");
  CREATE INDEX "payload_locked_documents_rels_invoices_id_idx" ON "payload_locked_documents_rels" USING btree ("invoices_id");
  CREATE INDEX "payload_locked_documents_rels_payments_id_idx" ON "payload_locked_documents_rels" USING btree ("payments_id");
  CREATE INDEX "payload_locked_documents_rels_invoice_portal_pdf_cache_i_idx" ON "payload_locked_documents_rels" USING btree ("invoice_portal_pdf_cache_id");
  CREATE INDEX "payload_locked_documents_rels_portal_events_id_idx" ON "payload_locked_documents_rels" USING btree ("portal_events_id");
  CREATE INDEX "payload_locked_documents_rels_invoice_portal_tokens_id_idx" ON "payload_locked_documents_rels" USING btree ("invoice_portal_tokens_id");
  CREATE INDEX "payload_locked_documents_rels_invoice_portal_reminders_i_idx" ON "payload_locked_documents_rels" USING btree ("invoice_portal_reminders_id");
  CREATE INDEX "payload_locked_documents_rels_invoice_portal_sequences_i_idx" ON "payload_locked_documents_rels" USING btree ("invoice_portal_sequences_id");
  CREATE INDEX "payload_locked_documents_rels_invoice_portal_webhook_del_idx" ON "payload_locked_documents_rels" USING btree ("invoice_portal_webhook_deliveries_id");
  CREATE INDEX "payload_locked_documents_rels_webhook_events_id_idx" ON "payload_locked_documents_rels" USING btree ("webhook_events_id");
  CREATE INDEX "payload_preferences_key_idx" ON "payload_preferences" USING btree ("key");
  CREATE INDEX "payload_preferences_updated_at_idx" ON "payload_preferences" USING btree ("updated_at");
  CREATE INDEX "payload_preferences_created_at_idx" ON "payload_preferences" USING btree ("created_at");
  CREATE INDEX "payload_preferences_rels_order_idx" ON "payload_preferences_rels" USING btree ("order");
  CREATE INDEX "payload_preferences_rels_parent_idx" ON "payload_preferences_rels" USING btree ("parent_id");
  CREATE INDEX "payload_preferences_rels_path_idx" ON "payload_preferences_rels" USING btree ("path");
  CREATE INDEX "payload_preferences_rels_users_id_idx" ON "payload_preferences_rels" USING btree ("users_id");
  CREATE INDEX "payload_preferences_rels_contacts_id_idx" ON "payload_preferences_rels" USING btree ("contacts_id");
  CREATE INDEX "payload_migrations_updated_at_idx" ON "payload_migrations" USING btree ("updated_at");
  CREATE INDEX "payload_migrations_created_at_idx" ON "payload_migrations" USING btree ("created_at");
  CREATE INDEX "invoice_portal_settings_reminders_steps_order_idx" ON "invoice_portal_settings_reminders_steps" USING btree ("_order");
  CREATE INDEX "invoice_portal_settings_reminders_steps_parent_id_idx" ON "invoice_portal_settings_reminders_steps" USING btree ("_parent_id");`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
   DROP TABLE "users_sessions" CASCADE;
  DROP TABLE "users" CASCADE;
  DROP TABLE "clients_reminders_steps" CASCADE;
  DROP TABLE "clients" CASCADE;
  DROP TABLE "contacts_sessions" CASCADE;
  DROP TABLE "contacts" CASCADE;
  DROP TABLE "credit_notes_line_items" CASCADE;
  DROP TABLE "credit_notes" CASCADE;
  DROP TABLE "documents" CASCADE;
  DROP TABLE "invoices_line_items" CASCADE;
  DROP TABLE "invoices_tax_breakdown" CASCADE;
  DROP TABLE "invoices" CASCADE;
  DROP TABLE "payments_allocations" CASCADE;
  DROP TABLE "payments" CASCADE;
  DROP TABLE "invoice_portal_pdf_cache" CASCADE;
  DROP TABLE "portal_events" CASCADE;
  DROP TABLE "invoice_portal_tokens" CASCADE;
  DROP TABLE "invoice_portal_reminders" CASCADE;
  DROP TABLE "invoice_portal_sequences" CASCADE;
  DROP TABLE "invoice_portal_webhook_deliveries" CASCADE;
  DROP TABLE "webhook_events" CASCADE;
  DROP TABLE "payload_kv" CASCADE;
  DROP TABLE "payload_jobs_log" CASCADE;
  DROP TABLE "payload_jobs" CASCADE;
  DROP TABLE "payload_locked_documents" CASCADE;
  DROP TABLE "payload_locked_documents_rels" CASCADE;
  DROP TABLE "payload_preferences" CASCADE;
  DROP TABLE "payload_preferences_rels" CASCADE;
  DROP TABLE "payload_migrations" CASCADE;
  DROP TABLE "invoice_portal_settings_reminders_steps" CASCADE;
  DROP TABLE "invoice_portal_settings" CASCADE;
  DROP TYPE "public"."enum_clients_locale";
  DROP TYPE "public"."enum_contacts_role";
  DROP TYPE "public"."enum_credit_notes_status";
  DROP TYPE "public"."enum_invoices_status";
  DROP TYPE "public"."enum_payments_status";
  DROP TYPE "public"."enum_payments_provider";
  DROP TYPE "public"."enum_payments_method";
  DROP TYPE "public"."enum_portal_events_type";
  DROP TYPE "public"."enum_invoice_portal_tokens_purpose";
  DROP TYPE "public"."enum_invoice_portal_reminders_status";
  DROP TYPE "public"."enum_invoice_portal_webhook_deliveries_type";
  DROP TYPE "public"."enum_invoice_portal_webhook_deliveries_status";
  DROP TYPE "public"."enum_webhook_events_provider";
  DROP TYPE "public"."enum_webhook_events_status";
  DROP TYPE "public"."enum_payload_jobs_log_task_slug";
  DROP TYPE "public"."enum_payload_jobs_log_state";
  DROP TYPE "public"."enum_payload_jobs_task_slug";
  DROP TYPE "public"."enum_invoice_portal_settings_branding_pdf_font";`)
}
