/**
 * A dependency-free SVG line chart for bench/REPORT.md: log-scale x (e.g. invoices per client),
 * linear y (e.g. ms), one line per series, dashed horizontal targets, a legend beside the plot.
 */

export type PlotSeries = { label: string; points: Array<[number, number]> }
export type PlotTarget = { label: string; y: number }
/** What a bench puts under `plot` in its result JSON. x must be > 0 (log scale); other points are left out. */
export type Plot = { series: PlotSeries[]; targets?: PlotTarget[]; title: string; x: string; y: string }

const area = { height: 300, left: 76, top: 48, width: 480 }
const bottomMargin = 64
const fontSize = { legend: 12, tick: 11, title: 15 }
// Colour-blind-safe (Okabe–Ito), dark enough to read on white.
const palette = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000']
const legendGap = 24
const legendLineHeight = 20

/** Rough width of a label: SVG has no layout, so room is reserved from an average glyph width. */
const textWidth = (text: string, size: number) => text.length * size * 0.62

const escapeXml = (text: string) => text.replace(/[&<>"']/g, (char) => `&${{ '"': 'quot', "'": 'apos', '&': 'amp', '<': 'lt', '>': 'gt' }[char]};`)
const round = (value: number) => Math.round(value * 10) / 10
const formatTick = (value: number) => value.toLocaleString('en', { maximumFractionDigits: 2 })

/** Powers of ten that enclose every x: [first exponent, last exponent], at least one decade apart. */
function decades(xs: number[]): [number, number] {
  if (xs.length === 0) return [0, 1]
  const low = Math.floor(Math.log10(Math.min(...xs)))
  const high = Math.ceil(Math.log10(Math.max(...xs)))
  return [low, Math.max(high, low + 1)]
}

/** A tick step of 1, 2 or 5 × 10^k that gives about five ticks up to `max`. */
function niceStep(max: number): number {
  const rough = max / 5
  const magnitude = 10 ** Math.floor(Math.log10(rough))
  return [1, 2, 5, 10].map((factor) => factor * magnitude).find((step) => step >= rough) ?? 10 * magnitude
}

function yTicks(values: number[]): number[] {
  // Headroom, so that a target or point at a round value does not sit on the frame.
  const max = Math.max(0, ...values) * 1.05
  if (max === 0) return [0, 1]
  const step = niceStep(max)
  const top = Math.ceil(max / step) * step
  return Array.from({ length: Math.round(top / step) + 1 }, (_, index) => Number((index * step).toPrecision(12)))
}

const line = (x1: number, y1: number, x2: number, y2: number, style: string) => `<line x1="${round(x1)}" y1="${round(y1)}" x2="${round(x2)}" y2="${round(y2)}" ${style}/>`
const text = (x: number, y: number, content: string, style: string) => `<text x="${round(x)}" y="${round(y)}" ${style}>${escapeXml(content)}</text>`

export function svgLineChart(plot: Plot): string {
  const series = plot.series.map((entry) => ({ ...entry, points: entry.points.filter(([x, y]) => x > 0 && Number.isFinite(x) && Number.isFinite(y)).sort((a, b) => a[0] - b[0]) }))
  const targets = (plot.targets ?? []).filter((target) => Number.isFinite(target.y))
  const [lowDecade, highDecade] = decades(series.flatMap((entry) => entry.points.map(([x]) => x)))
  const ticks = yTicks([...series.flatMap((entry) => entry.points.map(([, y]) => y)), ...targets.map((target) => target.y)])
  const yMax = ticks[ticks.length - 1]
  const xAt = (x: number) => area.left + ((Math.log10(x) - lowDecade) / (highDecade - lowDecade)) * area.width
  const yAt = (y: number) => area.top + area.height - (y / yMax) * area.height
  const bottom = area.top + area.height
  const right = area.left + area.width

  const grid: string[] = []
  const decadeWidth = area.width / (highDecade - lowDecade)
  const widestLabel = textWidth(formatTick(10 ** highDecade), fontSize.tick) + 8
  // Labels every n-th decade when a decade is narrower than its label, so none overlap.
  const labelEvery = Math.ceil(widestLabel / decadeWidth)
  for (let exponent = lowDecade; exponent <= highDecade; exponent += 1) {
    const x = xAt(10 ** exponent)
    grid.push(line(x, area.top, x, bottom, 'stroke="#e3e3e3"'), line(x, bottom, x, bottom + 6, 'stroke="#333"'))
    if ((exponent - lowDecade) % labelEvery === 0) grid.push(text(x, bottom + 20, formatTick(10 ** exponent), `font-size="${fontSize.tick}" text-anchor="middle"`))
    if (exponent < highDecade) for (let factor = 2; factor < 10; factor += 1) grid.push(line(xAt(factor * 10 ** exponent), bottom, xAt(factor * 10 ** exponent), bottom + 3, 'stroke="#333"'))
  }
  for (const tick of ticks) {
    const y = yAt(tick)
    grid.push(line(area.left, y, right, y, 'stroke="#e3e3e3"'), line(area.left - 6, y, area.left, y, 'stroke="#333"'))
    grid.push(text(area.left - 10, y + 4, formatTick(tick), `font-size="${fontSize.tick}" text-anchor="end"`))
  }

  const colourOf = (index: number) => palette[index % palette.length]
  const lines = series.map((entry, index) => {
    const colour = colourOf(index)
    const polyline = entry.points.length > 1 ? `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${entry.points.map(([x, y]) => `${round(xAt(x))},${round(yAt(y))}`).join(' ')}"/>` : ''
    const markers = entry.points.map(
      ([x, y]) => `<circle cx="${round(xAt(x))}" cy="${round(yAt(y))}" r="3.5" fill="${colour}" data-x="${x}" data-y="${y}"><title>${escapeXml(`${entry.label}: ${formatTick(y)} at ${formatTick(x)}`)}</title></circle>`,
    )
    return `<g data-series="${escapeXml(entry.label)}">${polyline}${markers.join('')}</g>`
  })
  const targetLines = targets.map((target, index) =>
    line(area.left, yAt(target.y), right, yAt(target.y), `stroke="${colourOf(series.length + index)}" stroke-width="1.5" stroke-dasharray="6 4" data-target="${escapeXml(target.label)}"`),
  )

  const legendX = right + legendGap
  const legendEntries = [
    ...series.map((entry, index) => ({ dashed: false, label: entry.label, colour: colourOf(index) })),
    ...targets.map((target, index) => ({ dashed: true, label: `target: ${target.label} (${formatTick(target.y)})`, colour: colourOf(series.length + index) })),
  ]
  const legend = legendEntries.map((entry, index) => {
    const y = area.top + 8 + index * legendLineHeight
    const swatch = line(legendX, y, legendX + 24, y, `stroke="${entry.colour}" stroke-width="2"${entry.dashed ? ' stroke-dasharray="6 4"' : ''}`)
    return swatch + text(legendX + 32, y + 4, entry.label, `font-size="${fontSize.legend}"`)
  })
  const legendWidth = Math.max(0, ...legendEntries.map((entry) => 32 + textWidth(entry.label, fontSize.legend)))
  const width = Math.ceil(Math.max(legendX + legendWidth, area.left + textWidth(plot.title, fontSize.title)) + 16)
  const height = Math.ceil(Math.max(bottom + bottomMargin, area.top + legendEntries.length * legendLineHeight + 16))
  const empty = series.every((entry) => entry.points.length === 0) ? [text(area.left + area.width / 2, area.top + area.height / 2, 'no data', `font-size="${fontSize.title}" text-anchor="middle" fill="#777"`)] : []

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    text(area.left, 26, plot.title, `font-size="${fontSize.title}" font-weight="bold"`),
    ...grid,
    `<rect x="${area.left}" y="${area.top}" width="${area.width}" height="${area.height}" fill="none" stroke="#333"/>`,
    ...targetLines,
    ...lines,
    ...empty,
    text(area.left + area.width / 2, bottom + 46, `${plot.x} (log scale)`, `font-size="${fontSize.legend}" text-anchor="middle"`),
    `<text x="20" y="${round(area.top + area.height / 2)}" font-size="${fontSize.legend}" text-anchor="middle" transform="rotate(-90 20 ${round(area.top + area.height / 2)})">${escapeXml(plot.y)}</text>`,
    ...legend,
    '</svg>',
    '',
  ].join('\n')
}
