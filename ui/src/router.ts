import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'

import type { Capabilities } from './bindings/Capabilities'
import type { Role } from './bindings/Role'
import { homeOf } from './logic/home'
import { app, can } from './stores/app'

declare module 'vue-router' {
  interface RouteMeta {
    /** The capability a screen needs (from SessionInfo.capabilities). */
    cap?: keyof Capabilities
    /** Any one of these capabilities opens the screen (监测, 项目: townships, the office, leaders). */
    anyCap?: (keyof Capabilities)[]
    /** Only this role's screen (a township's own 待办). */
    role?: Role
  }
}

const routes: RouteRecordRaw[] = [
  { path: '/', name: 'start', component: () => import('./views/StartView.vue') },
  { path: '/signin', name: 'signin', component: () => import('./views/SignInView.vue') },
  // Printed documents, outside the app's frame: nothing but the A4 sheets and a bar not printed.
  { path: '/print/:kind', name: 'print', component: () => import('./views/PrintView.vue'), props: true },
  // The monitoring reports as printed pages (月报, 旬报, 项目进度, 预警清单), for whoever sees 监测.
  {
    path: '/print/monitoring/:sheet',
    name: 'print-monitoring',
    component: () => import('./views/MonitoringPrintView.vue'),
    props: true,
    meta: { anyCap: ['register', 'report'] },
  },
  {
    path: '/app',
    component: () => import('./components/AppLayout.vue'),
    children: [
      // Each role starts where its work is (logic/home.ts).
      { path: '', name: 'home', redirect: () => ({ name: homeOf(app.session?.user.role) }) },
      { path: 'dashboard', name: 'dashboard', component: () => import('./views/DashboardView.vue') },
      { path: 'ledger', name: 'ledger', component: () => import('./views/LedgerView.vue') },
      { path: 'problem/:id', name: 'problem', component: () => import('./views/ProblemView.vue'), props: true },
      { path: 'register', name: 'register', component: () => import('./views/RegisterView.vue'), meta: { cap: 'register' } },
      { path: 'todo', name: 'todo', component: () => import('./views/TodoView.vue'), meta: { role: 'township' } },
      { path: 'inbox', name: 'inbox', component: () => import('./views/InboxView.vue'), meta: { cap: 'handle' } },
      { path: 'console', name: 'console', component: () => import('./views/ConsoleView.vue'), meta: { cap: 'supervise' } },
      { path: 'scorecards', name: 'scorecards', component: () => import('./views/ScorecardsView.vue') },
      { path: 'report', name: 'report', component: () => import('./views/ReportView.vue'), meta: { cap: 'report' } },
      { path: 'import', name: 'import', component: () => import('./views/ImportView.vue'), meta: { cap: 'import' } },
      // 一企一档: whoever may see the ledger; a township official only their own (the ledger refuses others).
      { path: 'enterprise/:id', name: 'enterprise', component: () => import('./views/EnterpriseView.vue'), props: true },
      { path: 'enterprises', name: 'enterprises', component: () => import('./views/EnterprisesView.vue'), meta: { cap: 'register' } },
      { path: 'visits', name: 'visits', component: () => import('./views/VisitsView.vue'), meta: { cap: 'register' } },
      {
        path: 'monitoring',
        name: 'monitoring',
        component: () => import('./views/MonitoringView.vue'),
        meta: { anyCap: ['register', 'report'] },
      },
      { path: 'projects', name: 'projects', component: () => import('./views/ProjectsView.vue'), meta: { anyCap: ['register', 'report'] } },
      { path: 'admin', name: 'admin', component: () => import('./views/AdminView.vue'), meta: { cap: 'administer' } },
      { path: 'calendar', name: 'calendar', component: () => import('./views/CalendarView.vue'), meta: { cap: 'administer' } },
      { path: 'settings', name: 'settings', component: () => import('./views/SettingsView.vue'), meta: { cap: 'administer' } },
      { path: 'sync', name: 'sync', component: () => import('./views/SyncView.vue') },
      { path: 'mine', name: 'mine', component: () => import('./views/MineView.vue'), meta: { cap: 'instruct' } },
      { path: 'audit', name: 'audit', component: () => import('./views/AuditView.vue'), meta: { cap: 'audit' } },
    ],
  },
  { path: '/:rest(.*)*', redirect: '/' },
]

export const router = createRouter({ history: createWebHashHistory(), routes })

router.beforeEach((to) => {
  if (to.name === 'start') return app.ledger && app.session ? { name: 'home' } : app.ledger ? { name: 'signin' } : true
  if (!app.ledger) return { name: 'start' }
  if (to.name === 'signin') return true
  if (!app.session) return { name: 'signin' }
  if (to.meta.cap && !can(to.meta.cap)) return { name: 'dashboard' }
  if (to.meta.anyCap && !to.meta.anyCap.some(can)) return { name: 'dashboard' }
  if (to.meta.role && app.session?.user.role !== to.meta.role) return { name: 'dashboard' }
  return true
})
