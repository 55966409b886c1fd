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

/** `day` (YYYY-MM-DD) plus `days` calendar days. */
export function addDays(day: string, days: number): string {
  const [year, month, date] = day.split('-').map(Number)
  return new Date(Date.UTC(year, month - 1, date + days)).toISOString().slice(0, 10)
}

/** Whole calendar days from `from` to `to` (both YYYY-MM-DD); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000)
}

/** How far the wall clock in `timezone` is ahead of UTC at `instant`, in milliseconds. */
function offsetAt(instant: number, timezone: string): number {
  const parts = dateTimeFormat('en-US', { day: 'numeric', hour: 'numeric', hourCycle: 'h23', minute: 'numeric', month: 'numeric', second: 'numeric', timeZone: timezone, year: 'numeric' }).formatToParts(new Date(instant))
  const part = (type: string) => Number(parts.find((entry) => entry.type === type)!.value)
  return Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second')) - (instant - (((instant % 1000) + 1000) % 1000))
}

/**
 * The instant the clocks in `timezone` show `hour`:00 on `day`. On a day the clocks change, an hour
 * that doesn't exist (skipped in spring) is read as the hour after the change; one that happens twice
 * (autumn), as the first.
 */
export function zonedInstant(day: string, hour: number, timezone: string): Date {
  const key = `${day}|${hour}|${timezone}`
  let instant = instants.get(key)
  if (instant === undefined) {
    // A sweep places thousands of steps on a few hundred days: each is worked out once.
    if (instants.size > 50_000) instants.clear()
    instant = zonedInstantOnce(day, hour, timezone)
    instants.set(key, instant)
  }
  return new Date(instant)
}
const instants = new Map<string, number>()

function zonedInstantOnce(day: string, hour: number, timezone: string): number {
  const [year, month, date] = day.split('-').map(Number)
  const wall = Date.UTC(year, month - 1, date, hour)
  // The offsets a day either side: the clocks change at most once in between.
  const candidates = [wall - offsetAt(wall - 86_400_000, timezone), wall - offsetAt(wall + 86_400_000, timezone)]
  const valid = candidates.filter((instant) => offsetAt(instant, timezone) === wall - instant)
  return valid.length > 0 ? Math.min(...valid) : Math.max(...candidates)
}
