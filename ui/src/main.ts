import { createApp } from 'vue'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
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
  const app = createApp(App).use(ElementPlus).use(i18n).use(router)
  app.mount('#app')
  window.__tzMounted = true
}

void boot()
