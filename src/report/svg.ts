/**
 * Writing SVG and HTML as text: escaping, elements, and the number formats
 * the charts share. The report is rendered here, in Node, so the page is
 * plain markup that draws with no script at all.
 */

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/**
 * Text made safe for HTML and SVG, inside elements and attribute values alike.
 *
 * @example
 * ```ts
 * escapeHtml('<b>"x"</b>') // '&lt;b&gt;&quot;x&quot;&lt;/b&gt;'
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string)
}

/** Attribute values: numbers are written short, strings escaped, undefined and false left out. */
export type Attributes = Readonly<Record<string, string | number | boolean | undefined>>

/**
 * One element as text; `children` is markup already escaped.
 *
 * @example
 * ```ts
 * element('circle', { cx: 1, cy: 2, r: 3 }) // '<circle cx="1" cy="2" r="3"/>'
 * ```
 */
export function element(name: string, attributes: Attributes = {}, children?: string): string {
  let text = `<${name}`
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue
    text += value === true ? ` ${key}` : ` ${key}="${typeof value === 'number' ? coordinate(value) : escapeHtml(value)}"`
  }
  return children === undefined ? `${text}/>` : `${text}>${children}</${name}>`
}

/**
 * A coordinate rounded to 0.1 px: enough for the eye, and it keeps a
 * thousand-trial page small.
 *
 * @example
 * ```ts
 * coordinate(12.3456) // '12.3'
 * ```
 */
export function coordinate(value: number): string {
  return String(Math.round(value * 10) / 10)
}

/**
 * A value for a label, a tick or a tooltip: numbers to 4 significant digits
 * (exponent form when very large or small), other values as JSON.
 *
 * @example
 * ```ts
 * formatValue(0.000123456) // '1.235e-4'
 * formatValue('relu')      // 'relu'
 * ```
 */
export function formatValue(value: unknown): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return String(value)
    if (Number.isInteger(value) && Math.abs(value) < 1e6) return String(value)
    const magnitude = Math.abs(value)
    if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e6))
      return value
        .toExponential(3)
        .replace(/\.?0+e/, 'e')
        .replace('e+', 'e')
    return String(Number(value.toPrecision(4)))
  }
  if (typeof value === 'string') return value
  return JSON.stringify(value) ?? String(value)
}
