// The paper a screen prints on. `@page` cannot be scoped to a view, and the app's CSS is one
// file, so each printable view links its own small stylesheet from public/print/ while it is
// mounted (a <link> to the app's own file: the CSP's style-src 'self' allows it, unlike an
// inline <style>): the report A4 landscape, a document A4 upright. WebKitGTK (2.50) takes the
// orientation from the print dialog, not from `size` (printed to PDF without a page setup, a
// landscape page came out upright), so the monitoring reports' print page says so in its bar.

import { onMounted, onUnmounted } from 'vue'

import type { Paper } from '../bindings/Paper'

/** The sheet a page prints on: the shell's `Paper`, which `save_pdf` sets up the same. */
export type { Paper }

export function paperHref(paper: Paper): string {
  return `print/${paper}.css`
}

/** Links the paper's stylesheet while the calling component is mounted. */
export function usePaper(paper: Paper) {
  let link: HTMLLinkElement | null = null
  onMounted(() => {
    link = document.createElement('link')
    link.rel = 'stylesheet'
    link.href = paperHref(paper)
    link.dataset.paper = paper
    document.head.appendChild(link)
  })
  onUnmounted(() => {
    link?.remove()
    link = null
  })
}
