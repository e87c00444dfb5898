import { createApp } from 'vue'
// Element Plus components come on demand (vite.config.ts); these are used from scripts, not
// templates, so their styles are imported here.
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import 'vue-echarts/style.css'

import App from './App.vue'
import { i18n } from './i18n'
import { router } from './router'
import { restore } from './stores/app'
import './styles.css'

// Errors before the app mounts are shown by public/early-errors.js (loaded before this module).
declare global {
  interface Window {
    __tzMounted?: boolean
  }
}

async function boot() {
  const el = document.getElementById('app')
  if (el) el.textContent = 'booting…'
  try {
    // The shell may already have a ledger open (e.g. after a reload of the window).
    await restore()
  } catch {
    // No shell state: start page.
  }
  const app = createApp(App).use(i18n).use(router)
  app.mount('#app')
  window.__tzMounted = true
}

void boot()
