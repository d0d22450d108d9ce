import type { Role } from '../../common/auth/roles';
import { catalogueOf } from '../../common/i18n/messages';
import type { LayoutModel } from '../views.service';

/** The console's sections, in the navigation's order; `admin` ones are shown to admins only. */
const SECTIONS: { key: string; href: string; admin?: boolean; label?: string }[] = [
  { key: 'home', href: '/console' },
  { key: 'cases', href: '/console/cases' },
  { key: 'officials', href: '/console/officials' },
  { key: 'templates', href: '/console/templates' },
  { key: 'appeals', href: '/console/appeals' },
  { key: 'cycles', href: '/console/cycles' },
  { key: 'printRuns', href: '/console/print-runs', label: 'consolePrint.nav' },
  { key: 'members', href: '/console/members' },
  { key: 'deliverability', href: '/console/deliverability' },
  { key: 'dashboard', href: '/admin' },
  { key: 'queues', href: '/admin/queues', admin: true },
  { key: 'audit', href: '/console/audit', admin: true, label: 'consoleMembers.nav.audit' },
  { key: 'account', href: '/console/account', label: 'consoleMembers.nav.account' },
];

/** The layout of a console page: its title, the navigation for this role, and the log-out form with the page's CSRF token. */
export function consoleLayout(title: string, current: string, staff: { role: Role; language: string }, csrf: string): LayoutModel {
  const messages = catalogueOf(staff.language);
  return {
    title,
    language: staff.language,
    nav: SECTIONS.filter((section) => !section.admin || staff.role === 'admin').map((section) => ({
      href: section.href,
      label: messages.t(section.label ?? `console.nav.${section.key}`),
      current: section.href === current,
    })),
    unsubscribeUrl: null,
    signOut: { csrf },
  };
}

/** A page for someone not signed in (the login form, refusals): no navigation. */
export function signedOutLayout(title: string, language: string): LayoutModel {
  return { title, language, nav: [], unsubscribeUrl: null };
}
