/** The tables of the Admin Support screen. */
export const SUPPORT_TABS = [
  'vaccines',
  'tradeNames',
  'manufacturers',
  'vaccineGroups',
  'visDocuments',
] as const;
export type SupportTab = (typeof SUPPORT_TABS)[number];

/** The tabs of the Demographics screen, in ImmTrac2's order. */
export const DEMOGRAPHICS_TABS = [
  'personal',
  'consent',
  'aka',
  'organizations',
  'addresses',
  'responsible',
  'comments',
  'notes',
] as const;
export type DemographicsTab = (typeof DEMOGRAPHICS_TABS)[number];

/** Every screen, with its parameters. */
export type Route =
  | { name: 'signIn' }
  | { name: 'forgotPassword' }
  | { name: 'myAccount' }
  | { name: 'switchOrganization' }
  | { name: 'home' }
  | { name: 'clientSearch' }
  | { name: 'clientRecord'; clientId: string }
  | { name: 'clientDemographics'; clientId: string; tab?: DemographicsTab }
  | { name: 'addClient' }
  | { name: 'duplicates' }
  | { name: 'adminSupport'; tab: SupportTab }
  | { name: 'lotInventory' }
  | { name: 'verifyRecord' }
  | { name: 'printBatch' }
  | { name: 'userAgreement' }
  | { name: 'accessRequests' }
  | { name: 'accessRequestForm'; requestId: string | null; username?: string; requestType?: string }
  | { name: 'accessQueue' }
  | { name: 'accessReview'; requestId: string }
  | { name: 'organizationUsers' }
  | { name: 'syncReview' }
  | { name: 'school' }
  | { name: 'coverage' }
  | { name: 'recall' }
  | { name: 'dosesAdministered' }
  | { name: 'lotUsage' };

/** A state-based router: the current screen is a value, not a URL. */
export class Router {
  route = $state<Route>({ name: 'signIn' });

  go(route: Route): void {
    this.route = route;
  }
}
