// 重点项目 and the dashboard's warning card against a mocked shell: the list with 完成率,
// 序时进度 and pace; what each role may do; a progress report and its refusal in Chinese.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import { createMemoryHistory, createRouter } from 'vue-router'

import type { ProjectRow } from '../src/bindings/ProjectRow'
import type { SessionInfo } from '../src/bindings/SessionInfo'
import WarningCountsCard from '../src/components/monitoring/WarningCountsCard.vue'
import { i18n, setLocale } from '../src/i18n'
import { app } from '../src/stores/app'
import ProjectsView from '../src/views/ProjectsView.vue'

const calls: { cmd: string; args: Record<string, unknown> }[] = []
function shell(reply: (cmd: string, args: Record<string, unknown>) => unknown) {
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>
    calls.push({ cmd, args: a })
    return reply(cmd, a)
  })
}

function session(role: SessionInfo['user']['role'], caps: Partial<SessionInfo['capabilities']>): SessionInfo {
  return {
    user: { id: 'u1', login: 'x', name: '王副区长', unit_id: 'o', unit_name: '服务年办公室', role, active: true, has_password: false },
    unit: { id: 'o', name: '服务年办公室', short_name: '办公室', kind: 'office', active: true },
    capabilities: {
      register: false, supervise: false, handle: false, administer: false, instruct: false, audit: false, import: false, report: false,
      ...caps,
    },
  }
}

function router() {
  return createRouter({
    history: createMemoryHistory(),
    routes: ['dashboard', 'monitoring', 'projects', 'problem'].map((name) => ({
      path: name === 'problem' ? '/problem/:id' : `/${name}`,
      name,
      component: { template: '<div/>' },
    })),
  })
}

const row: ProjectRow = {
  project: {
    id: 'p1', name: '智能装备产业园', builder: '恒达机械', nature: 'new', township_id: 'cg', total_investment: 5000000, plan_year: 2026,
    annual_plan: 1200000, planned_start: '2026-01-10', planned_finish: null, actual_start: null, actual_finish: null, stage: 'started',
    paired_leader: '王副区长', responsible_unit_id: 'fg', service_unit_id: null, handler: '赵工', content: '',
  },
  township_name: '城关街道',
  responsible_unit_name: '发展和改革局',
  service_unit_name: '',
  month: { year: 2026, month: 8 },
  progress: {
    project_id: 'p1', month: { year: 2026, month: 8 }, invested: 50000, year_to_date: 600000, stage: null, image_progress: '主体施工',
    difficulties: '用地指标未落实', next_steps: '协调自然资源局', late: false,
  },
  year_to_date: 600000,
  completion_rate: 50,
  time_progress: 66.67,
  points_ahead: -16.67,
  pace: 'behind',
  open_warnings: 1,
  problems: [{ problem_id: 'pr-1', number: '2026-城关-0007', month: { year: 2026, month: 7 }, status: 'assigned' }],
}

beforeEach(() => {
  setLocale('zh-CN')
  calls.length = 0
  app.units = [{ id: 'cg', name: '城关街道', short_name: '城关', kind: 'township', active: true }]
})
afterEach(() => {
  clearMocks()
  document.body.innerHTML = ''
})

describe('key projects', () => {
  it('lists each project with completion, time progress and pace; the office registers and edits', async () => {
    app.session = session('office', { register: true, supervise: true })
    shell((cmd) => (cmd === 'key_projects' ? [row] : null))
    const w = mount(ProjectsView, { global: { plugins: [ElementPlus, i18n, router()] }, attachTo: document.body })
    await flushPromises()
    expect(calls[0].cmd).toBe('key_projects')
    expect(calls[0].args.township_id).toBe(null)
    const r = w.get('[data-testid="project-智能装备产业园"]').text()
    for (const s of ['城关街道', '开工建设', '12000', '6000', '50.00%', '66.67%', '王副区长', '发展和改革局', '赵工', '本月已报']) {
      expect(r).toContain(s)
    }
    expect(w.get('[data-testid="pace-智能装备产业园"]').text()).toBe('滞后')
    expect(w.find('[data-testid="project-create"]').exists()).toBe(true)
    expect(w.find('[data-testid="project-edit-智能装备产业园"]').exists()).toBe(true)
    expect(w.find('[data-testid="project-problem-智能装备产业园"]').exists()).toBe(true)
    // The problems raised from its difficulties, linked to their pages.
    expect(w.get('[data-testid="project-problems-智能装备产业园"]').text()).toBe('2026-城关-0007')
    w.unmount()
  })

  it('a leader reads: no registering, editing or progress entry', async () => {
    app.session = session('leader', { report: true, instruct: true, audit: true })
    shell((cmd) => (cmd === 'key_projects' ? [row] : null))
    const w = mount(ProjectsView, { global: { plugins: [ElementPlus, i18n, router()] }, attachTo: document.body })
    await flushPromises()
    expect(w.find('[data-testid="project-create"]').exists()).toBe(false)
    expect(w.find('[data-testid="project-edit-智能装备产业园"]').exists()).toBe(false)
    expect(w.find('[data-testid="project-progress-智能装备产业园"]').exists()).toBe(false)
    expect(w.find('[data-testid="project-history-智能装备产业园"]').exists()).toBe(true)
    w.unmount()
  })

  it('a progress report goes as one command; a refusal reads in Chinese', async () => {
    app.session = session('township', { register: true })
    shell((cmd) => {
      if (cmd === 'key_projects') return [row]
      if (cmd === 'execute') throw { code: 'monitoring.period_not_over', message: 'not over', params: { period: '2026-08' } }
      return null
    })
    const w = mount(ProjectsView, { global: { plugins: [ElementPlus, i18n, router()] }, attachTo: document.body })
    await flushPromises()
    await w.get('[data-testid="project-progress-智能装备产业园"]').trigger('click')
    await flushPromises()
    const invested = document.querySelector<HTMLInputElement>('input[data-testid="progress-invested"]')!
    expect(invested.value).toBe('500')
    invested.value = '520.5'
    invested.dispatchEvent(new Event('input'))
    await flushPromises()
    document.querySelector<HTMLButtonElement>('[data-testid="progress-submit"]')!.click()
    await flushPromises()
    expect(document.querySelector('[data-testid="progress-error"]')?.textContent).toContain('2026-08 尚未结束，结束后再报送')
    const exec = calls.find((c) => c.cmd === 'execute')
    expect(exec?.args.command).toMatchObject({
      action: 'report_project_progress',
      progress: { project_id: 'p1', invested: 52050, year_to_date: 600000, stage: null, image_progress: '主体施工', difficulties: '用地指标未落实' },
    })
    w.unmount()
  })
})

describe('the dashboard card of open warnings', () => {
  it('counts open warnings by level', async () => {
    const w0 = { level: 'red', open: true }
    shell((cmd) => (cmd === 'warnings_board' ? [w0, { ...w0, level: 'orange' }, { ...w0, level: 'orange' }] : null))
    const w = mount(WarningCountsCard, { global: { plugins: [ElementPlus, i18n, router()] } })
    await flushPromises()
    expect(calls[0]).toEqual({ cmd: 'warnings_board', args: { township_id: null, open_only: true, mine: false } })
    expect(w.get('[data-testid="warning-count-red"]').text()).toBe('红色 1')
    expect(w.get('[data-testid="warning-count-orange"]').text()).toBe('橙色 2')
    expect(w.get('[data-testid="warning-count-blue"]').text()).toBe('蓝色 0')
    w.unmount()
  })
})
