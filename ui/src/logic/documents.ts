// Printed documents (docs/documents.md): 交办通知书, 督办通知书, 办结答复单. The core decides
// who issues a number and when; this module only asks for the documents, issues the missing
// ones one by one (never two at once: the ledger has one writer), and says how a body's rows
// read. The layout for A4 is views/PrintView.vue.

import type { Command } from '../bindings/Command'
import type { DocumentBody } from '../bindings/DocumentBody'
import type { DocumentKind } from '../bindings/DocumentKind'
import type { DocumentRow } from '../bindings/DocumentRow'
import type { ProblemDocument } from '../bindings/ProblemDocument'

/** The kinds printed about one problem. */
export const DOCUMENT_KINDS: DocumentKind[] = ['assignment_notice', 'urge_notice', 'reply_form']
/** Every kind with a number pattern in the settings (the 通报's 期号 too). */
export const NUMBERED_KINDS: DocumentKind[] = [...DOCUMENT_KINDS, 'bulletin']

/** The command that issues a problem's document of `kind` (the office's). */
export function issueCommand(problemId: string, kind: DocumentKind): Command {
  return { action: 'issue_document', problem_id: problemId, kind }
}

export interface PrintPlan {
  /** The problems whose document is issued: these print. */
  ready: ProblemDocument[]
  /** The problems without one yet. */
  missing: ProblemDocument[]
}

export function plan(docs: ProblemDocument[]): PrintPlan {
  return { ready: docs.filter((d) => d.document !== null), missing: docs.filter((d) => d.document === null) }
}

export interface IssueFailure {
  number: string
  message: string
}

/** Issues the missing documents one by one; what could not be issued (nothing to write about
 * yet, not the office…) is reported by number, in the user's words, and does not stop the rest.
 * Returns the documents as they stand afterwards. */
export async function issueMissing(
  problems: string[],
  kind: DocumentKind,
  api: {
    documents: (problems: string[], kind: DocumentKind) => Promise<ProblemDocument[]>
    execute: (command: Command) => Promise<unknown>
  },
  describe: (error: unknown) => string,
): Promise<{ docs: ProblemDocument[]; failed: IssueFailure[] }> {
  const before = await api.documents(problems, kind)
  const failed: IssueFailure[] = []
  let issued = 0
  for (const d of plan(before).missing) {
    try {
      await api.execute(issueCommand(d.problem_id, kind))
      issued += 1
    } catch (e) {
      failed.push({ number: d.problem_number, message: describe(e) })
    }
  }
  const docs = issued ? await api.documents(problems, kind) : before
  return { docs, failed }
}

/** The print view's route for these problems' documents of `kind`. */
export function printRoute(kind: DocumentKind, problemIds: string[]) {
  return { name: 'print', params: { kind }, query: { ids: problemIds.join(',') } }
}

/** The problem ids of the print view's query (`?ids=a,b`). */
export function idsOf(query: unknown): string[] {
  const raw = Array.isArray(query) ? query.join(',') : typeof query === 'string' ? query : ''
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

/** A row's value as people read it: a labelled key (priority, urge level, result type) through
 * `label`, anything else as it is. */
export function rowValue(row: DocumentRow, label: (section: string, key: string) => string): string {
  return row.label_section ? label(row.label_section, row.value) : row.value
}

/** The heading's issuing line: the district and the office, once each (a district name the
 * office's name already starts with is not said twice). */
export function issuingLine(body: Pick<DocumentBody, 'district' | 'issuer'>): string {
  const district = body.district.trim()
  const issuer = body.issuer.trim()
  if (!district || issuer.startsWith(district)) return issuer
  return `${district}${issuer}`
}

/** 2026-03-02 → 2026年3月2日, as a document is dated. */
export function documentDate(iso: string, locale: 'zh-CN' | 'en'): string {
  const [y, m, d] = iso.split('-').map((s) => Number.parseInt(s, 10))
  if (!y || !m || !d) return iso
  return locale === 'zh-CN' ? `${y}年${m}月${d}日` : iso
}
