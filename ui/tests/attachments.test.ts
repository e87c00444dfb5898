// Attachments (issue 19 item 5): files picked are read and checked by Rust, a refusal is named
// in Chinese, the registration sends the paths with its command, and the timeline shows the
// pictures an event names as thumbnails.
import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import { ref } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'

import type { Attachment } from '../src/bindings/Attachment'
import type { EventBody } from '../src/bindings/EventBody'
import AttachmentList from '../src/components/AttachmentList.vue'
import AttachmentPicker from '../src/components/AttachmentPicker.vue'
import { i18n, setLocale } from '../src/i18n'
import { addPicked, eventAttachments, formatSize, takesAttachments, type PickedFile } from '../src/logic/attachments'
import { app } from '../src/stores/app'
import RegisterView from '../src/views/RegisterView.vue'

afterEach(() => {
  clearMocks()
  app.session = null
})

const photo: Attachment = { sha256: 'a'.repeat(64), size: 2048, media_type: 'image/png', name: '现场.png' }
const scan: Attachment = { sha256: 'b'.repeat(64), size: 3 * 1024 * 1024, media_type: 'application/pdf', name: '回执.pdf' }
const picked = (a: Attachment, path = `/tmp/${a.name}`): PickedFile => ({ path, view: { attachment: a, data_url: null } })

describe('attachment logic', () => {
  it('adds a file once however often it is picked', () => {
    const list = addPicked([picked(photo)], [picked(photo, '/elsewhere/copy.png'), picked(scan)])
    expect(list.map((f) => f.view.attachment.name)).toEqual(['现场.png', '回执.pdf'])
  })

  it('reads the files an event names, none for old events and other kinds', () => {
    const registered = { kind: 'progress_noted', payload: { problem_id: 'p', unit_id: 'd', text: 'x', stage_reply: false, attachments: [photo] } } as EventBody
    const old = { kind: 'progress_noted', payload: { problem_id: 'p', unit_id: 'd', text: 'x', stage_reply: false } } as EventBody
    const signed = { kind: 'signed', payload: { problem_id: 'p', unit_id: 'd', handler: '' } } as EventBody
    expect(eventAttachments(registered)).toEqual([photo])
    expect(eventAttachments(old)).toEqual([])
    expect(eventAttachments(signed)).toEqual([])
  })

  it('says sizes as people read them and offers the picker on the acts that carry files', () => {
    expect(formatSize(834)).toBe('834 B')
    expect(formatSize(2048)).toBe('2.0 KB')
    expect(formatSize(3 * 1024 * 1024)).toBe('3.0 MB')
    expect(takesAttachments('resolve')).toBe(true)
    expect(takesAttachments('evaluate')).toBe(true)
    expect(takesAttachments('sign')).toBe(false)
    expect(takesAttachments(null)).toBe(false)
  })
})

describe('the picker', () => {
  it('shows a file Rust read and names one it refused', async () => {
    setLocale('zh-CN')
    mockIPC((cmd, args) => {
      if (cmd !== 'attachment_inspect') return null
      const path = (args as { path: string }).path
      if (path.endsWith('.png')) return { attachment: photo, data_url: 'data:image/png;base64,AAAA' }
      throw { code: 'attachment.type_not_allowed', message: 'no', params: { name: 'virus.jpg', media_type: 'unknown' } }
    })
    const files = ref<PickedFile[]>([])
    const w = mount(AttachmentPicker, {
      props: { modelValue: files.value, 'onUpdate:modelValue': (v: PickedFile[]) => { files.value = v; w.setProps({ modelValue: v }) } },
      global: { plugins: [ElementPlus, i18n] },
    })
    await w.get('input[data-testid="attachment-path"]').setValue('/home/cg/现场.png')
    await w.get('[data-testid="attachment-path-add"]').trigger('click')
    await flushPromises()
    expect(files.value.map((f) => f.path)).toEqual(['/home/cg/现场.png'])
    expect(w.get('[data-testid="picked-0"] img').attributes('src')).toBe('data:image/png;base64,AAAA')
    await w.get('input[data-testid="attachment-path"]').setValue('/home/cg/virus.jpg')
    await w.get('[data-testid="attachment-path-add"]').trigger('click')
    await flushPromises()
    expect(w.get('[data-testid="attachment-error"]').text()).toContain('virus.jpg')
    expect(w.get('[data-testid="attachment-error"]').text()).toContain('不是允许的类型')
    expect(files.value).toHaveLength(1)
    await w.get('[data-testid="picked-remove-0"]').trigger('click')
    expect(files.value).toHaveLength(0)
    w.unmount()
  })
})

describe('registration with a photo', () => {
  it('sends the picked paths with the command', async () => {
    setLocale('zh-CN')
    app.session = {
      user: { id: 'u1', login: 'cg', name: '张伟', unit_id: 'cg', unit_name: '城关街道', role: 'township', active: true, has_password: false },
      unit: { id: 'cg', name: '城关街道', short_name: '城关', kind: 'township', active: true },
      capabilities: { register: true, supervise: false, handle: false, administer: false, instruct: false, audit: false, import: false, report: false },
    }
    const calls: { cmd: string; args: Record<string, unknown> }[] = []
    mockIPC((cmd, args) => {
      calls.push({ cmd, args: args as Record<string, unknown> })
      if (cmd === 'new_id') return 'p1'
      if (cmd === 'attachment_inspect') return { attachment: photo, data_url: 'data:image/png;base64,AAAA' }
      if (cmd === 'execute_attached') return [{ kind: 'problem_registered', payload: { number: '2026-城关-0001' } }]
      return null
    })
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: { template: '<div/>' } }, { path: '/p/:id', name: 'problem', component: { template: '<div/>' } }] })
    await router.push('/')
    const w = mount(RegisterView, { global: { plugins: [ElementPlus, i18n, router] } })
    await w.get('input[data-testid="attachment-path"]').setValue('/home/cg/现场.png')
    await w.get('[data-testid="attachment-path-add"]').trigger('click')
    await flushPromises()
    await w.findAll('form')[0].trigger('submit')
    await flushPromises()
    const sent = calls.find((c) => c.cmd === 'execute_attached')
    expect(sent?.args.files).toEqual(['/home/cg/现场.png'])
    expect(sent?.args.command).toMatchObject({ action: 'register', problem_id: 'p1' })
    expect(calls.some((c) => c.cmd === 'execute')).toBe(false)
    expect(w.get('[data-testid="reg-result"]').text()).toBe('2026-城关-0001')
    w.unmount()
  })
})

describe('the timeline', () => {
  it('shows pictures as thumbnails, a missing one as such, a PDF as a tag', async () => {
    setLocale('zh-CN')
    const gone: Attachment = { ...photo, sha256: 'c'.repeat(64), name: '丢失.png' }
    mockIPC((cmd, args) => {
      if (cmd !== 'attachment_data') return null
      const sha = (args as { sha256: string }).sha256
      return sha === photo.sha256 ? { attachment: photo, data_url: 'data:image/png;base64,AAAA' } : null
    })
    const w = mount(AttachmentList, { props: { files: [photo, gone, scan] }, global: { plugins: [ElementPlus, i18n] } })
    await flushPromises()
    expect(w.findAll('[data-testid="attachment-thumb"]')).toHaveLength(1)
    expect(w.get('[data-testid="attachment-missing"]').text()).toContain('丢失.png')
    expect(w.get('[data-testid="attachment-doc"]').text()).toContain('回执.pdf')
    w.unmount()
  })
})
