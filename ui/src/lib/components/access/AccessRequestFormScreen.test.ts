import { screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { AccessRequestDetail, AccessRequestForm, AccessRequestOptions } from '$lib/api';
import { fail, fakeApi, ok, provider } from '../../../test/fakeApi';
import { renderWithServices } from '../../../test/render';
import AccessRequestFormScreen from './AccessRequestFormScreen.svelte';

const supervisor = {
  ...provider,
  username: 'mt.supervisor',
  displayName: 'Stacy Halvorsen',
  organizationCode: 'MT0001',
  organizationName: 'Big Sky Family Medicine',
  role: 'authorizing_official',
  roleTitle: 'Authorizing Official',
  permissions: ['manage_organization_users'],
};

const blank: AccessRequestForm = {
  requestType: 'new_access',
  organizationCode: 'MT0001',
  existingUsername: '',
  legalFirstName: '',
  legalMiddleName: '',
  legalLastName: '',
  dateOfBirth: '',
  phone: '',
  email: '',
  priorAccess: '',
  employer: 'Big Sky Family Medicine',
  jobTitle: '',
  locationName: 'Big Sky Family Medicine - Grand Ave',
  vfcPin: 'MT10001',
  address: '2900 Grand Ave',
  city: 'Billings',
  state: 'MT',
  county: 'Yellowstone',
  zip: '59102',
  startDate: '',
  endDate: '',
  accessRequested: '',
  justification: '',
  supervisorName: 'Stacy Halvorsen',
  supervisorTitle: '',
  attestation: false,
};

const options: AccessRequestOptions = {
  jurisdiction: 'montana',
  registryName: 'imMTrax',
  roles: [
    {
      code: 'read_only_with_consent',
      title: 'Read Only with Consent',
      description: 'Search, view, print',
    },
    {
      code: 'record_maintenance',
      title: 'Record Maintenance',
      description: 'Plus add immunizations',
    },
  ],
  requestTypes: [
    { code: 'new_access', title: 'New Access' },
    { code: 'access_deletion', title: 'Access Deletion' },
  ],
  organization: {
    code: 'MT0001',
    name: 'Big Sky Family Medicine',
    kind: 'provider',
    kindTitle: 'Provider',
    state: 'MT',
    county: 'Yellowstone',
    city: 'Billings',
    vfcPin: 'MT10001',
    locations: [
      {
        name: 'Big Sky Family Medicine - Grand Ave',
        address: '2900 Grand Ave',
        city: 'Billings',
        state: 'MT',
        county: 'Yellowstone',
        zip: '59102',
        vfcPin: 'MT10001',
      },
      {
        name: 'Big Sky Family Medicine - Heights',
        address: '1233 Main St',
        city: 'Billings',
        state: 'MT',
        county: 'Yellowstone',
        zip: '59105',
        vfcPin: 'MT10001',
      },
    ],
    serviceCounties: [],
  },
  attestationStatement: 'I understand that it is my responsibility to inform the program.',
  blankForm: blank,
};

function detail(form: AccessRequestForm, status: string): AccessRequestDetail {
  return {
    summary: {
      id: 'r-1',
      requestNumber: 'REQ0100001',
      requestType: form.requestType,
      requestTypeTitle: 'New Access',
      status,
      userName: `${form.legalFirstName} ${form.legalLastName}`.trim(),
      organizationCode: 'MT0001',
      organizationName: 'Big Sky Family Medicine',
      accessRequested: '',
      submittedOn: null,
      ageBusinessDays: 0,
      overdue: false,
      decisionReason: null,
    },
    form,
    requestedByName: 'Stacy Halvorsen',
    agreement: null,
    subjectAccount: null,
    decidedOn: null,
    editable: status === 'draft' || status === 'returned',
    approvable: false,
  };
}

function setup(overrides = {}) {
  const api = fakeApi({ accessRequestOptions: () => ok(options), ...overrides });
  renderWithServices(AccessRequestFormScreen, {
    api,
    user: supervisor,
    route: { name: 'accessRequestForm', requestId: null },
    props: { requestId: null },
  });
  return { api, user: userEvent.setup() };
}

describe('AccessRequestFormScreen', () => {
  it('starts from the organization and offers the jurisdiction’s roles', async () => {
    setup();
    expect(await screen.findByTestId('access-employer')).toHaveValue('Big Sky Family Medicine');
    expect(screen.getByTestId('access-county')).toHaveValue('Yellowstone');
    expect(screen.getByTestId('access-supervisor-name')).toHaveValue('Stacy Halvorsen');
    const roles = screen.getByTestId('access-role');
    expect(roles).toHaveTextContent('Read Only with Consent');
    expect(screen.getByText(/imMTrax access for an employee of Big Sky/)).toBeInTheDocument();
  });

  it('fills the address from a chosen location', async () => {
    const { user } = setup();
    await user.selectOptions(
      await screen.findByTestId('access-location-choice'),
      'Big Sky Family Medicine - Heights',
    );
    expect(screen.getByTestId('access-address')).toHaveValue('1233 Main St');
    expect(screen.getByTestId('access-zip')).toHaveValue('59105');
    expect(screen.getByTestId('access-location')).toHaveValue('Big Sky Family Medicine - Heights');
  });

  it('shows each field error under its field and keeps what was typed', async () => {
    const { user } = setup({
      submitAccessRequest: () =>
        fail({
          code: 'validation',
          issues: [
            { field: 'phone', message: 'Enter a 10-digit phone number, like 406-444-4444.' },
            { field: 'attestation', message: 'As the authorizing official, check the statement.' },
          ],
        }),
    });
    await user.type(await screen.findByTestId('access-first-name'), 'Nancy');
    await user.type(screen.getByTestId('access-phone'), '444-4444');
    await user.click(screen.getByTestId('access-submit'));

    expect(
      await screen.findByText('Enter a 10-digit phone number, like 406-444-4444.'),
    ).toBeInTheDocument();
    expect(screen.getByTestId('access-phone')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByTestId('access-phone')).toHaveValue('444-4444');
    expect(screen.getByTestId('access-first-name')).toHaveValue('Nancy');
    expect(screen.getByTestId('access-attestation')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByTestId('access-error')).toHaveTextContent('2 fields need attention');
    await waitFor(() => expect(screen.getByTestId('access-phone')).toHaveFocus());
  });

  it('saves a half-filled draft and shows its request number', async () => {
    const { api, user } = setup({
      saveAccessRequestDraft: (r: { form: AccessRequestForm }) => ok(detail(r.form, 'draft')),
    });
    await user.type(await screen.findByTestId('access-first-name'), 'Nancy');
    await user.click(screen.getByTestId('access-save-draft'));
    expect(await screen.findByTestId('access-done')).toHaveTextContent('Draft REQ0100001 saved');
    expect(api.saveAccessRequestDraft).toHaveBeenCalledWith({
      requestId: null,
      form: { ...blank, legalFirstName: 'Nancy' },
    });
    expect(screen.getByTestId('access-first-name')).toHaveValue('Nancy');
  });

  it('asks for the day access ends, not a role, for an access deletion', async () => {
    const { user } = setup();
    await user.selectOptions(await screen.findByTestId('access-request-type'), 'access_deletion');
    expect(screen.queryByTestId('access-role')).toBeNull();
    expect(screen.queryByTestId('access-start')).toBeNull();
    expect(screen.getByLabelText('Access ends on')).toBeInTheDocument();
    expect(screen.getByTestId('access-existing-username')).toBeInTheDocument();
  });
});
