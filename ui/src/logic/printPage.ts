// What every print page does (docs/documents.md, "In the window"): its paper linked while it is
// open, 打印 (the system's print dialog), 存为 PDF (the page straight to a file on its paper,
// through the shell's `save_pdf`, no dialog) and 返回 (where the user came from, else home).
// The documents' print view, the monitoring reports' and the 通报 share it.

import { useRouter } from 'vue-router'

import * as api from '../api'
import type { ProgressHandler } from '../api'
import { type Paper, usePaper } from './pageStyle'

export function usePrintPage(paper: Paper) {
  usePaper(paper)
  const router = useRouter()
  return {
    print() {
      window.print()
    },
    back() {
      if (window.history.length > 1) router.back()
      else void router.push({ name: 'home' })
    },
    /** `ExportDialog`'s `run`: the page saved as a PDF at `path`; its rows are the pages. */
    savePdf(path: string, overwrite: boolean, _onProgress?: ProgressHandler) {
      return api.savePdf(path, paper, overwrite)
    },
  }
}
