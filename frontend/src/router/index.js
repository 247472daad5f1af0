import { createRouter, createWebHistory } from 'vue-router'
import { useAuthStore } from '@/stores/auth'
import { useToast } from '@/composables/useToast'
import { i18n, loadMessages } from '@/i18n'
import { HOME_QUERY, homeListParams, showRequest } from '@/api/shows'
import { queryValues } from '@/composables/useQueryState'
// The two pages people arrive on (the home page, a shared show link) ship with the app's first script:
// a lazy chunk would be asked for only once that script has run, one more round trip before the page
// can render, and each of its small imports another request in the browser's six per server.
import HomeView from '@/views/HomeView.vue'
import ShowView from '@/views/ShowView.vue'

// Guards only shape the experience; the server refuses anything a user may not do.
const routes = [
  // firstRequest: the GET the page makes first, as {path, query} for a route and the auth store (main.js
  // starts it before the app mounts); it must be exactly the page's own, or it is wasted.
  {
    path: '/',
    name: 'home',
    component: HomeView,
    meta: {
      titleKey: 'nav.titles.home',
      firstRequest: (route) => ({ path: '/api/shows', query: homeListParams(queryValues(HOME_QUERY, route.query)) }),
    },
  },
  {
    path: '/shows/:id(\\d+)',
    name: 'show',
    component: ShowView,
    props: true,
    meta: { firstRequest: (route, auth) => showRequest(route.params.id, route.query.place || auth.preferredPlace) },
  },
  {
    path: '/whats-on',
    name: 'whats-on',
    component: () => import('@/views/WhatsOnView.vue'),
    meta: { titleKey: 'nav.titles.whatsOn' },
  },
  {
    path: '/book/:screeningId(\\d+)',
    name: 'book',
    component: () => import('@/views/BookView.vue'),
    props: true,
    meta: { titleKey: 'nav.titles.book', requiresAuth: true },
  },
  {
    path: '/bookings/:id(\\d+)',
    name: 'booking',
    component: () => import('@/views/BookingView.vue'),
    props: true,
    meta: { titleKey: 'nav.titles.booking', requiresAuth: true },
  },
  {
    path: '/bookings/:id(\\d+)/tickets',
    name: 'booking-tickets',
    component: () => import('@/views/TicketsView.vue'),
    props: true,
    meta: { titleKey: 'nav.titles.tickets', requiresAuth: true },
  },
  {
    path: '/my-bookings',
    name: 'my-bookings',
    component: () => import('@/views/MyBookingsView.vue'),
    meta: { titleKey: 'nav.titles.myBookings', requiresAuth: true },
  },
  {
    path: '/reports',
    name: 'reports',
    component: () => import('@/views/ReportsView.vue'),
    meta: { titleKey: 'nav.titles.reports', requiresAuth: true },
  },
  {
    path: '/account',
    name: 'account',
    component: () => import('@/views/AccountView.vue'),
    meta: { titleKey: 'nav.titles.account', requiresAuth: true },
  },
  {
    path: '/theatres',
    name: 'theatres',
    component: () => import('@/views/TheatresView.vue'),
    meta: { titleKey: 'nav.titles.theatres' },
  },
  { path: '/theatres/:id(\\d+)', name: 'theatre', component: () => import('@/views/TheatreView.vue'), props: true },
  {
    path: '/login',
    name: 'login',
    component: () => import('@/views/LoginView.vue'),
    meta: { titleKey: 'nav.titles.login', guestOnly: true },
  },
  {
    path: '/forgot-password',
    name: 'forgot-password',
    component: () => import('@/views/ForgotPasswordView.vue'),
    meta: { titleKey: 'nav.titles.forgotPassword', guestOnly: true },
  },
  // Reached from the emailed link: it works logged in or not (the reset ends every session anyway).
  {
    path: '/reset-password',
    name: 'reset-password',
    component: () => import('@/views/ResetPasswordView.vue'),
    meta: { titleKey: 'nav.titles.resetPassword' },
  },
  {
    path: '/signup',
    name: 'signup',
    component: () => import('@/views/SignupView.vue'),
    meta: { titleKey: 'nav.titles.signup', guestOnly: true },
  },
  {
    path: '/admin',
    component: () => import('@/views/admin/AdminView.vue'),
    // The staff area: the admin's, and a manager's for their theatres. Each page names the permission it
    // needs (GET /api/auth/me `permissions`, from backend/ticketshow/policy.py).
    // messages: the namespaces its pages need that the first script leaves out (src/i18n loadMessages).
    meta: { requiresAuth: true, permission: 'view_dashboard', messages: ['admin'] },
    children: [
      { path: '', name: 'admin', redirect: { name: 'admin-dashboard' } },
      {
        path: 'dashboard',
        name: 'admin-dashboard',
        component: () => import('@/views/admin/AdminDashboardView.vue'),
        meta: { titleKey: 'nav.titles.adminDashboard' },
      },
      {
        path: 'theatres',
        name: 'admin-theatres',
        component: () => import('@/views/admin/AdminTheatresView.vue'),
        meta: { titleKey: 'nav.titles.adminTheatres', permission: 'edit_catalogue' },
      },
      {
        // a theatre's manager may edit its layout too (the server decides per theatre)
        path: 'theatres/:id(\\d+)/layout',
        name: 'admin-theatre-layout',
        component: () => import('@/views/admin/LayoutEditor.vue'),
        props: true,
        meta: { titleKey: 'nav.titles.adminLayout', permission: 'manage_theatres' },
      },
      {
        path: 'shows',
        name: 'admin-shows',
        component: () => import('@/views/admin/AdminShowsView.vue'),
        meta: { titleKey: 'nav.titles.adminShows', permission: 'edit_catalogue' },
      },
      {
        path: 'screenings',
        name: 'admin-screenings',
        component: () => import('@/views/admin/AdminScreeningsView.vue'),
        meta: { titleKey: 'nav.titles.adminScreenings', permission: 'manage_theatres' },
      },
      {
        // a theatre's manager blocks seats of its screenings too (the server decides per theatre)
        path: 'screenings/:id(\\d+)/seats',
        name: 'admin-screening-seats',
        component: () => import('@/views/admin/BlockSeatsView.vue'),
        props: true,
        meta: { titleKey: 'nav.titles.adminBlockSeats', permission: 'manage_theatres' },
      },
      {
        path: 'bookings',
        name: 'admin-bookings',
        component: () => import('@/views/admin/AdminBookingsView.vue'),
        meta: { titleKey: 'nav.titles.adminBookings', permission: 'view_theatre_bookings' },
      },
      {
        path: 'staff',
        name: 'admin-staff',
        component: () => import('@/views/admin/AdminStaffView.vue'),
        meta: { titleKey: 'nav.titles.adminStaff', permission: 'manage_staff' },
      },
      {
        path: 'audit',
        name: 'admin-audit',
        component: () => import('@/views/admin/AdminAuditView.vue'),
        meta: { titleKey: 'nav.titles.adminAudit', permission: 'read_audit' },
      },
    ],
  },
  {
    path: '/scanner',
    name: 'scanner',
    component: () => import('@/views/ScannerView.vue'),
    meta: { titleKey: 'nav.titles.scanner', requiresAuth: true, permission: 'check_in' },
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('@/views/NotFoundView.vue'),
    meta: { titleKey: 'nav.titles.notFound' },
  },
]

const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes,
  scrollBehavior(to, from, savedPosition) {
    if (savedPosition) return savedPosition
    if (to.path === from.path) return false // only the query changed (paging, filters): stay put
    return { top: 0 }
  },
})

/** A redirect target from the query string, accepted only when it is a path inside this app. */
export function safeRedirect(value) {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') ? value : '/'
}

router.beforeEach(async (to) => {
  const auth = useAuthStore()
  if (to.meta.guestOnly && auth.isLoggedIn) return safeRedirect(to.query.redirect)
  if (!to.meta.requiresAuth) return true

  if (!auth.isLoggedIn) return { name: 'login', query: { redirect: to.fullPath } }
  await auth.ensureUser() // roles may have changed since the last visit
  if (!auth.isLoggedIn) return { name: 'login', query: { redirect: to.fullPath } }
  const needed = to.matched.map((record) => record.meta.permission).filter(Boolean)
  if (!needed.every((permission) => auth.can(permission))) {
    useToast().error(i18n.global.t(auth.role === 'user' ? 'nav.staffOnly' : 'nav.roleLacks'))
    return auth.landingPath
  }
  return true
})

// A page's messages that are not in the first script (meta.messages, e.g. the staff area's admin.*) are in before
// it shows, in the UI's language.
router.beforeResolve(async (to) => {
  await Promise.all(to.matched.flatMap((record) => record.meta.messages ?? []).map(loadMessages))
  return true
})

// The tab's title comes from meta.titleKey, in the UI's language: see composables/usePageTitle.js (App.vue).

export default router
