/**
 * Intl formatters are slow to build (locale data is resolved each time) and cheap to reuse; a list
 * page formats a hundred amounts and dates. One formatter per distinct locale and options, kept.
 */
function memoized<Options, Format>(create: (locale: string, options: Options) => Format) {
  const formats = new Map<string, Format>()
  return (locale: string, options: Options): Format => {
    const key = `${locale}|${JSON.stringify(options)}`
    let format = formats.get(key)
    if (!format) {
      format = create(locale, options)
      formats.set(key, format)
    }
    return format
  }
}

export const numberFormat = memoized((locale, options: Intl.NumberFormatOptions) => new Intl.NumberFormat(locale, options))

export const dateTimeFormat = memoized((locale, options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(locale, options))

/** Whether Intl knows the IANA timezone (e.g. Europe/Amsterdam). */
export function isTimezone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value })
    return true
  } catch {
    return false
  }
}
