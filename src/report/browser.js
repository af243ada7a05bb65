/*
 * The report page's script, inlined into every report as is: the charts are
 * already drawn (static SVG), so this only brings the controls to life (the
 * trial table's sorting and filtering, the contour's pair selector, a
 * tooltip that names the trial under the pointer and lights it up in every
 * chart and the table), keeps their state across the reloads of a watched
 * report, and publishes what the page drew as `window.__hyperpoolReport`,
 * counted from the DOM.
 * Plain browser JavaScript: no imports, no network, nothing global but that summary.
 */
;(() => {
  const STATE_KEY = `hyperpool-report:${location.pathname}`
  const table = document.getElementById('trials')
  const tbody = table?.tBodies[0]
  const filter = document.getElementById('trial-filter')
  const stateFilter = document.getElementById('state-filter')
  const count = document.getElementById('trial-count')
  const pairSelect = document.getElementById('contour-pair')
  const sort = { column: -1, descending: false }

  /** Numbers compare as numbers, empty cells go last, text compares naturally. */
  function compare(a, b, numeric) {
    if (a === undefined || b === undefined) return a === undefined ? (b === undefined ? 0 : 1) : -1
    if (numeric) return Number(a) - Number(b)
    return a.localeCompare(b, undefined, { numeric: true })
  }

  function sortBy(column, descending) {
    if (!table || !tbody) return
    const heading = table.tHead.rows[0].cells[column]
    if (!heading) return
    const numeric = heading.dataset.type === 'number'
    const rows = [...tbody.rows]
    const key = (row) => row.cells[column]?.dataset.key
    rows.sort((a, b) => {
      const ka = key(a)
      const kb = key(b)
      // Empty cells stay last whichever way the column sorts.
      if (ka === undefined || kb === undefined) return compare(ka, kb, numeric)
      const order = compare(ka, kb, numeric)
      return (descending ? -order : order) || Number(a.dataset.trial) - Number(b.dataset.trial)
    })
    tbody.append(...rows)
    for (const th of table.tHead.rows[0].cells) th.setAttribute('aria-sort', 'none')
    heading.setAttribute('aria-sort', descending ? 'descending' : 'ascending')
    sort.column = column
    sort.descending = descending
  }

  function applyFilter() {
    if (!tbody) return
    const text = (filter?.value ?? '').trim().toLowerCase()
    const state = stateFilter?.value ?? ''
    let shown = 0
    for (const row of tbody.rows) {
      const visible = (state === '' || row.dataset.state === state) && (text === '' || row.textContent.toLowerCase().includes(text))
      row.hidden = !visible
      if (visible) shown++
    }
    if (count) count.textContent = `${shown} of ${tbody.rows.length} trials`
  }

  function showPair(value) {
    for (const div of document.querySelectorAll('.contour-pair')) div.hidden = div.dataset.pair !== value
  }

  /** What each chart drew, counted from the DOM, and the table as it stands. */
  function summarize() {
    const charts = [...document.querySelectorAll('[data-chart]')].map((el) => ({
      chart: el.dataset.chart,
      param: el.dataset.param,
      pair: el.dataset.x === undefined ? undefined : `${el.dataset.x} × ${el.dataset.y}`,
      empty: el.dataset.empty === 'true',
      visible: el.getClientRects().length > 0,
      points: el.querySelectorAll('.pt').length,
      lines: el.querySelectorAll('.ln').length,
      axes: el.querySelectorAll('.axis').length,
      cells: el.querySelectorAll('.cell').length,
      bars: el.querySelectorAll('.bar').length,
    }))
    const rows = tbody ? [...tbody.rows] : []
    window.__hyperpoolReport = {
      charts,
      table: {
        rows: rows.length,
        visible: rows.filter((r) => !r.hidden).length,
        order: rows.filter((r) => !r.hidden).map((r) => Number(r.dataset.trial)),
        sortColumn: sort.column,
        descending: sort.descending,
      },
      pair: pairSelect?.value,
      tip: tip.hidden ? undefined : tip.textContent,
      highlighted: lit.length,
    }
  }

  function save() {
    const state = {
      column: sort.column,
      descending: sort.descending,
      text: filter?.value,
      state: stateFilter?.value,
      pair: pairSelect?.value,
      y: scrollY,
    }
    try {
      sessionStorage.setItem(STATE_KEY, JSON.stringify(state))
    } catch {
      // Storage can be off (a private window): the page works without it.
    }
  }

  function restore() {
    let state
    try {
      state = JSON.parse(sessionStorage.getItem(STATE_KEY) ?? 'null')
    } catch {
      state = null
    }
    if (!state) return
    if (filter && typeof state.text === 'string') filter.value = state.text
    if (stateFilter && typeof state.state === 'string') stateFilter.value = state.state
    if (pairSelect && [...pairSelect.options].some((o) => o.value === state.pair)) pairSelect.value = state.pair
    if (state.column >= 0) sortBy(state.column, state.descending)
    if (typeof state.y === 'number') scrollTo(0, state.y)
  }

  // One tooltip for every mark: the trial's row of the table, said in words.
  const tip = document.createElement('div')
  tip.id = 'tip'
  tip.hidden = true
  document.body.append(tip)
  const headings = table ? [...table.tHead.rows[0].cells].map((th) => th.textContent) : []
  const rowOf = new Map(tbody ? [...tbody.rows].map((row) => [row.dataset.trial, row]) : [])
  let lit = []

  function describe(id) {
    const row = rowOf.get(id)
    if (!row) return `trial ${id}`
    return [...row.cells]
      .map((cell, i) => (cell.textContent === '' ? '' : `${headings[i]}: ${cell.textContent}`))
      .filter((line) => line !== '')
      .join('\n')
  }

  document.addEventListener('mouseover', (event) => {
    const mark = event.target.closest?.('svg [data-trial]')
    for (const el of lit) el.classList.remove('hl')
    lit = []
    if (!mark) {
      tip.hidden = true
      summarize()
      return
    }
    const id = mark.dataset.trial
    lit = [...document.querySelectorAll(`[data-trial="${id}"]`)]
    for (const el of lit) el.classList.add('hl')
    tip.textContent = (mark.dataset.note ? `${mark.dataset.note}\n` : '') + describe(id)
    tip.hidden = false
    summarize()
  })
  document.addEventListener('mousemove', (event) => {
    if (tip.hidden) return
    tip.style.left = `${event.pageX + 14}px`
    tip.style.top = `${event.pageY + 14}px`
  })

  table?.tHead.addEventListener('click', (event) => {
    const th = event.target.closest('th')
    if (!th) return
    const column = Number(th.dataset.column)
    sortBy(column, sort.column === column ? !sort.descending : false)
    save()
    summarize()
  })
  for (const control of [filter, stateFilter]) {
    control?.addEventListener('input', () => {
      applyFilter()
      save()
      summarize()
    })
  }
  pairSelect?.addEventListener('change', () => {
    showPair(pairSelect.value)
    save()
    summarize()
  })
  addEventListener('pagehide', save)

  restore()
  applyFilter()
  if (pairSelect) showPair(pairSelect.value)
  summarize()
  document.documentElement.dataset.ready = 'true'
})()
