import type { Role } from '../../common/auth/roles';
import { Catalogue, catalogueOf } from '../../common/i18n/messages';
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

type Nav = LayoutModel['nav'];

/** The navigation by catalogue, role and current section: the same few lists for every page. */
const NAVS = new WeakMap<Catalogue, Map<string, Nav>>();

function navOf(messages: Catalogue, role: Role, current: string): Nav {
  let byPage = NAVS.get(messages);
  if (!byPage) NAVS.set(messages, (byPage = new Map()));
  // Sections are the code's own; any other `current` marks none, so the map stays as small as they are.
  const marked = SECTIONS.some((section) => section.href === current) ? current : '';
  const key = `${role === 'admin' ? 'admin' : 'staff'} ${marked}`;
  let nav = byPage.get(key);
  if (!nav) {
    nav = Object.freeze(
      SECTIONS.filter((section) => !section.admin || role === 'admin').map((section) =>
        Object.freeze({ href: section.href, label: messages.t(section.label ?? `console.nav.${section.key}`), current: section.href === marked }),
      ),
    ) as Nav;
    byPage.set(key, nav);
  }
  return nav;
}

/** The layout of a console page: its title, the navigation for this role, and the log-out form with the page's CSRF token. */
export function consoleLayout(title: string, current: string, staff: { role: Role; language: string }, csrf: string): LayoutModel {
  return {
    title,
    language: staff.language,
    nav: navOf(catalogueOf(staff.language), staff.role, current),
    unsubscribeUrl: null,
    signOut: { csrf },
  };
}

/** A page for someone not signed in (the login form, refusals): no navigation. */
export function signedOutLayout(title: string, language: string): LayoutModel {
  return { title, language, nav: [], unsubscribeUrl: null };
}
