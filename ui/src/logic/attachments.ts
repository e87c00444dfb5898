// Attachments as the window shows them (docs/attachments.md). Presentation only: what a file
// may be (kind, size, how many) is the core's rule, checked on the Rust side when a file is
// picked (`attachment_inspect`) and again when the act is recorded.

import type { Action } from '../bindings/Action'
import type { Attachment } from '../bindings/Attachment'
import type { AttachmentView } from '../bindings/AttachmentView'
import type { EventBody } from '../bindings/EventBody'

/** A file the user picked for the act being written: where it is, and what Rust read there. */
export interface PickedFile {
  path: string
  view: AttachmentView
}

/** The acts whose commands carry attachments (the `attachments` field of `Command`). */
export const ATTACHING_ACTIONS: readonly Action[] = ['resolve_locally', 'note_progress', 'resolve', 'evaluate']

export function takesAttachments(action: Action | null): boolean {
  return action !== null && ATTACHING_ACTIONS.includes(action)
}

/** The extensions offered in the file picker (the kinds the core accepts by content). */
export const PICKER_EXTENSIONS = ['jpg', 'jpeg', 'png', 'webp', 'pdf']

/** `picked` added to `list`, a file already chosen (same content) not twice. */
export function addPicked(list: PickedFile[], picked: PickedFile[]): PickedFile[] {
  const out = list.slice()
  for (const p of picked) {
    if (!out.some((o) => o.view.attachment.sha256 === p.view.attachment.sha256)) out.push(p)
  }
  return out
}

/** The files an event names (empty for the kinds that carry none, and for old events). */
export function eventAttachments(event: EventBody): Attachment[] {
  switch (event.kind) {
    case 'problem_registered':
    case 'resolved_locally':
    case 'progress_noted':
    case 'resolved':
    case 'evaluated':
      return event.payload.attachments ?? []
    default:
      return []
  }
}

/** "834 B", "12.5 KB", "3.2 MB". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`
}

export function isImage(a: Attachment): boolean {
  return a.media_type.startsWith('image/')
}
