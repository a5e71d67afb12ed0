import { screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { LotUsageView } from '$lib/api';
import { fakeApi, ok, provider } from '../../../test/fakeApi';
import { renderWithServices } from '../../../test/render';
import LotUsageScreen from './LotUsageScreen.svelte';

const manager = { ...provider, permissions: [...provider.permissions, 'manage_lots'] };

const lot = {
  cvx: '03',
  vaccine: 'MMR',
  mvx: 'MSD',
  tradeName: 'M-M-R II',
  lotNumber: 'R024551',
  expirationDate: '11/30/2026',
  fundingSource: 'vfc',
  start: 9,
  received: 20,
  administered: 1,
  wasted: 2,
  expired: 0,
  returned: 0,
  transferred: 5,
  corrected: 1,
  end: 22,
  expiredWithStock: true,
};

const view: LotUsageView = {
  organizationName: 'Lone Star Pediatrics',
  from: '11/01/2026',
  to: '12/07/2026',
  lots: [lot, { ...lot, lotNumber: 'S1', start: 1, received: 0, end: 1, expiredWithStock: false }],
};

describe('LotUsageScreen', () => {
  it('shows each lot’s reconciliation, flags expired stock and totals the columns', async () => {
    const api = fakeApi({ lotUsageReport: () => ok(view) });
    renderWithServices(LotUsageScreen, { api, user: manager, route: { name: 'lotUsage' } });
    const lines = await screen.findAllByTestId('usage-line');
    expect(lines[0]).toHaveTextContent('M-M-R II · CVX 03');
    expect(lines[0]).toHaveTextContent('Lot R024551 · expires 11/30/2026 · VFC');
    expect(within(lines[0]!).getByTestId('usage-expired-stock')).toHaveTextContent(
      'Expired, still holding doses',
    );
    expect(within(lines[1]!).queryByTestId('usage-expired-stock')).toBeNull();
    expect(screen.getByTestId('usage-total')).toHaveTextContent(/Total\s*10\s*20/);
    expect(api.lotUsageReport).toHaveBeenCalledWith({ from: '', to: '' });
  });
});
