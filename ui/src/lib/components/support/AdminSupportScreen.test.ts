import { screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { VaccineCode } from '$lib/api';
import { fakeApi, ok, provider } from '../../../test/fakeApi';
import { renderWithServices } from '../../../test/render';
import AdminSupportScreen from './AdminSupportScreen.svelte';

const vaccine = (cvx: string, shortDescription: string, status = 'Active'): VaccineCode => ({
  cvx,
  shortDescription,
  fullName: `${shortDescription} vaccine`,
  notes: null,
  status,
  lastUpdated: '05/28/2010',
});

describe('AdminSupportScreen', () => {
  it('loads a table once, filters it by code or text and shows status badges', async () => {
    const many = Array.from({ length: 300 }, (_, i) => vaccine(String(500 + i), `Test ${i}`));
    const api = fakeApi({
      listVaccines: () =>
        ok([
          vaccine('03', 'MMR'),
          vaccine('94', 'MMRV'),
          vaccine('01', 'DTP', 'Inactive'),
          ...many,
        ]),
    });
    renderWithServices(AdminSupportScreen, {
      api,
      user: provider,
      route: { name: 'adminSupport', tab: 'vaccines' },
      props: { tab: 'vaccines' as const },
    });
    const table = await screen.findByTestId('support-table-vaccines');
    expect(within(table).getAllByTestId('support-row')).toHaveLength(303);
    expect(within(table).getByText('Inactive')).toHaveClass('badge');

    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Filter'), 'mmr');
    expect(within(table).getAllByTestId('support-row')).toHaveLength(2);
    expect(screen.getByTestId('support-count')).toHaveTextContent('2 of 303 rows');

    await user.clear(screen.getByLabelText('Filter'));
    await user.type(screen.getByLabelText('Filter'), '01');
    const rows = within(table).getAllByTestId('support-row');
    expect(rows.map((r) => within(r).getByRole('rowheader').textContent)).toContain('01');
    expect(api.listVaccines).toHaveBeenCalledTimes(1);
  });

  it('moves between tabs with the arrow keys', async () => {
    const { services, api } = renderWithServices(AdminSupportScreen, {
      user: provider,
      route: { name: 'adminSupport', tab: 'vaccines' },
      props: { tab: 'vaccines' as const },
    });
    const user = userEvent.setup();
    screen.getByRole('tab', { name: 'Vaccines' }).focus();
    await user.keyboard('{ArrowRight}');
    expect(services.router.route).toEqual({ name: 'adminSupport', tab: 'tradeNames' });
    expect(screen.getByRole('tab', { name: 'Trade names' })).toHaveFocus();
    expect(api.listVaccines).toHaveBeenCalledTimes(1);
  });
});
