import type { Route, SupportTab } from '$lib/app/router.svelte';
import { PERMISSIONS, type Permission } from '$lib/auth/permissions';
import type { MessageKey } from '$lib/i18n';

export type MenuItem = {
  id: string;
  label: MessageKey;
  /** Shown on the home screen's shortcut card. */
  description: MessageKey;
  route: Route;
  permission: Permission;
  testid: string;
};

export type MenuSection = { id: string; label: MessageKey; items: MenuItem[] };

const support = (tab: SupportTab, label: MessageKey, description: MessageKey, testid: string) => ({
  id: tab,
  label,
  description,
  route: { name: 'adminSupport', tab } as const,
  permission: PERMISSIONS.viewSupportTables,
  testid,
});

/** The menu panel, in ImmTrac2's order. Entries the role lacks are filtered out when shown. */
export const MENU: MenuSection[] = [
  {
    id: 'clients',
    label: 'menu.clients',
    items: [
      {
        id: 'searchClient',
        label: 'menu.searchClient',
        description: 'home.searchClient',
        route: { name: 'clientSearch' },
        permission: PERMISSIONS.searchClients,
        testid: 'menu-search',
      },
      {
        id: 'addClient',
        label: 'menu.addClient',
        description: 'home.addClient',
        route: { name: 'addClient' },
        permission: PERMISSIONS.editDemographics,
        testid: 'menu-add-client',
      },
      {
        id: 'duplicates',
        label: 'menu.duplicates',
        description: 'home.duplicates',
        route: { name: 'duplicates' },
        permission: PERMISSIONS.mergeClients,
        testid: 'menu-duplicates',
      },
      {
        id: 'printBatch',
        label: 'menu.printBatch',
        description: 'home.printBatch',
        route: { name: 'printBatch' },
        permission: PERMISSIONS.printRecord,
        testid: 'menu-print-batch',
      },
      {
        id: 'school',
        label: 'menu.school',
        description: 'home.school',
        route: { name: 'school' },
        permission: PERMISSIONS.schoolReports,
        testid: 'menu-school',
      },
      {
        id: 'verifyRecord',
        label: 'menu.verifyRecord',
        description: 'home.verifyRecord',
        route: { name: 'verifyRecord' },
        permission: PERMISSIONS.printRecord,
        testid: 'menu-verify-record',
      },
    ],
  },
  {
    id: 'access',
    label: 'menu.access',
    items: [
      {
        id: 'requestAccess',
        label: 'menu.requestAccess',
        description: 'home.requestAccess',
        route: { name: 'accessRequestForm', requestId: null },
        permission: PERMISSIONS.manageOrganizationUsers,
        testid: 'menu-request-access',
      },
      {
        id: 'accessRequests',
        label: 'menu.accessRequests',
        description: 'home.accessRequests',
        route: { name: 'accessRequests' },
        permission: PERMISSIONS.manageOrganizationUsers,
        testid: 'menu-access-requests',
      },
      {
        id: 'organizationUsers',
        label: 'menu.organizationUsers',
        description: 'home.organizationUsers',
        route: { name: 'organizationUsers' },
        permission: PERMISSIONS.manageOrganizationUsers,
        testid: 'menu-organization-users',
      },
      {
        id: 'accessQueue',
        label: 'menu.accessQueue',
        description: 'home.accessQueue',
        route: { name: 'accessQueue' },
        permission: PERMISSIONS.approveAccessRequests,
        testid: 'menu-access-queue',
      },
    ],
  },
  {
    id: 'reports',
    label: 'menu.reports',
    items: [
      {
        id: 'coverage',
        label: 'menu.coverage',
        description: 'home.coverage',
        route: { name: 'coverage' },
        permission: PERMISSIONS.runReports,
        testid: 'menu-coverage',
      },
      {
        id: 'recall',
        label: 'menu.recall',
        description: 'home.recall',
        route: { name: 'recall' },
        permission: PERMISSIONS.runReports,
        testid: 'menu-recall',
      },
      {
        id: 'dosesAdministered',
        label: 'menu.doses',
        description: 'home.doses',
        route: { name: 'dosesAdministered' },
        permission: PERMISSIONS.runReports,
        testid: 'menu-doses',
      },
    ],
  },
  {
    id: 'adminSupport',
    label: 'menu.adminSupport',
    items: [
      support('vaccines', 'menu.vaccines', 'home.vaccines', 'menu-vaccines'),
      support('tradeNames', 'menu.tradeNames', 'home.tradeNames', 'menu-trade-names'),
      support('manufacturers', 'menu.manufacturers', 'home.manufacturers', 'menu-manufacturers'),
      support('vaccineGroups', 'menu.vaccineGroups', 'home.vaccineGroups', 'menu-vaccine-groups'),
      support('visDocuments', 'menu.visDocuments', 'home.visDocuments', 'menu-vis-documents'),
    ],
  },
  {
    id: 'vaccineManagement',
    label: 'menu.vaccineManagement',
    items: [
      {
        id: 'lotInventory',
        label: 'menu.vaccineInventory',
        description: 'home.vaccineInventory',
        route: { name: 'lotInventory' },
        permission: PERMISSIONS.manageLots,
        testid: 'menu-lot-inventory',
      },
      {
        id: 'lotUsage',
        label: 'menu.lotUsage',
        description: 'home.lotUsage',
        route: { name: 'lotUsage' },
        permission: PERMISSIONS.manageLots,
        testid: 'menu-lot-usage',
      },
    ],
  },
];

/** The sections and entries a user with `can` may see; empty sections are dropped. */
export function visibleMenu(can: (p: Permission) => boolean): MenuSection[] {
  return MENU.map((s) => ({ ...s, items: s.items.filter((i) => can(i.permission)) })).filter(
    (s) => s.items.length > 0,
  );
}

/** Whether `item` is the entry for the current `route` (a client record counts as search). */
export function isCurrent(item: MenuItem, route: Route): boolean {
  if (item.route.name === 'adminSupport') {
    return route.name === 'adminSupport' && route.tab === item.route.tab;
  }
  if (item.route.name === 'accessQueue') {
    return route.name === 'accessQueue' || route.name === 'accessReview';
  }
  if (item.route.name === 'accessRequestForm') {
    return route.name === 'accessRequestForm' && route.requestId === null;
  }
  if (item.route.name === 'clientSearch') {
    return (
      route.name === 'clientSearch' ||
      route.name === 'clientRecord' ||
      route.name === 'clientDemographics'
    );
  }
  return item.route.name === route.name;
}
