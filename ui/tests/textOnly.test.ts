// Every text a user or a sheet supplies is shown through Vue's text interpolation, which
// escapes it; no screen may render data as markup. This fails if any source uses v-html,
// innerHTML or insertAdjacentHTML (the end-to-end test checks one field in the real window).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) return name === 'bindings' ? [] : sources(p)
    return /\.(vue|ts)$/.test(name) ? [p] : []
  })
}

describe('data is shown as text', () => {
  it('no source renders markup from data', () => {
    const files = sources(join(__dirname, '..', 'src'))
    expect(files.length).toBeGreaterThan(20)
    const offenders = files.filter((f) => /v-html|innerHTML|insertAdjacentHTML/.test(readFileSync(f, 'utf8')))
    expect(offenders).toEqual([])
  })
})
