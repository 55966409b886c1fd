import type { Field, FieldAccess, NumberField, TextField, UIField } from 'payload'

import { isCurrency } from '../money/currencies.js'
import { compareDecimalToInteger, decimalToString, parseDecimal } from '../money/decimal.js'

/**
 * Reusable field builders. Money is an integer of minor units; decimals (quantity, tax rate,
 * exchange rate) are stored as canonical strings so no float ever holds them.
 */
export const derivedAccess: { create: FieldAccess; update: FieldAccess } = {
  // Derived fields are computed by hooks; a client can never set them.
  create: () => false,
  update: () => false,
}

export function moneyField(
  name: string,
  options: { derived?: boolean; label?: string; min?: number; required?: boolean } = {},
): NumberField {
  return {
    name,
    type: 'number',
    ...(options.derived ? { access: derivedAccess } : {}),
    admin: {
      description: 'Minor units of the currency (cents for EUR).',
      readOnly: options.derived,
      step: 1,
    },
    label: options.label,
    required: options.required,
    validate: (value: null | number | undefined) => {
      if (value === null || value === undefined) return options.required ? 'An amount is required.' : true
      if (!Number.isSafeInteger(value)) return 'Must be a whole number of minor units (cents), e.g. 1250 for 12.50.'
      if (options.min !== undefined && value < options.min) return `Must be at least ${options.min}.`
      return true
    },
  }
}

export function currencyField(defaultCurrency?: string, required = true): TextField {
  return {
    name: 'currency',
    type: 'text',
    admin: { description: 'ISO 4217 code, e.g. EUR.' },
    defaultValue: defaultCurrency,
    hooks: { beforeValidate: [({ value }) => (typeof value === 'string' ? value.trim().toUpperCase() : value)] },
    maxLength: 3,
    required,
    validate: (value: null | string | undefined) => {
      if (!value) return required ? 'A currency is required.' : true
      return isCurrency(value) ? true : `"${value}" is not an ISO 4217 currency code.`
    },
  }
}

/** A decimal kept as text; `min`/`max` bound it and `maxScale` limits its decimal places. */
export function decimalField(
  name: string,
  options: { defaultValue?: string; description?: string; exclusiveMin?: boolean; max?: number; maxScale: number; min?: number; required?: boolean },
): TextField {
  return {
    name,
    type: 'text',
    admin: { description: options.description },
    defaultValue: options.defaultValue,
    hooks: {
      beforeValidate: [
        ({ value }) => {
          if (value === null || value === undefined || value === '') return value
          const decimal = parseDecimal(value)
          return decimal ? decimalToString(decimal) : value
        },
      ],
    },
    required: options.required,
    validate: (value: null | string | undefined) => {
      if (value === null || value === undefined || value === '') return options.required ? 'A value is required.' : true
      const decimal = parseDecimal(value)
      if (!decimal) return `"${value}" is not a decimal number (use a dot: 1.5).`
      if (decimal.scale > options.maxScale) return `At most ${options.maxScale} decimal places.`
      const scaled = (limit: number) => compareDecimalToInteger(decimal, limit)
      if (options.min !== undefined) {
        const below = options.exclusiveMin ? scaled(options.min) <= 0 : scaled(options.min) < 0
        if (below) return `Must be ${options.exclusiveMin ? 'greater than' : 'at least'} ${options.min}; got ${value}.`
      }
      if (options.max !== undefined && scaled(options.max) > 0) return `Must be at most ${options.max}; got ${value}.`
      return true
    },
  }
}

/** A calendar date. Stored at noon UTC so that every timezone from −12 to +12 shows the same day. */
export function calendarDateField(name: string, options: { label?: string; required?: boolean } = {}): Field {
  return {
    name,
    type: 'date',
    admin: { date: { displayFormat: 'yyyy-MM-dd', pickerAppearance: 'dayOnly' } },
    hooks: { beforeValidate: [({ value }) => normalizeCalendarDate(value)] },
    index: true,
    label: options.label,
    required: options.required,
  }
}

export function normalizeCalendarDate(value: unknown): unknown {
  if (value === null || value === undefined || value === '') return value
  if (typeof value !== 'string' && !(value instanceof Date)) return value
  const date = value instanceof Date ? value : new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T12:00:00.000Z` : value)
  if (Number.isNaN(date.getTime())) return value
  return `${date.toISOString().slice(0, 10)}T12:00:00.000Z`
}

export function statusField<S extends string>(statuses: readonly S[], defaultValue: S): Field {
  return {
    name: 'status',
    type: 'select',
    admin: { position: 'sidebar' },
    defaultValue,
    index: true,
    options: statuses.map((value) => ({ label: value.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()), value })),
    required: true,
  }
}

/** The sidebar button that opens or downloads a document's PDF (components/PdfDownloadButton.tsx). */
export const pdfButtonField = (kind: 'credit-notes' | 'invoices' | 'receipts', label = 'PDF'): UIField => ({
  name: 'pdfDownload',
  type: 'ui',
  admin: { components: { Field: 'payload-invoice-portal/client#PdfDownloadButton' }, custom: { kind, label }, position: 'sidebar' },
})
