import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import type { EventBody } from '../src/bindings/EventBody'
import type { ImportedProblem } from '../src/bindings/ImportedProblem'
import { setLocale } from '../src/i18n'
import { eventKindLabel, summarizeEvent } from '../src/logic/timeline'

/** A sheet row as the importer resolves it, with what a test states. */
function importedRow(part: Partial<ImportedProblem>): ImportedProblem {
  return {
    problem_id: 'p',
    number: null,
    enterprise_id: 'e',
    source: 'visit',
    category: '其他',
    description: '',
    demand: '',
    raised_on: '2025-03-01',
    priority: 'normal',
    responsible_leader: '',
    lead_unit_id: null,
    handler: '',
    supporter_unit_ids: [],
    assigned_on: null,
    handling_deadline: null,
    signed_on: null,
    progress: '',
    resolved_on: null,
    result_type: null,
    result_text: '',
    satisfaction: null,
    closed_on: null,
    status: 'registered',
    origin: { file: '', sheet: '', row: 0, key: 'k', file_sha256: '' },
    ...part,
  }
}

const names: Record<string, string> = { gx: '工信局', zj: '住建局', zr: '自然资源局' }
const unitName = (id: string) => names[id] ?? id

beforeEach(() => setLocale('zh-CN'))
afterEach(() => setLocale('zh-CN'))

describe('timeline summaries', () => {
  it('summarizes an assignment with unit names and supporter sub-deadlines', () => {
    const s = summarizeEvent(
      {
        kind: 'assigned',
        payload: {
        problem_id: 'p',
        terms: {
          lead_unit_id: 'gx',
          handler: '李四',
          supporters: [{ unit_id: 'zj', sub_deadline: '2026-03-10' }],
          sign_deadline: '2026-03-06',
          objection_deadline: '2026-03-06',
          handling_deadline: '2026-03-20',
        },
        },
      },
      unitName,
    )
    expect(s).toBe('交办给 工信局，承办人 李四；签收时限 2026-03-06，办理时限 2026-03-20；配合单位：住建局（2026-03-10）')
  })

  it('summarizes an imported problem with the file, sheet and row it came from', () => {
    const s = summarizeEvent(
      {
        kind: 'problem_imported',
        payload: {
          number: '2025-城关-0007',
          township_id: 'cg',
          terms: null,
          row: importedRow({ status: 'in_progress', description: '厂房用地手续', origin: { file: '台账.xlsx', sheet: '2025年', row: 12, key: 'k', file_sha256: '' } }),
        },
      },
      unitName,
    )
    expect(s).toBe('从 台账.xlsx（2025年 第 12 行）导入问题 2025-城关-0007（办理中）：厂房用地手续')
    expect(eventKindLabel('problem_imported')).toBe('导入')
  })

  it('shows the handler and the progress an imported row carried, as from the sheet with its row', () => {
    const s = summarizeEvent(
      {
        kind: 'problem_imported',
        payload: {
          number: '2025-城关-0008',
          township_id: 'cg',
          terms: { lead_unit_id: 'gx', handler: '王五', supporters: [], sign_deadline: '2025-03-02', objection_deadline: '2025-03-02', handling_deadline: '2025-03-20' },
          row: importedRow({
            status: 'in_progress',
            description: '厂房用地手续',
            handler: '王五',
            progress: '已与自然资源局对接，正在办理规划许可',
            origin: { file: '台账.xlsx', sheet: '2025年', row: 13, key: 'k', file_sha256: '' },
          }),
        },
      },
      unitName,
    )
    expect(s).toBe(
      '从 台账.xlsx（2025年 第 13 行）导入问题 2025-城关-0008（办理中）：厂房用地手续；牵头单位 工信局，承办人 王五。表格所记办理进展（2025年 第 13 行）：已与自然资源局对接，正在办理规划许可',
    )
  })

  it('names the proposed unit of a return and the level of an urge', () => {
    expect(summarizeEvent({ kind: 'returned', payload: { problem_id: 'p', unit_id: 'gx', reason: '不属于本部门职责', proposed_unit_id: 'zr' } }, unitName)).toBe(
      '工信局 退回，建议由 自然资源局 承办。理由：不属于本部门职责',
    )
    expect(summarizeEvent({ kind: 'urged', payload: { problem_id: 'p', level: 'red', notice: '限三日内办结' } }, unitName)).toBe('督办（红牌）：限三日内办结')
  })

  it('tells approval from refusal and a reopening evaluation', () => {
    expect(summarizeEvent({ kind: 'extension_ruled', payload: { problem_id: 'p', approved: false, note: '理由不充分' } }, unitName)).toBe('不同意延期。理由不充分')
    expect(summarizeEvent(
        { kind: 'evaluated', payload: { problem_id: 'p', satisfaction: 'unsatisfied', comment: '未落实', reopen_deadline: '2026-04-01' } },
        unitName,
      )).toBe(
      '企业评价：不满意。未落实（重办，新的办理时限 2026-04-01）',
    )
    expect(summarizeEvent({ kind: 'progress_noted', payload: { problem_id: 'p', unit_id: 'gx', text: '已协调', stage_reply: true } }, unitName)).toBe('工信局 阶段性答复：已协调')
  })

  it('says nothing of a handler no one named: no empty "承办人；"', () => {
    const terms = {
      lead_unit_id: 'gx',
      handler: '',
      supporters: [],
      sign_deadline: '2026-03-06',
      objection_deadline: '2026-03-06',
      handling_deadline: '2026-03-20',
    }
    expect(summarizeEvent({ kind: 'assigned', payload: { problem_id: 'p', terms } }, unitName)).toBe(
      '交办给 工信局；签收时限 2026-03-06，办理时限 2026-03-20',
    )
    expect(summarizeEvent({ kind: 'signed', payload: { problem_id: 'p', unit_id: 'gx', handler: ' ' } }, unitName)).toBe('工信局 签收')
  })

  it('keeps user text literal, markup included', () => {
    const s = summarizeEvent({ kind: 'instructed', payload: { problem_id: 'p', text: '<script>alert(1)</script>' } }, unitName)
    expect(s).toBe('批示：<script>alert(1)</script>')
  })

  it('speaks English too, and falls back to the kind for unknown events', () => {
    setLocale('en')
    expect(summarizeEvent({ kind: 'signed', payload: { problem_id: 'p', unit_id: 'gx', handler: 'Li' } }, unitName)).toBe('工信局 signed, handler Li')
    expect(eventKindLabel('closed')).toBe('Closed out')
    expect(summarizeEvent({ kind: 'some_future_kind', payload: {} } as unknown as EventBody, unitName)).toBe('some_future_kind')
  })
})
