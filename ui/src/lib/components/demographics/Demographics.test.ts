import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Api } from '$lib/api';
import {
  demographics,
  emptyQueue,
  fail,
  fakeApi,
  ok,
  provider,
  restrictedAccess,
  summary,
} from '../../../test/fakeApi';
import { renderWithServices } from '../../../test/render';
import AddClientScreen from './AddClientScreen.svelte';
import DemographicsScreen from './DemographicsScreen.svelte';
import DuplicatesScreen from './DuplicatesScreen.svelte';

const editor = {
  ...provider,
  permissions: [...provider.permissions, 'edit_demographics', 'update_consent', 'merge_clients'],
};

function showDemographics(overrides: Partial<Api> = {}, tab: 'personal' | 'consent' = 'personal') {
  const api = fakeApi({ getDemographics: () => ok(demographics()), ...overrides });
  const rendered = renderWithServices(DemographicsScreen, {
    api,
    user: editor,
    route: { name: 'clientDemographics', clientId: 'c-1', tab },
    props: { clientId: 'c-1', tab },
  });
  return { ...rendered, user: userEvent.setup() };
}

describe('DemographicsScreen', () => {
  it('keeps what was typed when Rust refuses the personal information', async () => {
    const { api, user } = showDemographics({
      changeDemographics: () =>
        fail({
          code: 'validation',
          issues: [{ field: 'dateOfBirth', message: '02/30/2026 is not a real calendar date.' }],
        }),
    });
    const dob = await screen.findByTestId('personal-dob');
    expect(dob).toHaveValue('05/02/2026');
    await user.clear(dob);
    await user.type(dob, '02/30/2026');
    await user.click(screen.getByTestId('personal-save'));
    await waitFor(() => expect(dob).toHaveAttribute('aria-invalid', 'true'));
    expect(dob).toHaveAccessibleDescription(/not a real calendar date/);
    expect(dob).toHaveValue('02/30/2026');
    expect(api.changeDemographics).toHaveBeenCalledWith({
      clientId: 'c-1',
      change: expect.objectContaining({
        kind: 'personal',
        personal: expect.objectContaining({ dateOfBirth: '02/30/2026', race: '1002-5' }),
      }),
    });
  });

  it('records a withdrawal and shows the new status', async () => {
    let status = 'granted';
    const { api, user } = showDemographics(
      {
        getDemographics: () => ok(demographics({ consentStatus: status })),
        updateConsent: (r) => {
          status = r.status;
          return ok([]);
        },
      },
      'consent',
    );
    expect(await screen.findByTestId('demog-consent-status')).toHaveTextContent('Consent granted');
    expect(screen.getByTestId('consent-status')).toHaveValue('withdrawn');
    await user.type(screen.getByTestId('consent-given-by'), 'Marie, mother');
    await user.click(screen.getByTestId('consent-save'));
    await waitFor(() =>
      expect(screen.getByTestId('demog-consent-status')).toHaveTextContent('Consent withdrawn'),
    );
    expect(api.updateConsent).toHaveBeenCalledWith(
      expect.objectContaining({ clientId: 'c-1', status: 'withdrawn', givenBy: 'Marie, mother' }),
    );
  });

  it('shows a restricted record as identification only, with the reason', async () => {
    showDemographics({
      getDemographics: () =>
        ok(demographics({ access: restrictedAccess, consentStatus: 'withdrawn' })),
    });
    expect(await screen.findByTestId('demog-restricted')).toHaveTextContent('withdrew consent');
    expect(screen.queryByTestId('personal-save')).not.toBeInTheDocument();
    expect(screen.queryByTestId('personal-phone')).not.toBeInTheDocument();
    expect(screen.getByTestId('personal-last-name')).toBeDisabled();
  });
});

describe('AddClientScreen', () => {
  it('shows likely matches first and adds only when the user confirms a new person', async () => {
    const api = fakeApi({
      addClient: (r) =>
        r.confirmedNewPerson
          ? ok({ outcome: 'added', clientId: 'new-1' })
          : ok({
              outcome: 'likely_matches',
              matches: [
                { client: summary(), score: 24.5, reasons: ['DOB exact', 'surname exact'] },
              ],
            }),
    });
    const { services } = renderWithServices(AddClientScreen, {
      api,
      user: editor,
      route: { name: 'addClient' },
    });
    const user = userEvent.setup();
    await user.type(await screen.findByTestId('add-first-name'), 'Sofia');
    await user.type(screen.getByTestId('add-last-name'), 'Martinez');
    await user.type(screen.getByTestId('add-dob'), '03/14/2019');
    await user.click(screen.getByTestId('add-client-submit'));
    const matches = await screen.findByTestId('likely-matches');
    expect(within(matches).getByTestId('likely-match-name')).toHaveTextContent(
      'Sofia Ana Martinez',
    );
    expect(matches).toHaveTextContent('DOB exact, surname exact');
    await user.click(screen.getByTestId('confirm-new-client'));
    await waitFor(() =>
      expect(services.router.route).toEqual({ name: 'clientRecord', clientId: 'new-1' }),
    );
    expect(api.addClient).toHaveBeenLastCalledWith(
      expect.objectContaining({ confirmedNewPerson: true }),
    );
  });
});

describe('AddClientScreen address', () => {
  it('offers the real counties of Montana and Texas and takes other counties as typed', async () => {
    renderWithServices(AddClientScreen, { user: editor, route: { name: 'addClient' } });
    const user = userEvent.setup();
    const state = await screen.findByTestId('add-address-state');
    await waitFor(() => expect(within(state).getByText('Texas')).toBeInTheDocument());
    await user.selectOptions(state, 'TX');
    const county = screen.getByTestId('add-address-county');
    expect(county.tagName).toBe('SELECT');
    expect(within(county).getByText('Travis')).toBeInTheDocument();
    expect(within(county).queryByText('Yellowstone')).not.toBeInTheDocument();
    await user.selectOptions(state, 'WY');
    expect(screen.getByTestId('add-address-county').tagName).toBe('INPUT');
  });
});

describe('DuplicatesScreen', () => {
  it('merges a pair into the record the user keeps', async () => {
    const pair = {
      id: 'p-1',
      score: 21.3,
      probability: null,
      verdict: null,
      clusterId: null,
      clusterSize: 2,
      reasons: ['DOB exact', 'given name is a nickname'],
      first: { client: summary({ id: 'a' }), doseCount: 12, fullView: true },
      second: { client: summary({ id: 'b', firstName: 'Sophia' }), doseCount: 3, fullView: true },
    };
    const api = fakeApi({
      duplicateQueue: () => ok({ pairs: [pair], openCount: 1, merges: [] }),
      mergeClients: () => ok(emptyQueue()),
    });
    renderWithServices(DuplicatesScreen, { api, user: editor, route: { name: 'duplicates' } });
    const user = userEvent.setup();
    const row = await screen.findByTestId('dupe-pair');
    expect(row).toHaveTextContent('Score 21.3');
    await user.click(within(row).getAllByTestId('dupe-keep')[1]!);
    expect(api.mergeClients).toHaveBeenCalledWith({ pairId: 'p-1', survivorId: 'b' });
    expect(await screen.findByTestId('dupes-done')).toHaveTextContent('Merged');
    expect(screen.getByTestId('dupes-empty')).toBeInTheDocument();
  });

  it("shows the model's probability and verdict, and heads a cluster of three records", async () => {
    const side = (id: string) => ({ client: summary({ id }), doseCount: 2, fullView: true });
    const pair = (id: string, probability: number, a: string, b: string) => ({
      id,
      score: 30,
      probability,
      verdict: probability >= 0.99 ? ('same_person' as const) : ('likely' as const),
      clusterId: 'c-1',
      clusterSize: 3,
      reasons: ['DOB exact'],
      first: side(a),
      second: side(b),
    });
    const api = fakeApi({
      duplicateQueue: () =>
        ok({
          pairs: [pair('p-1', 0.99995, 'a', 'b'), pair('p-2', 0.734, 'b', 'c')],
          openCount: 2,
          merges: [],
        }),
    });
    renderWithServices(DuplicatesScreen, { api, user: editor, route: { name: 'duplicates' } });
    const rows = await screen.findAllByTestId('dupe-pair');
    expect(screen.getAllByTestId('dupe-cluster')).toHaveLength(1);
    expect(within(rows[0]!).getByTestId('dupe-cluster')).toHaveTextContent(
      'These 3 records may all be one person',
    );
    expect(within(rows[0]!).getByTestId('dupe-verdict')).toHaveTextContent('Same person');
    expect(within(rows[0]!).getByTestId('dupe-probability')).toHaveTextContent(
      'over 99.9 % likely one person',
    );
    expect(within(rows[1]!).getByTestId('dupe-verdict')).toHaveTextContent(
      'Likely the same person',
    );
    expect(within(rows[1]!).getByTestId('dupe-probability')).toHaveTextContent('73.4 %');
    expect(rows[1]).not.toHaveTextContent('Score');
  });
});
