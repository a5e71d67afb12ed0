import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Api } from '$lib/api';
import { fail, fakeApi, ok, provider, summary } from '../../../test/fakeApi';
import { renderWithServices } from '../../../test/render';
import ClientSearchScreen from './ClientSearchScreen.svelte';

const three = [
  summary({ id: 'a', lastName: 'Smith', firstName: 'Ava', middleName: null }),
  summary({ id: 'b', lastName: 'Smith', firstName: 'Ben', middleName: 'J', gender: 'M' }),
  summary({ id: 'c', lastName: 'Smith', firstName: 'Cy', middleName: null, guardianName: null }),
];

/** The Basic-search request with every field empty but `fields`. */
function basicRequest(fields: Record<string, string>) {
  return {
    lastName: '',
    firstName: '',
    middleName: '',
    dateOfBirth: '',
    gender: '',
    motherMaidenName: '',
    guardianName: '',
    phone: '',
    address: '',
    zip: '',
    clientId: '',
    ...fields,
  };
}

function setup(searchClients?: Api['searchClients'], more: Partial<Api> = {}) {
  const api = fakeApi({ ...(searchClients ? { searchClients } : {}), ...more });
  const rendered = renderWithServices(ClientSearchScreen, {
    api,
    user: provider,
    route: { name: 'clientSearch' },
  });
  return { ...rendered, user: userEvent.setup() };
}

describe('ClientSearchScreen', () => {
  it('lists the matching clients and announces the count', async () => {
    const { user, api } = setup(() => ok({ clients: three, truncated: false, limit: 100 }));
    expect(screen.getByTestId('quick-search-input')).toHaveFocus();
    await user.type(screen.getByTestId('search-last-name'), 'smith{Enter}');

    const rows = await screen.findAllByTestId('search-result-row');
    expect(rows).toHaveLength(3);
    expect(api.searchClients).toHaveBeenCalledWith(basicRequest({ lastName: 'smith' }));
    const second = within(rows[1]!);
    expect(second.getByRole('rowheader')).toHaveTextContent('Smith, Ben J');
    expect(second.getByText('Male')).toBeInTheDocument();
    expect(second.getByText('03/14/2019')).toBeInTheDocument();
    expect(screen.getByTestId('search-count')).toHaveTextContent('3 clients match.');
    expect(screen.getByTestId('search-status')).toHaveAttribute('aria-live', 'polite');
  });

  it('opens a row with Enter after moving with the arrow keys', async () => {
    const { user, services } = setup(() => ok({ clients: three, truncated: false, limit: 100 }));
    await user.type(screen.getByTestId('search-last-name'), 'smith{Enter}');
    const rows = await screen.findAllByTestId('search-result-row');
    expect(rows[0]).toHaveAttribute('tabindex', '0');
    rows[0]!.focus();
    await user.keyboard('{ArrowDown}');
    expect(rows[1]).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(services.router.route).toEqual({ name: 'clientRecord', clientId: 'b' });
  });

  it('opens the record directly when exactly one client matches', async () => {
    const { user, services } = setup(() =>
      ok({ clients: [summary({ id: 'only' })], truncated: false, limit: 100 }),
    );
    await user.type(screen.getByTestId('search-last-name'), 'Martinez');
    await user.type(screen.getByTestId('search-dob'), '03142019');
    expect(screen.getByTestId('search-dob')).toHaveValue('03/14/2019');
    await user.click(screen.getByTestId('search-submit'));
    await waitFor(() =>
      expect(services.router.route).toEqual({ name: 'clientRecord', clientId: 'only' }),
    );
  });

  it('asks to narrow the search when the results are truncated', async () => {
    const { user, services } = setup(() =>
      ok({ clients: [summary({ id: 'x' })], truncated: true, limit: 100 }),
    );
    await user.type(screen.getByTestId('search-last-name'), 'Smith{Enter}');
    expect(await screen.findByTestId('search-truncated')).toHaveTextContent(
      'More than 100 clients match; add a first name or date of birth to narrow the search.',
    );
    // A truncated list of one is not "exactly one match".
    expect(services.router.route).toEqual({ name: 'clientSearch' });
  });

  it('says so when no client matches', async () => {
    const { user } = setup();
    await user.type(screen.getByTestId('search-last-name'), 'Zzyzx{Enter}');
    expect(await screen.findByText('No clients match.')).toBeInTheDocument();
    expect(screen.queryByTestId('search-results')).not.toBeInTheDocument();
  });

  it('shows the date of birth problem next to the field and keeps the criteria', async () => {
    const { user } = setup(() =>
      fail({
        code: 'validation',
        issues: [{ field: 'dateOfBirth', message: 'The date of birth cannot be in the future.' }],
      }),
    );
    await user.type(screen.getByTestId('search-last-name'), 'Martinez');
    await user.type(screen.getByTestId('search-dob'), '01/01/2031{Enter}');

    const dob = screen.getByTestId('search-dob');
    await waitFor(() => expect(dob).toHaveAttribute('aria-invalid', 'true'));
    expect(dob).toHaveAccessibleDescription('The date of birth cannot be in the future.');
    expect(dob).toHaveValue('01/01/2031');
    expect(dob).toHaveFocus();
    expect(screen.getByTestId('search-last-name')).toHaveValue('Martinez');
    expect(screen.getByTestId('search-last-name')).not.toHaveAttribute('aria-invalid');
  });

  it('keeps criteria and results for the way back and focuses the row last opened', async () => {
    const first = setup(() => ok({ clients: three, truncated: false, limit: 100 }));
    await first.user.type(screen.getByTestId('search-last-name'), 'smith{Enter}');
    await first.user.click((await screen.findAllByTestId('search-result-row'))[2]!);
    first.unmount();

    // The same services, rendered again as "Back to results" does.
    const { services } = first;
    expect(services.clientSearch.criteria.lastName).toBe('smith');
    renderWithServices(ClientSearchScreen, { services, route: { name: 'clientSearch' } });
    const rows = await screen.findAllByTestId('search-result-row');
    expect(rows).toHaveLength(3);
    expect(rows[2]).toHaveFocus();
  });

  it('clears the criteria and results', async () => {
    const { user } = setup(() => ok({ clients: three, truncated: false, limit: 100 }));
    await user.type(screen.getByTestId('search-last-name'), 'smith{Enter}');
    await screen.findAllByTestId('search-result-row');
    await user.click(screen.getByTestId('search-clear'));
    expect(screen.getByTestId('search-last-name')).toHaveValue('');
    expect(screen.queryByTestId('search-results')).not.toBeInTheDocument();
  });
});

describe('ClientSearchScreen with values changed behind its back', () => {
  it('searches what the fields show, even when a field was emptied without an input event', async () => {
    const api = fakeApi();
    renderWithServices(ClientSearchScreen, {
      api,
      user: provider,
      route: { name: 'clientSearch' },
    });
    const user = userEvent.setup();
    await user.type(screen.getByTestId('search-last-name'), 'Smith');
    await user.type(screen.getByTestId('search-dob'), '03/14/2019');
    (screen.getByTestId('search-dob') as HTMLInputElement).value = '';
    await user.click(screen.getByTestId('search-submit'));
    await waitFor(() =>
      expect(api.searchClients).toHaveBeenCalledWith(basicRequest({ lastName: 'Smith' })),
    );
  });
});

describe('ClientSearchScreen quick and smart search', () => {
  const scored = (id: string, score: number, likely: boolean, reasons: string[]) => ({
    client: summary({ id, lastName: 'Martinez', firstName: id === 'a' ? 'Sofia' : 'Sofía' }),
    score,
    reasons,
    likely,
  });

  it('sends the quick box as typed and lists Basic results', async () => {
    const { user, api } = setup(undefined, {
      quickSearch: () =>
        ok({ basic: { clients: three, truncated: false, limit: 100 }, smart: null }),
    });
    await user.type(screen.getByTestId('quick-search-input'), 'smith 3/14/2019{Enter}');
    expect(await screen.findAllByTestId('search-result-row')).toHaveLength(3);
    expect(api.quickSearch).toHaveBeenCalledWith({ query: 'smith 3/14/2019' });
    expect(screen.queryByTestId('search-result-score')).not.toBeInTheDocument();
  });

  it('shows the score and the reasons of Smart-search results in score order', async () => {
    const { user, api } = setup(undefined, {
      smartSearch: () =>
        ok({
          clients: [
            scored('a', 21.5, true, ['DOB exact', 'surname sounds alike']),
            scored('b', 7, false, ['DOB day and month swapped']),
          ],
          truncated: false,
          limit: 100,
          likelyScore: 12,
        }),
    });
    await user.click(screen.getByTestId('search-smart-toggle'));
    expect(screen.queryByTestId('search-phone')).not.toBeInTheDocument();
    await user.type(screen.getByTestId('search-last-name'), 'Martines');
    await user.type(screen.getByTestId('search-dob'), '03142019{Enter}');
    const rows = await screen.findAllByTestId('search-result-row');
    expect(rows).toHaveLength(2);
    expect(api.smartSearch).toHaveBeenCalledWith(
      expect.objectContaining({ lastName: 'Martines', dateOfBirth: '03/14/2019' }),
    );
    expect(within(rows[0]!).getByTestId('search-result-score')).toHaveTextContent('21.5');
    expect(within(rows[0]!).getByTestId('search-result-reasons')).toHaveTextContent(
      'DOB exact, surname sounds alike',
    );
    expect(screen.getByTestId('search-count')).toHaveTextContent('2 possible matches, best first.');
  });

  it('lists even a single likely Smart match for the user to confirm', async () => {
    const { user, services } = setup(undefined, {
      smartSearch: () =>
        ok({
          clients: [scored('a', 20, true, ['DOB exact'])],
          truncated: false,
          limit: 100,
          likelyScore: 12,
        }),
    });
    await user.click(screen.getByTestId('search-smart-toggle'));
    await user.type(screen.getByTestId('search-last-name'), 'Martinez{Enter}');
    expect(await screen.findAllByTestId('search-result-row')).toHaveLength(1);
    expect(services.router.route).toEqual({ name: 'clientSearch' });
    expect(screen.getByTestId('search-count')).toHaveTextContent('1 possible match, best first.');
  });

  it('shows what the quick box could not read under it', async () => {
    const { user } = setup(undefined, {
      quickSearch: () =>
        fail({
          code: 'validation',
          issues: [{ field: 'query', message: '"12/34" is not a date (MM/DD/YYYY).' }],
        }),
    });
    await user.type(screen.getByTestId('quick-search-input'), 'garcia 12/34{Enter}');
    const box = screen.getByTestId('quick-search-input');
    await waitFor(() => expect(box).toHaveAttribute('aria-invalid', 'true'));
    expect(box).toHaveValue('garcia 12/34');
  });
});
