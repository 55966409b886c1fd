import { type DocumentProps, Text, View } from '@react-pdf/renderer'
import React from 'react'

import type { CreditNotePdf, InvoicePdf, PdfJob, PdfLine, ReceiptPdf, StatementPdf } from '../model.js'

import { day, money, percent, quantity } from '../../portal/format.js'
import { translator, type Translate } from '../../portal/i18n.js'
import { Frame, type Pagination, Parties, styles, Table, Totals } from './layout.js'

type Props<C> = { content: C; job: PdfJob; pagination: Pagination; t: Translate }

const statusText = (t: Translate, status: string) => t(`status.${status}` as never) ?? status

function LinesTable({ currency, job, lines, t }: { currency: string; job: PdfJob; lines: PdfLine[]; t: Translate }) {
  const { locale } = job
  return (
    <Table
      color={job.brand.primaryColor}
      columns={[
        { label: t('invoice.description'), width: '46%' },
        { align: 'right', label: t('invoice.quantity'), width: '10%' },
        { align: 'right', label: t('invoice.unitPrice'), width: '16%' },
        { align: 'right', label: t('invoice.rate'), width: '10%' },
        { align: 'right', label: t('invoice.lineTotal'), width: '18%' },
      ]}
      rows={lines.map((line) => [line.description, quantity(line.quantity, locale), money(line.unitAmount, currency, locale), percent(line.taxRate, locale), money(line.amount, currency, locale)])}
    />
  )
}

function InvoiceDocument({ content, job, pagination, t }: Props<InvoicePdf>) {
  const { currency } = content
  const { locale } = job
  const amount = (value: number) => money(value, currency, locale)
  const facts: Array<[string, string]> = [
    [t('pdf.number'), content.number],
    [t('invoice.issueDate'), day(content.issueDate, locale)],
    [t('invoice.dueDate'), day(content.dueDate, locale)],
  ]
  if (content.paymentTerms) facts.push([t('pdf.terms'), content.paymentTerms])
  if (content.status !== 'open') facts.push([t('filter.status'), statusText(t, content.status)])
  const totals: Array<[string, string]> = [
    [t('invoice.subtotal'), amount(content.subtotal)],
    ...content.taxBreakdown.map((row): [string, string] => [t('pdf.taxLine', { base: amount(row.base), rate: percent(row.rate, locale) }), amount(row.tax)]),
    [t('invoice.total'), amount(content.total)],
  ]
  if (content.amountPaid) totals.push([t('invoice.paid'), amount(-content.amountPaid)])
  if (content.amountCredited) totals.push([t('invoice.credited'), amount(-content.amountCredited)])
  totals.push([t('invoice.amountDue'), amount(content.amountDue)])
  return (
    <Frame job={job} pagination={pagination} t={t} title={`${t('pdf.invoice')} ${content.number}`}>
      <Parties client={content.client} facts={facts} t={t} />
      <LinesTable currency={currency} job={job} lines={content.lines} t={t} />
      <Totals rows={totals} />
      {content.amountDue > 0 && content.dueDate ? (
        <Text style={{ marginTop: 16 }}>{t('pdf.payBy', { amount: amount(content.amountDue), date: day(content.dueDate, locale), number: content.number })}</Text>
      ) : null}
      {content.notes ? <Text style={{ ...styles.muted, marginTop: 12 }}>{content.notes}</Text> : null}
    </Frame>
  )
}

function CreditNoteDocument({ content, job, pagination, t }: Props<CreditNotePdf>) {
  const { locale } = job
  const facts: Array<[string, string]> = [
    [t('pdf.number'), content.number],
    [t('pdf.forInvoice'), content.invoiceNumber],
    [t('payments.date'), day(content.issuedAt, locale)],
  ]
  if (content.status !== 'issued') facts.push([t('filter.status'), statusText(t, content.status)])
  return (
    <Frame job={job} pagination={pagination} t={t} title={`${t('pdf.creditNote')} ${content.number}`}>
      <Parties client={content.client} facts={facts} t={t} />
      {content.lines.length ? (
        <LinesTable currency={content.currency} job={job} lines={content.lines} t={t} />
      ) : (
        <Table
          color={job.brand.primaryColor}
          columns={[{ label: t('creditNotes.reason'), width: '75%' }, { align: 'right', label: t('invoice.lineTotal'), width: '25%' }]}
          rows={[[content.reason || `${t('pdf.forInvoice')} ${content.invoiceNumber}`, money(content.amount, content.currency, locale)]]}
        />
      )}
      {content.lines.length && content.reason ? <Text style={{ marginTop: 8 }}>{t('creditNotes.reason')}: {content.reason}</Text> : null}
      <Totals rows={[[t('pdf.creditTotal'), money(content.amount, content.currency, locale)]]} />
    </Frame>
  )
}

function ReceiptDocument({ content, job, pagination, t }: Props<ReceiptPdf>) {
  const { locale } = job
  const amount = (value: number) => money(value, content.currency, locale)
  const facts: Array<[string, string]> = [
    [t('pdf.reference'), content.reference],
    [t('payments.date'), day(content.paidAt, locale)],
    [t('payments.method'), content.method],
    [t('filter.status'), statusText(t, content.status)],
  ]
  const totals: Array<[string, string]> = [[t('pdf.received'), amount(content.amount)]]
  if (content.amountRefunded) totals.push([t('pdf.refunded'), amount(-content.amountRefunded)])
  return (
    <Frame job={job} pagination={pagination} t={t} title={t('pdf.receipt')}>
      <Parties client={content.client} facts={facts} t={t} />
      <Table
        color={job.brand.primaryColor}
        columns={[{ label: t('pdf.appliedTo'), width: '75%' }, { align: 'right', label: t('invoice.lineTotal'), width: '25%' }]}
        rows={content.allocations.map((allocation) => [`${t('pdf.forInvoice')} ${allocation.number}`, amount(allocation.amount)])}
      />
      <Totals emphasiseLast={false} rows={totals} />
      {content.status === 'succeeded' ? <Text style={{ marginTop: 16 }}>{t('pdf.thanks')}</Text> : null}
    </Frame>
  )
}

const AGEING_BUCKETS = ['0-30', '31-60', '61-90', '90+'] as const

function StatementDocument({ content, job, pagination, t }: Props<StatementPdf>) {
  const { locale } = job
  const amount = (value: number) => money(value, content.currency, locale)
  const blankIfZero = (value: number) => (value ? amount(value) : '')
  return (
    <Frame job={job} pagination={pagination} t={t} title={t('pdf.statement')}>
      <Parties client={content.client} facts={[[t('pdf.period'), `${day(content.from, locale)} – ${day(content.to, locale)}`], [t('pdf.opening'), amount(content.openingBalance)], [t('pdf.closing'), amount(content.closingBalance)]]} t={t} />
      <Table
        color={job.brand.primaryColor}
        columns={[
          { label: t('payments.date'), width: '16%' },
          { label: t('pdf.reference'), width: '36%' },
          { align: 'right', label: t('pdf.charges'), width: '16%' },
          { align: 'right', label: t('pdf.credits'), width: '16%' },
          { align: 'right', label: t('pdf.balance'), width: '16%' },
        ]}
        rows={[
          [day(content.from, locale), t('pdf.opening'), '', '', amount(content.openingBalance)],
          ...content.rows.map((row) => [day(row.date, locale), t(`pdf.row.${row.kind}`, { ref: row.reference }), blankIfZero(row.debit), blankIfZero(row.credit), amount(row.balance)]),
        ]}
      />
      {content.rows.length === 0 ? <Text style={{ ...styles.muted, marginTop: 6 }}>{t('pdf.noActivity')}</Text> : null}
      <Totals
        rows={[
          [t('pdf.opening'), amount(content.openingBalance)],
          [`+ ${t('nav.invoices')}`, amount(content.totals.invoices)],
          [`− ${t('nav.payments')}`, amount(content.totals.payments)],
          [`− ${t('nav.creditNotes')}`, amount(content.totals.credits)],
          [t('pdf.closing'), amount(content.closingBalance)],
        ]}
      />
      <View style={{ marginTop: 20 }} wrap={false}>
        <Text style={{ ...styles.strong, marginBottom: 4 }}>{t('pdf.ageing')}</Text>
        <Table
          color={job.brand.accentColor}
          columns={AGEING_BUCKETS.map((bucket) => ({ align: 'right' as const, label: bucket, width: '25%' }))}
          rows={[AGEING_BUCKETS.map((bucket) => amount(content.ageing[bucket]))]}
        />
      </View>
    </Frame>
  )
}

/** The one template set: the same element for a preview, a download, an e-mail attachment and a ZIP. */
export function pdfElement(job: PdfJob, pagination: Pagination): React.ReactElement<DocumentProps> {
  const t = translator(job.locale)
  const { content } = job
  switch (content.kind) {
    case 'credit-note':
      return <CreditNoteDocument content={content} job={job} pagination={pagination} t={t} />
    case 'invoice':
      return <InvoiceDocument content={content} job={job} pagination={pagination} t={t} />
    case 'receipt':
      return <ReceiptDocument content={content} job={job} pagination={pagination} t={t} />
    case 'statement':
      return <StatementDocument content={content} job={job} pagination={pagination} t={t} />
  }
}
