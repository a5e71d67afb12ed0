/** Permission codes granted by roles (mirrors `shotbook_core::Permission::code`). */
export const PERMISSIONS = {
  searchClients: 'search_clients',
  viewClient: 'view_client',
  printRecord: 'print_record',
  updateConsent: 'update_consent',
  editDemographics: 'edit_demographics',
  mergeClients: 'merge_clients',
  addImmunizations: 'add_immunizations',
  editImmunizations: 'edit_immunizations',
  manageLots: 'manage_lots',
  runReports: 'run_reports',
  schoolReports: 'school_reports',
  manageOrganizationUsers: 'manage_organization_users',
  approveAccessRequests: 'approve_access_requests',
  manageOrganizations: 'manage_organizations',
  viewSupportTables: 'view_support_tables',
} as const;

export type Permission = (typeof PERMISSIONS)[keyof typeof PERMISSIONS];
