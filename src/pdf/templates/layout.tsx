import { Document, Image, Page, StyleSheet, Text, View } from '@react-pdf/renderer'
import React from 'react'

import type { Translate } from '../../portal/i18n.js'
import type { PdfJob, PdfParty } from '../model.js'

/** Shared frame of every PDF: brand header, parties, table with a header that repeats on each page, footer. */
export const styles = StyleSheet.create({
  brandName: { fontSize: 14, fontWeight: 'bold' },
  cell: { paddingHorizontal: 4, paddingVertical: 3 },
  footerText: { borderTopColor: '#ccc', borderTopWidth: 0.5, bottom: 24, color: '#555', fontSize: 7.5, left: 40, paddingRight: 90, paddingTop: 6, position: 'absolute', right: 40 },
  header: { flexDirection: 'row', justifyContent: 'space-between', marginBottom: 24 },
  logo: { height: 40, marginBottom: 6, objectFit: 'contain', width: 120 },
  meta: { flexDirection: 'row', marginBottom: 2 },
  metaLabel: { color: '#555', width: 90 },
  muted: { color: '#555' },
  pageNumber: { bottom: 24, color: '#555', fontSize: 7.5, left: 40, paddingTop: 6.5, position: 'absolute', right: 40, textAlign: 'right' },
  // No lineHeight here: react-pdf 4.9 drops a page-number text that inherits one.
  page: { fontSize: 9, paddingBottom: 64, paddingHorizontal: 40, paddingTop: 36 },
  parties: { flexDirection: 'row', justifyContent: 'space-between', marginBottom: 20 },
  right: { textAlign: 'right' },
  row: { borderBottomColor: '#e5e5e5', borderBottomWidth: 0.5, flexDirection: 'row' },
  strong: { fontWeight: 'bold' },
  tableHead: { color: '#fff', flexDirection: 'row', fontWeight: 'bold' },
  title: { fontSize: 18, fontWeight: 'bold', marginBottom: 4, textAlign: 'right' },
  totalRow: { flexDirection: 'row', justifyContent: 'flex-end', paddingVertical: 2 },
  totals: { alignSelf: 'flex-end', marginTop: 10, width: 260 },
})

export type Column = { align?: 'left' | 'right'; label: string; width: number | string }

/**
 * Splitting content over pages makes react-pdf lay every page out a second time, and page numbers (a
 * render prop) once more: together about a third of a render. So a document is first laid out as one
 * page that grows with its content (`onePage`); when the content fits on A4 that is the final PDF,
 * the same bytes pagination would give. One that does not fit is rendered again, split over pages and
 * numbered (see render.ts).
 */
export type Pagination = { onePage: false } | { onePage: true; onOverflow: (overflows: boolean) => void }

/** react-pdf's A4 height in points, the least height of a one-page layout. */
const A4_HEIGHT = 841.89

type LayoutReport = { _INTERNAL__LAYOUT__DATA_?: { children?: Array<{ box?: { height?: number } }> } }

export function Frame({ children, job, pagination, t, title }: { children: React.ReactNode; job: PdfJob; pagination: Pagination; t: Translate; title: string }) {
  const { brand } = job
  const { onePage } = pagination
  // A one-page layout grows past A4 when its content does not fit.
  const report = (params: LayoutReport) => {
    if (!pagination.onePage) return
    const height = params._INTERNAL__LAYOUT__DATA_?.children?.[0]?.box?.height
    pagination.onOverflow(height === undefined || height > A4_HEIGHT + 0.01)
  }
  return (
    <Document author={brand.name} creator={brand.name} language={job.locale} onRender={report as never} producer="payload-invoice-portal" title={title}>
      <Page size="A4" style={{ ...styles.page, fontFamily: brand.font, ...(onePage ? { minHeight: A4_HEIGHT } : {}) }} wrap={!onePage}>
        <View style={styles.header}>
          <View style={{ maxWidth: 260 }}>
            {brand.logo ? <Image src={brand.logo} style={styles.logo} /> : null}
            <Text style={{ ...styles.brandName, color: brand.primaryColor }}>{brand.name}</Text>
            {brand.companyDetails.map((line, index) => (
              <Text key={index} style={styles.muted}>{line}</Text>
            ))}
          </View>
          <View>
            <Text style={{ ...styles.title, color: brand.primaryColor }}>{title}</Text>
          </View>
        </View>
        {children}
        <Text fixed style={styles.footerText}>{brand.legalFooter}</Text>
        {onePage ? null : (
          <Text fixed render={({ pageNumber, totalPages }) => t('pdf.page', { page: pageNumber, pages: totalPages })} style={styles.pageNumber} />
        )}
      </Page>
    </Document>
  )
}

/** The client's block on the left and the document's facts on the right. */
export function Parties({ client, facts, t }: { client: PdfParty; facts: Array<[string, string]>; t: Translate }) {
  return (
    <View style={styles.parties}>
      <View style={{ maxWidth: 250 }}>
        <Text style={{ ...styles.muted, marginBottom: 2 }}>{t('pdf.billTo')}</Text>
        <Text style={styles.strong}>{client.name}</Text>
        {client.lines.map((line, index) => (
          <Text key={index}>{line}</Text>
        ))}
        {client.taxId ? <Text>{t('pdf.taxId')}: {client.taxId}</Text> : null}
        {client.email ? <Text style={styles.muted}>{client.email}</Text> : null}
      </View>
      <View style={{ minWidth: 200 }}>
        {facts.map(([label, value]) => (
          <View key={label} style={styles.meta}>
            <Text style={styles.metaLabel}>{label}</Text>
            <Text style={styles.strong}>{value}</Text>
          </View>
        ))}
      </View>
    </View>
  )
}

/**
 * A table whose header is `fixed`: react-pdf repeats it at the top of every page the table runs onto.
 * Rows never split across pages.
 */
export function Table({ color, columns, rows }: { color: string; columns: Column[]; rows: string[][] }) {
  const cellStyle = (column: Column) => ({ ...styles.cell, textAlign: column.align ?? 'left', width: column.width }) as const
  return (
    <View>
      <View fixed style={{ ...styles.tableHead, backgroundColor: color }}>
        {columns.map((column) => (
          <Text key={column.label} style={cellStyle(column)}>{column.label}</Text>
        ))}
      </View>
      {rows.map((cells, index) => (
        <View key={index} style={styles.row} wrap={false}>
          {cells.map((cell, column) => (
            <Text key={column} style={cellStyle(columns[column])}>{cell}</Text>
          ))}
        </View>
      ))}
    </View>
  )
}

/** Label and amount pairs under a table; the last one is bold and ruled when `emphasiseLast`. */
export function Totals({ emphasiseLast = true, rows }: { emphasiseLast?: boolean; rows: Array<[string, string]> }) {
  return (
    <View style={styles.totals} wrap={false}>
      {rows.map(([label, value], index) => {
        const last = emphasiseLast && index === rows.length - 1
        const style = last ? { ...styles.totalRow, ...styles.strong, borderTopColor: '#333', borderTopWidth: 0.8, marginTop: 2, paddingTop: 4 } : styles.totalRow
        return (
          <View key={index} style={style}>
            <Text style={{ flexGrow: 1 }}>{label}</Text>
            <Text style={styles.right}>{value}</Text>
          </View>
        )
      })}
    </View>
  )
}
